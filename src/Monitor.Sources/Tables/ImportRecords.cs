using System.Globalization;
using System.Text;
using System.Text.Json;
using Monitor.Core.Market;

namespace Monitor.Sources.Tables;

/// <summary>
/// The rows of an import file, read one at a time: CSV with a header row (names in any case, surrounding blanks
/// ignored) or NDJSON (one object per line, the same names, any case). The format is told by the first character
/// (<c>{</c> for NDJSON); a UTF-8 byte order mark is skipped.
/// </summary>
internal abstract class ImportRecords : IDisposable
{
    private readonly TextReader _reader;

    protected ImportRecords(TextReader reader) => _reader = reader;

    /// <summary>The line the current row starts on (1 is the first line of the file).</summary>
    public int Line { get; protected set; }

    protected TextReader Reader => _reader;

    public static ImportRecords Open(string path)
    {
        var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 1 << 16 });
        int first;
        while ((first = reader.Peek()) >= 0 && char.IsWhiteSpace((char)first) && first is not '\n' and not '\r')
        {
            reader.Read();
        }

        return first == '{' ? new NdjsonRecords(reader) : new CsvRecords(reader);
    }

    /// <summary>The key of the first of <paramref name="names"/> the file has (case-insensitive), or -1.</summary>
    public abstract int Find(IReadOnlyList<string> names);

    /// <summary>Reads the next row; false at the end. A row that is not readable at all sets <paramref name="malformed"/>.</summary>
    public abstract bool TryRead(out string? malformed);

    /// <summary>The text of a field of the current row, or null when the row lacks it (an empty cell is empty text).</summary>
    public abstract string? Field(int key);

    /// <summary>What the header holds, for messages.</summary>
    public abstract string Describe();

    public void Dispose() => _reader.Dispose();

    private sealed class CsvRecords : ImportRecords
    {
        private readonly CsvRecordReader _records;
        private readonly List<string> _fields = [];
        private readonly List<string> _header = [];

        public CsvRecords(TextReader reader)
            : base(reader)
        {
            _records = new CsvRecordReader(reader);
            if (_records.TryRead(_fields, out _))
            {
                _header.AddRange(_fields.Select(f => f.Trim()));
            }
        }

        public override int Find(IReadOnlyList<string> names)
        {
            foreach (string name in names)
            {
                int index = _header.FindIndex(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
                if (index >= 0)
                {
                    return index;
                }
            }

            return -1;
        }

        public override bool TryRead(out string? malformed)
        {
            malformed = null;
            if (!_records.TryRead(_fields, out int line))
            {
                return false;
            }

            Line = line;
            return true;
        }

        public override string? Field(int key) => key >= 0 && key < _fields.Count ? _fields[key] : null;

        public override string Describe() => _header.Count == 0 ? "an empty file" : $"the columns {string.Join(", ", _header)}";
    }

    private sealed class NdjsonRecords(TextReader reader) : ImportRecords(reader)
    {
        private readonly List<string> _names = [];
        private readonly List<string?> _values = [];

        public override int Find(IReadOnlyList<string> names)
        {
            // Which name an object uses is known only per row: the key stands for all of them.
            _names.Add(string.Join('\n', names));
            _values.Add(null);
            return _names.Count - 1;
        }

        public override bool TryRead(out string? malformed)
        {
            malformed = null;
            string? line;
            do
            {
                line = Reader.ReadLine();
                if (line is null)
                {
                    return false;
                }

                Line++;
            }
            while (string.IsNullOrWhiteSpace(line));

            for (int i = 0; i < _values.Count; i++)
            {
                _values[i] = null;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    malformed = "the line is not a JSON object";
                    return true;
                }

                foreach (var property in document.RootElement.EnumerateObject())
                {
                    int key = KeyOf(property.Name);
                    if (key >= 0)
                    {
                        _values[key] = property.Value.ValueKind switch
                        {
                            JsonValueKind.String => property.Value.GetString(),
                            JsonValueKind.Null => null,
                            JsonValueKind.Number => property.Value.GetRawText(),
                            _ => property.Value.GetRawText(),
                        };
                    }
                }
            }
            catch (JsonException e)
            {
                malformed = $"the line is not valid JSON ({e.Message})";
            }

            return true;
        }

        public override string? Field(int key) => _values[key];

        public override string Describe() => "NDJSON objects";

        private int KeyOf(string name)
        {
            for (int i = 0; i < _names.Count; i++)
            {
                foreach (var candidate in _names[i].Split('\n'))
                {
                    if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase))
                    {
                        return i;
                    }
                }
            }

            return -1;
        }
    }
}

/// <summary>One field an importer reads: its names (or the header <c>--column</c> maps it to) and a value for rows without it.</summary>
internal sealed class ImportField
{
    private ImportField(string name, int key, string? fallback)
    {
        Name = name;
        Key = key;
        Fallback = fallback;
    }

    public string Name { get; }

    public int Key { get; }

    public string? Fallback { get; }

    /// <summary>Whether the file has the field (or a fallback fills it).</summary>
    public bool Present => Key >= 0 || Fallback is not null;

    public static ImportField Find(ImportRecords records, IReadOnlyDictionary<string, string> mapping, string name, string[] aliases, string? fallback = null)
    {
        string[] names = mapping.TryGetValue(name, out string? header) ? [header.Trim()] : [name, .. aliases];
        return new ImportField(name, records.Find(names), fallback);
    }

    /// <summary>The trimmed text of the field in the current row; the fallback when the row has none or it is empty.</summary>
    public string? Text(ImportRecords records)
    {
        string? text = Key >= 0 ? records.Field(Key)?.Trim() : null;
        return string.IsNullOrEmpty(text) ? Fallback : text;
    }
}

/// <summary>Reading the values real files hold, each failure a reason a person can act on.</summary>
internal static class ImportValues
{
    private static readonly string[] CurrencyPrefixes = ["US$", "$", "€", "£", "¥"];

    /// <summary>
    /// A finite number: invariant form, with an optional currency sign in front and thousands separators
    /// (<c>$1,234.50</c>). Percentages, blanks and words (HOLIDAY, AWAITED, NYSE Closed) are refused with the reason.
    /// </summary>
    public static bool TryParseNumber(string? text, string field, out double value, out string error)
    {
        value = 0;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"'{field}' is empty";
            return false;
        }

        if (CsvValues.TryParseNumber(text, out value))
        {
            return true;
        }

        var span = text.AsSpan().Trim();
        bool negative = span.StartsWith("-");
        if (negative)
        {
            span = span[1..].TrimStart();
        }

        foreach (string prefix in CurrencyPrefixes)
        {
            if (span.StartsWith(prefix, StringComparison.Ordinal))
            {
                span = span[prefix.Length..].TrimStart();
                break;
            }
        }

        if (span.EndsWith("%"))
        {
            error = $"'{field}' '{Shorten(text)}' is a percentage, not a {field}";
            return false;
        }

        if (double.TryParse(span, NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value) && HasValidGrouping(span))
        {
            value = negative ? -value : value;
            return true;
        }

        error = span.ContainsAnyInRange('A', 'Z') || span.ContainsAnyInRange('a', 'z')
            ? $"'{field}' holds the text '{Shorten(text)}', not a number (a market holiday or a value not published yet)"
            : $"'{field}' '{Shorten(text)}' is not a number";
        return false;
    }

    /// <summary>A time with an offset (each row its own, so daylight saving changes are right), a date, or Unix milliseconds.</summary>
    public static bool TryParseTime(string? text, string field, out DateTimeOffset time, out string error)
    {
        error = "";
        if (CsvValues.TryParseTime(text ?? "", out time))
        {
            return true;
        }

        error = string.IsNullOrWhiteSpace(text) ? $"'{field}' is empty" : $"'{field}' '{Shorten(text)}' is not a date or time";
        return false;
    }

    /// <summary>The calendar date as written (a time's own offset, not UTC: <c>2018-01-02 00:00-05:00</c> is January 2).</summary>
    public static bool TryParseDate(string? text, string field, out DateOnly date, out string error)
    {
        date = default;
        if (!TryParseTime(text, field, out var time, out error))
        {
            return false;
        }

        date = DateOnly.FromDateTime(time.DateTime);
        return true;
    }

    public static bool TryParseInstrument(string? text, InstrumentCatalog catalog, out InstrumentDefinition definition, out string error)
    {
        definition = null!;
        if (string.IsNullOrEmpty(text))
        {
            error = "'instrument' is missing (add the column or give --instrument)";
            return false;
        }

        if (!InstrumentId.TryParse(text, out var id, out error))
        {
            return false;
        }

        if (!catalog.TryGet(id, out definition))
        {
            error = $"unknown instrument '{id}'; the built-in instruments are {string.Join(", ", catalog.All.Select(i => i.Id.Value))}";
            return false;
        }

        return true;
    }

    public static string Shorten(string text) => UntrustedText.Printable(text.Length > 40 ? text[..40] + "..." : text);

    /// <summary>Commas only as thousands separators: groups of three digits.</summary>
    private static bool HasValidGrouping(ReadOnlySpan<char> span)
    {
        int comma = span.IndexOf(',');
        if (comma < 0)
        {
            return true;
        }

        int point = span.IndexOf('.');
        var integer = point >= 0 ? span[..point] : span;
        if (comma == 0 || comma > 3)
        {
            return false;
        }

        for (int i = comma; i < integer.Length; i += 4)
        {
            if (integer[i] != ',' || integer.Length - i < 4)
            {
                return false;
            }
        }

        return true;
    }
}

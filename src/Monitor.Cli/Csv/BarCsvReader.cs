using Monitor.Core.Market;
using Monitor.Sources.Tables;

namespace Monitor.Cli.Csv;

/// <summary>One bar read from a CSV file, with the date text exactly as the file wrote it.</summary>
internal readonly record struct CsvBar(string DateText, Bar Bar);

/// <summary>
/// Reads bars from CSV: a header row, a first column named date, time or timestamp, and open, high, low, close,
/// volume in any order and any case. Rows that cannot be read are reported with their line number and skipped.
/// </summary>
internal sealed class BarCsvReader
{
    private static readonly string[] TimeColumns = ["date", "time", "timestamp", "datetime"];
    private static readonly string[] PriceColumns = ["open", "high", "low", "close", "volume"];

    private readonly CsvRecordReader _records;
    private readonly int[] _columns = new int[5];
    private readonly int _timeColumn;
    private readonly List<string> _fields = [];

    private BarCsvReader(CsvRecordReader records, int timeColumn, int[] columns)
    {
        _records = records;
        _timeColumn = timeColumn;
        _columns = columns;
    }

    /// <summary>Reads the header; fails with a message naming the missing columns.</summary>
    public static bool TryOpen(TextReader reader, out BarCsvReader bars, out string error)
    {
        bars = null!;
        var records = new CsvRecordReader(reader);
        var header = new List<string>();
        if (!records.TryRead(header, out _))
        {
            error = "the file is empty; expected a header row such as date,open,high,low,close,volume";
            return false;
        }

        var names = header.Select(h => h.Trim().ToLowerInvariant()).ToList();
        int timeColumn = names.FindIndex(n => TimeColumns.Contains(n));
        var columns = PriceColumns.Select(c => names.IndexOf(c)).ToArray();
        var missing = PriceColumns.Where((_, i) => columns[i] < 0).ToList();
        if (timeColumn < 0)
        {
            missing.Insert(0, "date");
        }

        if (missing.Count > 0)
        {
            error = $"the header lacks column(s) {string.Join(", ", missing)}; found {string.Join(", ", header)}";
            return false;
        }

        bars = new BarCsvReader(records, timeColumn, columns);
        error = "";
        return true;
    }

    /// <summary>Reads bars in file order; <paramref name="reject"/> hears of each row skipped and why.</summary>
    public IEnumerable<CsvBar> ReadAll(Action<int, string> reject)
    {
        var values = new double[5];
        while (_records.TryRead(_fields, out int line))
        {
            if (TryParse(_fields, values, out var bar, out string error))
            {
                yield return bar;
            }
            else
            {
                reject(line, error);
            }
        }
    }

    private bool TryParse(List<string> fields, double[] values, out CsvBar bar, out string error)
    {
        bar = default;
        int needed = Math.Max(_timeColumn, _columns.Max()) + 1;
        if (fields.Count < needed)
        {
            error = $"has {fields.Count} field(s), expected at least {needed}";
            return false;
        }

        string dateText = fields[_timeColumn].Trim();
        if (!CsvValues.TryParseTime(dateText, out var time))
        {
            error = dateText.Length == 0 ? "the date is empty" : $"'{dateText}' is not a date or date-time";
            return false;
        }

        for (int i = 0; i < _columns.Length; i++)
        {
            string text = fields[_columns[i]];
            if (!CsvValues.TryParseNumber(text, out values[i]))
            {
                error = $"{PriceColumns[i]} '{text.Trim()}' is not a number";
                return false;
            }
        }

        bar = new CsvBar(dateText, new Bar(time, values[0], values[1], values[2], values[3], values[4]));
        error = "";
        return true;
    }
}

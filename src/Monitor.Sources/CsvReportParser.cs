using System.Text.Json;
using Monitor.Core.Market;
using Monitor.Sources.Tables;

namespace Monitor.Sources;

/// <summary>
/// <c>csv</c>: any table with a header row (CSV, NDJSON or the first sheet of an xlsx) read through the source's mapping:
/// fixed values for fields the file lacks (<c>instrument</c>, <c>series</c>, <c>unit</c>, <c>location</c>) and under
/// <c>columns</c> the header each field is read from, as <c>monitor import</c>'s <c>--column</c>. Rows are inventory
/// values (<c>asOf, quantity</c>, and <c>publishedAt</c> when the file has it; else when the file was first seen) or, with <c>target</c> <c>bars</c>, daily bars (<c>date</c> and at least <c>close</c>).
/// A row that cannot be read is skipped with its reason; a file whose header lacks a field is rejected.
/// </summary>
public sealed class CsvReportParser : IReportParser
{
    private const string Expected = "a table with a header row (CSV, NDJSON or xlsx)";

    public string Kind => "csv";

    public ReportParseResult Parse(ReadOnlyMemory<byte> content, ReportContext context)
    {
        var mapping = context.Mapping ?? new ReportMapping();
        if (!TryOpen(content, out var sheet, out var problem))
        {
            return ReportParseResult.Reject([problem]);
        }

        var report = new ReportBuilder(context);
        var table = new Table(sheet, mapping);
        var latest = string.Equals(mapping.Target, ReportMapping.BarsTarget, StringComparison.OrdinalIgnoreCase)
            ? ReadBars(table, mapping, report)
            : ReadInventory(table, report);
        return report.Finish(latest);
    }

    private static bool TryOpen(ReadOnlyMemory<byte> content, out Grid sheet, out ReportProblem problem)
    {
        sheet = null!;
        string start = ReportFile.Decode(content.Span[..Math.Min(content.Length, 64)]).TrimStart();
        if (start.StartsWith('{'))
        {
            return TryReadNdjson(content, out sheet, out problem);
        }

        if (!ReportFile.TryOpen(content, Expected, csvAllowed: true, out var sheets, out problem))
        {
            return false;
        }

        sheet = sheets[0];
        return true;
    }

    /// <summary>NDJSON as a grid: the header is every name the objects use, in order of first use.</summary>
    private static bool TryReadNdjson(ReadOnlyMemory<byte> content, out Grid sheet, out ReportProblem problem)
    {
        sheet = null!;
        problem = null!;
        var names = new List<string>();
        var rows = new List<object?[]> { Array.Empty<object?>() };
        string[] lines = ReportFile.Decode(content.Span).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                rows.Add([]);
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(lines[i]);
                var row = new object?[names.Count];
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    int index = names.FindIndex(n => string.Equals(n, property.Name, StringComparison.OrdinalIgnoreCase));
                    if (index < 0)
                    {
                        names.Add(property.Name);
                        index = names.Count - 1;
                        Array.Resize(ref row, names.Count);
                    }

                    row[index] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
                }

                rows.Add(row);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                problem = new ReportProblem($"line {i + 1}", $"not a JSON object ({e.Message}); expected one object a line");
                return false;
            }
        }

        rows[0] = [.. names];
        while (rows.Count > 1 && rows[^1].Length == 0)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        sheet = new Grid(null, rows);
        return true;
    }

    private static DateOnly? ReadInventory(Table table, ReportBuilder report)
    {
        var instrument = table.Field("instrument", report.Context.Mapping?.Instrument);
        var series = table.Field("series", report.Context.Mapping?.Series);
        var asOf = table.Field("asOf", null, "date");
        var quantity = table.Field("quantity", null);
        var unit = table.Field("unit", report.Context.Mapping?.Unit);
        var location = table.Field("location", report.Context.Mapping?.Location);
        var publishedAt = table.Field("publishedAt", null);
        if (!table.Require(report, instrument, series, asOf, quantity, unit))
        {
            return null;
        }

        DateOnly? latest = null;
        foreach (int row in table.DataRows())
        {
            report.Rows++;
            string where = table.Sheet.WhereRow(row);
            if (!ImportValues.TryParseInstrument(table.Text(row, instrument), report.Context.Catalog, out var definition, out string error)
                || !ImportValues.TryParseDate(table.Text(row, asOf), "asOf", out var date, out error)
                || !ImportValues.TryParseNumber(table.Text(row, quantity), "quantity", out double amount, out error))
            {
                report.Skip(where, error);
                continue;
            }

            string? seriesText = table.Text(row, series);
            if (!InventorySeries.TryNormalize(seriesText, out string name))
            {
                report.Refuse(where, $"unknown series '{ImportValues.Shorten(seriesText ?? "")}'; series are {string.Join(", ", InventorySeries.All)}");
                continue;
            }

            string? unitText = table.Text(row, unit);
            if (!QuantityUnits.TryParse(unitText, out var inputUnit))
            {
                report.Refuse(where, $"unknown unit '{ImportValues.Shorten(unitText ?? "")}'; units are {string.Join(", ", QuantityUnits.Symbols)}");
                continue;
            }

            if (amount < 0 && name is not (InventorySeries.ManagedMoneyNet or InventorySeries.NonCommercialNet))
            {
                report.Skip(where, $"'quantity' must not be negative for {name}, got {amount}");
                continue;
            }

            DateTimeOffset? published = null;
            if (table.Text(row, publishedAt) is { } publishedText)
            {
                if (!ImportValues.TryParseTime(publishedText, "publishedAt", out var time, out error))
                {
                    report.Skip(where, error);
                    continue;
                }

                published = time;
            }

            report.Add(where, definition.Id, name, date, amount, inputUnit, table.Text(row, location), published);
            latest = latest is { } l && l > date ? l : date;
        }

        return latest;
    }

    private static DateOnly? ReadBars(Table table, ReportMapping mapping, ReportBuilder report)
    {
        if (!BarInterval.TryParse(mapping.Interval ?? "1d", out var interval, out string intervalError))
        {
            report.Refuse("", $"mapping interval: {intervalError}");
            return null;
        }

        var instrument = table.Field("instrument", mapping.Instrument);
        var date = table.Field("date", null, "time", "timestamp");
        var close = table.Field("close", null, "settle", "price");
        var open = table.Field("open", null);
        var high = table.Field("high", null);
        var low = table.Field("low", null);
        var volume = table.Field("volume", null);
        if (!table.Require(report, instrument, date, close))
        {
            return null;
        }

        DateOnly? latest = null;
        foreach (int row in table.DataRows())
        {
            report.Rows++;
            string where = table.Sheet.WhereRow(row);
            if (!ImportValues.TryParseInstrument(table.Text(row, instrument), report.Context.Catalog, out var definition, out string error)
                || !ImportValues.TryParseTime(table.Text(row, date), "date", out var time, out error)
                || !ImportValues.TryParseNumber(table.Text(row, close), "close", out double c, out error)
                || !TryOptional(table, row, open, c, out double o, out error)
                || !TryOptional(table, row, high, Math.Max(o, c), out double h, out error)
                || !TryOptional(table, row, low, Math.Min(o, c), out double l, out error)
                || !TryOptional(table, row, volume, 0, out double v, out error))
            {
                report.Skip(where, error);
                continue;
            }

            if (l > Math.Min(o, c) || h < Math.Max(o, c) || v < 0)
            {
                report.Skip(where, $"open {o}, high {h}, low {l}, close {c}, volume {v} contradict each other");
                continue;
            }

            var day = DateOnly.FromDateTime(time.DateTime);
            var start = interval.Length >= TimeSpan.FromDays(1) ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : time;
            report.AddBar(new ImportedBar(definition.Id, interval, new Bar(interval.BarStart(start), o, h, l, c, v)));
            latest = latest is { } previous && previous > day ? previous : day;
        }

        return latest;
    }

    private static bool TryOptional(Table table, int row, int field, double fallback, out double value, out string error)
    {
        string? text = table.Text(row, field);
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            error = "";
            return true;
        }

        return ImportValues.TryParseNumber(text, table.Name(field), out value, out error);
    }

    /// <summary>The header and the fields the mapping points at. A field is a column index, or the index of a fixed value.</summary>
    private sealed class Table(Grid sheet, ReportMapping mapping)
    {
        private readonly List<(string Name, int Column, string? Fixed)> _fields = [];

        public Grid Sheet => sheet;

        public int Field(string name, string? fixedValue, params string[] aliases)
        {
            string[] headers = mapping.Columns?.FirstOrDefault(c => string.Equals(c.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { } mapped
                ? [mapped.Trim()]
                : [name, .. aliases];
            int column = -1;
            for (int c = 0; c < (sheet.RowCount > 0 ? sheet.ColumnCount(0) : 0) && column < 0; c++)
            {
                if (headers.Any(h => string.Equals(h, sheet.Text(0, c), StringComparison.OrdinalIgnoreCase)))
                {
                    column = c;
                }
            }

            _fields.Add((name, column, fixedValue));
            return _fields.Count - 1;
        }

        public string Name(int field) => _fields[field].Name;

        /// <summary>Refuses the file when a required field has neither a column nor a fixed value.</summary>
        public bool Require(ReportBuilder report, params int[] fields)
        {
            string[] missing = [.. fields.Where(f => _fields[f].Column < 0 && _fields[f].Fixed is null).Select(f => _fields[f].Name)];
            if (missing.Length == 0)
            {
                return true;
            }

            string header = sheet.RowCount == 0 ? "an empty file" : $"the columns {string.Join(", ", Enumerable.Range(0, sheet.ColumnCount(0)).Select(c => sheet.Text(0, c)))}";
            report.Refuse("line 1", $"no column for {string.Join(", ", missing)} (found {header}); map them under 'columns' or give fixed values");
            return false;
        }

        public IEnumerable<int> DataRows()
        {
            for (int row = 1; row < sheet.RowCount; row++)
            {
                if (!sheet.IsBlank(row))
                {
                    yield return row;
                }
            }
        }

        /// <summary>The field's trimmed text in a row; its fixed value when the row has none.</summary>
        public string? Text(int row, int field)
        {
            var (_, column, fixedValue) = _fields[field];
            string text = column >= 0 ? sheet.Text(row, column) : "";
            return text.Length == 0 ? fixedValue : text;
        }
    }
}

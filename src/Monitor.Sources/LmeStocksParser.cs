using System.Globalization;
using System.Text.RegularExpressions;
using Monitor.Core.Market;
using Monitor.Sources.Tables;

namespace Monitor.Sources;

/// <summary>
/// <c>lme-stocks</c>: the LME's daily stocks by warehouse location, as the LME lays it out (xlsx, or saved as CSV): a title
/// row per metal, a header <c>Country/Region, Location, Opening Stock, Delivered In, Delivered Out, Closing Stock, Open
/// Tonnage, Cancelled Tonnage</c>, a row per location, then <c>Total</c> (checked against the locations) and <c>+/-</c>.
/// Tonnes. Closing stock is <c>stocks</c>, open tonnage <c>onWarrant</c>, cancelled tonnage <c>cancelled</c>, per location
/// and in total. The date is read from the report's head; a CSV without one takes <see cref="ReportContext.AsOf"/>.
/// A flattened scraper's form (a <c>Metal</c> and a <c>Date</c> column) is read too, but its labels are not trusted: a
/// location twice under one metal on one day means the labels are wrong, and the file is refused.
/// </summary>
public sealed partial class LmeStocksParser : IReportParser
{
    private const string Expected = "the LME stocks report by location (xlsx or its CSV form)";
    private const double Tolerance = 0.01;

    private static readonly Dictionary<string, string> Metals = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Primary Aluminium"] = "LME:AH",
        ["Aluminium Alloy"] = "LME:AA",
        ["NASAAC"] = "LME:NA",
        ["North American Special Aluminium Alloy"] = "LME:NA",
        ["Copper"] = "LME:CA",
        ["Special High Grade Zinc"] = "LME:ZS",
        ["SHG Zinc"] = "LME:ZS",
        ["Zinc"] = "LME:ZS",
        ["Lead"] = "LME:PB",
        ["Nickel"] = "LME:NI",
        ["Tin"] = "LME:SN",
        ["Cobalt"] = "LME:CO",
    };

    // Header → (what the column holds, the series it is, null for columns only checked).
    private static readonly (string Header, string? Series)[] Quantities =
    [
        ("Opening Stock", null),
        ("Delivered In", null),
        ("Delivered Out", null),
        ("Closing Stock", InventorySeries.Stocks),
        ("Open Tonnage", InventorySeries.OnWarrant),
        ("Cancelled Tonnage", InventorySeries.Cancelled),
    ];

    public string Kind => "lme-stocks";

    public ReportParseResult Parse(ReadOnlyMemory<byte> content, ReportContext context)
    {
        if (!ReportFile.TryOpen(content, Expected, csvAllowed: true, out var sheets, out var problem))
        {
            return ReportParseResult.Reject([problem]);
        }

        var report = new ReportBuilder(context);
        var reader = new Reader(report);
        foreach (var sheet in sheets)
        {
            reader.Read(sheet);
        }

        return reader.Finish();
    }

    [GeneratedRegex(@"\b(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2} [A-Za-z]+ \d{4}|\d{1,2}-[A-Za-z]{3}-\d{4})\b")]
    private static partial Regex DatePattern();

    private sealed class Reader(ReportBuilder report)
    {
        private readonly HashSet<string> _metalsSeen = new(StringComparer.Ordinal);
        private readonly Dictionary<(string Metal, DateOnly Date, string Location), int> _flatRows = [];
        private DateOnly? _date;
        private string _dateWhere = "";
        private bool _sawHeader;
        private Block? _block;
        private (string Text, string Where)? _title;
        private DateOnly? _latestFlatDate;
        private bool _dateMissing;

        private ReportBuilder Builder => report;

        public void Read(Grid sheet)
        {
            for (int row = 0; row < sheet.RowCount; row++)
            {
                if (sheet.IsBlank(row))
                {
                    continue;
                }

                if (TryHeader(sheet, row, out var columns))
                {
                    StartBlock(sheet, row, columns);
                }
                else if (SingleText(sheet, row) is { } title && !DatePattern().IsMatch(title.Text))
                {
                    CloseUnfinished(sheet, row);
                    _title = (title.Text, sheet.Where(row, title.Column));
                }
                else if (!_sawHeader)
                {
                    FindDate(sheet, row);
                }
                else
                {
                    _block?.ReadRow(sheet, row);
                }
            }

            CloseUnfinished(sheet, sheet.RowCount - 1);
        }

        public ReportParseResult Finish()
        {
            if (!_sawHeader && !report.Refused)
            {
                report.Refuse("", $"no table with the header 'Location, Opening Stock, ..., Cancelled Tonnage'; expected {Expected}");
            }

            return report.Finish(_latestFlatDate ?? _date, _dateWhere);
        }

        private static bool TryHeader(Grid sheet, int row, out Dictionary<string, int> columns)
        {
            columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (int column = 0; column < sheet.ColumnCount(row); column++)
            {
                columns.TryAdd(sheet.Text(row, column), column);
            }

            return columns.ContainsKey("Location") && columns.ContainsKey("Closing Stock");
        }

        private static (string Text, int Column)? SingleText(Grid sheet, int row)
        {
            (string, int)? found = null;
            for (int column = 0; column < sheet.ColumnCount(row); column++)
            {
                string text = sheet.Text(row, column);
                if (text.Length == 0)
                {
                    continue;
                }

                if (found is not null || sheet.Value(row, column) is not string || text.StartsWith("+/-", StringComparison.Ordinal)
                    || text.Equals("Total", StringComparison.OrdinalIgnoreCase) || double.TryParse(text, CultureInfo.InvariantCulture, out _))
                {
                    return null;
                }

                found = (text, column);
            }

            return found;
        }

        private void FindDate(Grid sheet, int row)
        {
            for (int column = 0; column < sheet.ColumnCount(row) && _date is null; column++)
            {
                if (sheet.Value(row, column) is DateTime time)
                {
                    _date = DateOnly.FromDateTime(time);
                }
                else if (DatePattern().Match(sheet.Text(row, column)) is { Success: true } match
                    && DateOnly.TryParseExact(match.Value, ["yyyy-MM-dd", "d/M/yyyy", "d MMMM yyyy", "d MMM yyyy", "d-MMM-yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    _date = date;
                }

                if (_date is not null)
                {
                    _dateWhere = sheet.Where(row, column);
                }
            }
        }

        private void StartBlock(Grid sheet, int row, Dictionary<string, int> columns)
        {
            CloseUnfinished(sheet, row);
            _sawHeader = true;
            var indexes = new int[Quantities.Length];
            for (int i = 0; i < Quantities.Length; i++)
            {
                if (!columns.TryGetValue(Quantities[i].Header, out indexes[i]))
                {
                    report.Refuse(sheet.WhereRow(row), $"the header has no '{Quantities[i].Header}' column; expected {string.Join(", ", Quantities.Select(q => q.Header))}");
                    _block = null;
                    return;
                }
            }

            int location = columns["Location"];
            if (columns.TryGetValue("Metal", out int metal) && columns.TryGetValue("Date", out int date))
            {
                _block = new FlatBlock(this, location, indexes, metal, date);
                _title = null;
                return;
            }

            _date ??= report.Context.AsOf;
            if (_date is null)
            {
                _block = null;
                if (_dateMissing)
                {
                    return;
                }

                _dateMissing = true;
                report.Refuse(sheet.WhereRow(row), "the report carries no date (the CSV form lost the LME's title); give the activity date (--as-of)");
                return;
            }

            if (_title is not { } title)
            {
                report.Refuse(sheet.WhereRow(row), "a table with no metal title above it; expected a title such as 'Copper' or 'Special High Grade Zinc'");
                _block = null;
                return;
            }

            _title = null;
            if (!Metals.TryGetValue(title.Text, out string? instrument))
            {
                report.Refuse(title.Where, $"unknown metal title '{ImportValues.Shorten(title.Text)}'; expected one of {string.Join(", ", Metals.Keys)}");
                _block = null;
                return;
            }

            if (!_metalsSeen.Add(instrument))
            {
                report.Refuse(title.Where, $"'{title.Text}' appears a second time; a report has one table per metal");
            }

            _block = new TitledBlock(this, title.Text, InstrumentId.Parse(instrument), location, indexes);
        }

        private void CloseUnfinished(Grid sheet, int row)
        {
            if (_block is TitledBlock { Closed: false } titled)
            {
                report.Refuse(sheet.WhereRow(row), $"{titled.Metal}: no 'Total' row after its locations; the file is truncated or not {Expected}");
            }

            _block = null;
        }

        private abstract class Block(Reader reader, int location, int[] quantities)
        {
            protected Reader Reader => reader;

            protected ReportBuilder Report => reader.Builder;

            protected int LocationColumn => location;

            public abstract void ReadRow(Grid sheet, int row);

            /// <summary>The row's six quantities, or false (and the file refused) when one is not a number.</summary>
            protected bool TryQuantities(Grid sheet, int row, double[] values)
            {
                for (int i = 0; i < quantities.Length; i++)
                {
                    if (!sheet.TryNumber(row, quantities[i], Quantities[i].Header, out values[i], out string error))
                    {
                        Report.Refuse(sheet.Where(row, quantities[i]), error);
                        return false;
                    }
                }

                return true;
            }

            protected void AddSeries(Grid sheet, int row, InstrumentId instrument, DateOnly date, double[] values, string? locationName)
            {
                for (int i = 0; i < Quantities.Length; i++)
                {
                    if (Quantities[i].Series is { } series)
                    {
                        Report.Add(sheet.Where(row, quantities[i]), instrument, series, date, values[i], QuantityUnit.Tonne, locationName);
                    }
                }
            }

            protected int QuantityColumn(int index) => quantities[index];
        }

        /// <summary>One metal's table under its title: locations, then a Total checked against them.</summary>
        private sealed class TitledBlock(Reader reader, string metal, InstrumentId instrument, int location, int[] quantities)
            : Block(reader, location, quantities)
        {
            private readonly double[] _sums = new double[Quantities.Length];
            private readonly Dictionary<string, int> _locations = new(StringComparer.OrdinalIgnoreCase);

            public string Metal => metal;

            public bool Closed { get; private set; }

            public override void ReadRow(Grid sheet, int row)
            {
                string first = sheet.Text(row, 0);
                if (Closed || first.StartsWith("+/-", StringComparison.Ordinal))
                {
                    return;
                }

                var values = new double[Quantities.Length];
                if (first.Equals("Total", StringComparison.OrdinalIgnoreCase))
                {
                    Closed = true;
                    if (TryQuantities(sheet, row, values))
                    {
                        CheckTotal(sheet, row, values);
                        AddSeries(sheet, row, instrument, Reader._date!.Value, values, null);
                    }

                    return;
                }

                string name = sheet.Text(row, LocationColumn);
                Report.Rows++;
                if (name.Length == 0)
                {
                    Report.Refuse(sheet.Where(row, LocationColumn), $"{metal}: a row without a location");
                    return;
                }

                if (_locations.TryGetValue(name, out int earlier))
                {
                    Report.Refuse(sheet.Where(row, LocationColumn), $"{metal}: location '{ImportValues.Shorten(name)}' appears twice (also on {sheet.WhereRow(earlier)})");
                    return;
                }

                _locations[name] = row;
                if (TryQuantities(sheet, row, values))
                {
                    for (int i = 0; i < values.Length; i++)
                    {
                        _sums[i] += values[i];
                    }

                    AddSeries(sheet, row, instrument, Reader._date!.Value, values, name);
                }
            }

            private void CheckTotal(Grid sheet, int row, double[] totals)
            {
                for (int i = 0; i < totals.Length; i++)
                {
                    if (Math.Abs(totals[i] - _sums[i]) > Tolerance)
                    {
                        Report.Refuse(sheet.Where(row, QuantityColumn(i)),
                            $"{metal}: Total {Quantities[i].Header} {totals[i]:#,0.##} is not the sum of the locations, {_sums[i]:#,0.##} (difference {totals[i] - _sums[i]:#,0.##})");
                    }
                }
            }
        }

        /// <summary>A scraper's flattened table: each row names its metal and date; the labels are checked, not trusted.</summary>
        private sealed class FlatBlock(Reader reader, int location, int[] quantities, int metalColumn, int dateColumn)
            : Block(reader, location, quantities)
        {
            public override void ReadRow(Grid sheet, int row)
            {
                string name = sheet.Text(row, LocationColumn);
                if (name.Length == 0)
                {
                    return;
                }

                Report.Rows++;
                string label = sheet.Text(row, metalColumn);
                if (!Metals.TryGetValue(label, out string? instrument))
                {
                    Report.Refuse(sheet.Where(row, metalColumn), $"unknown metal '{ImportValues.Shorten(label)}'; expected one of {string.Join(", ", Metals.Keys)}");
                    return;
                }

                if (!ImportValues.TryParseDate(sheet.Text(row, dateColumn), "Date", out var date, out string error))
                {
                    Report.Refuse(sheet.Where(row, dateColumn), error);
                    return;
                }

                if (Reader._flatRows.TryGetValue((instrument, date, name), out int earlier))
                {
                    Report.Refuse(sheet.Where(row, metalColumn),
                        $"location '{ImportValues.Shorten(name)}' appears again under '{label}' for {date:yyyy-MM-dd} (first on {sheet.WhereRow(earlier)}): "
                        + "the metal labels are wrong (a scraper that knew only one-word metal titles?); expected one table per metal as the LME lays it out");
                    return;
                }

                Reader._flatRows[(instrument, date, name)] = row;
                var values = new double[Quantities.Length];
                if (TryQuantities(sheet, row, values))
                {
                    AddSeries(sheet, row, InstrumentId.Parse(instrument), date, values, name);
                    Reader._latestFlatDate = Reader._latestFlatDate is { } latest && latest > date ? latest : date;
                }
            }
        }
    }
}

using System.Globalization;
using Monitor.Core.Market;
using Monitor.Sources.Tables;

namespace Monitor.Sources;

/// <summary>
/// <c>cme-stocks</c>: the CME depository (warehouse) stock reports, Excel 97-2003 (<c>Gold_Stocks.xls</c>,
/// <c>Silver_stocks.xls</c>, <c>Copper_Stocks.xls</c>, the platinum and palladium report). Each metal section opens with its
/// title (<c>GOLD</c>) beside <c>Report Date:</c>, then <c>Activity Date:</c> and the unit, a header with
/// <c>TOTAL TODAY</c>, one block per depository (<c>Registered</c>, <c>Pledged</c>, <c>Eligible</c>, <c>Total</c>) and the
/// grand totals. The activity date comes from the report, never the file name. A depository whose <c>Total</c> is not
/// registered + eligible, or grand totals that are not the sums of the depositories, reject the file with the numbers.
/// </summary>
public sealed class CmeStocksParser : IReportParser
{
    private const string Expected = "a CME depository stock report (Excel 97-2003, such as Gold_Stocks.xls)";

    // The reports carry three decimals; sums of a few dozen of them stay well inside a hundredth.
    private const double Tolerance = 0.01;

    private static readonly Dictionary<string, string> Metals = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GOLD"] = "COMEX:GC",
        ["SILVER"] = "COMEX:SI",
        ["COPPER"] = "COMEX:HG",
        ["PLATINUM"] = "NYMEX:PL",
        ["PALLADIUM"] = "NYMEX:PA",
    };

    private static readonly Dictionary<string, QuantityUnit> Units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Troy Ounce"] = QuantityUnit.TroyOunce,
        ["Troy Ounces"] = QuantityUnit.TroyOunce,
        ["Short Ton"] = QuantityUnit.ShortTon,
        ["Short Tons"] = QuantityUnit.ShortTon,
        ["Pounds"] = QuantityUnit.Pound,
        ["Metric Tons"] = QuantityUnit.Tonne,
        ["Kilograms"] = QuantityUnit.Kilogram,
    };

    public string Kind => "cme-stocks";

    public ReportParseResult Parse(ReadOnlyMemory<byte> content, ReportContext context)
    {
        if (!ReportFile.TryOpen(content, Expected, csvAllowed: false, out var sheets, out var problem))
        {
            return ReportParseResult.Reject([problem]);
        }

        var report = new ReportBuilder(context);
        DateOnly? activity = null;
        string activityWhere = "";
        int sections = 0;
        foreach (var sheet in sheets)
        {
            for (int row = 0; row < sheet.RowCount; row++)
            {
                if (!IsSectionTitle(sheet, row))
                {
                    continue;
                }

                sections++;
                var section = new Section(sheet, report);
                row = section.Read(row);
                if (section.ActivityDate is { } date)
                {
                    if (activity is { } other && other != date)
                    {
                        report.Refuse(section.ActivityWhere, $"activity date {date:yyyy-MM-dd} differs from the report's other section ({other:yyyy-MM-dd})");
                    }

                    activity = date;
                    activityWhere = section.ActivityWhere;
                }
            }
        }

        if (sections == 0)
        {
            var first = sheets.Count > 0 ? sheets[0] : null;
            report.Refuse(first is null ? "" : first.Where(0, 0), $"no metal section (a title such as GOLD beside 'Report Date:'); expected {Expected}");
        }

        return report.Finish(activity, activityWhere);
    }

    /// <summary>A section opens on a row that says <c>Report Date:</c>; its first cell is the metal.</summary>
    private static bool IsSectionTitle(Grid sheet, int row)
    {
        for (int column = 0; column < sheet.ColumnCount(row); column++)
        {
            if (sheet.Text(row, column).StartsWith("Report Date", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One metal's part of the report, read from its title to its <c>COMBINED TOTAL</c>.</summary>
    private sealed class Section(Grid sheet, ReportBuilder report)
    {
        private readonly Dictionary<string, double> _sums = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _depositories = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, double> _grand = new(StringComparer.OrdinalIgnoreCase);
        private InstrumentId _instrument;
        private QuantityUnit _unit;
        private int _totalColumn = -1;
        private string? _depository;
        private readonly Dictionary<string, (double Value, int Row)> _block = new(StringComparer.OrdinalIgnoreCase);

        public DateOnly? ActivityDate { get; private set; }

        public string ActivityWhere { get; private set; } = "";

        /// <summary>Reads the section starting at its title row; returns the last row it read.</summary>
        public int Read(int titleRow)
        {
            string metal = sheet.Text(titleRow, 0);
            if (!Metals.TryGetValue(metal, out string? instrument))
            {
                report.Refuse(sheet.Where(titleRow, 0), $"unknown metal title '{ImportValues.Shorten(metal)}'; expected one of {string.Join(", ", Metals.Keys)}");
                return sheet.RowCount;
            }

            _instrument = InstrumentId.Parse(instrument);
            int row = titleRow;
            bool unitFound = false;
            for (; row < sheet.RowCount && _totalColumn < 0; row++)
            {
                for (int column = 0; column < sheet.ColumnCount(row); column++)
                {
                    string text = sheet.Text(row, column);
                    if (text.StartsWith("Activity Date", StringComparison.OrdinalIgnoreCase))
                    {
                        ReadActivityDate(row, column, text);
                    }
                    else if (text.Equals("TOTAL TODAY", StringComparison.OrdinalIgnoreCase))
                    {
                        _totalColumn = column;
                    }
                }

                if (row > titleRow && _totalColumn < 0 && !unitFound && sheet.Text(row, 0) is { Length: > 0 } unitText)
                {
                    unitFound = true;
                    if (!Units.TryGetValue(unitText, out _unit))
                    {
                        report.Refuse(sheet.Where(row, 0), $"unit '{ImportValues.Shorten(unitText)}' cannot be converted; expected one of {string.Join(", ", Units.Keys)}");
                        return sheet.RowCount;
                    }
                }
            }

            if (ActivityDate is null)
            {
                report.Refuse(sheet.Where(titleRow, 0), $"{metal}: no 'Activity Date:' under the title; the activity date is taken from the report only");
                return sheet.RowCount;
            }

            if (_totalColumn < 0 || !unitFound)
            {
                report.Refuse(sheet.Where(titleRow, 0), $"{metal}: no unit and header row with 'TOTAL TODAY' under the title; the file is truncated or not {Expected}");
                return sheet.RowCount;
            }

            for (; row < sheet.RowCount; row++)
            {
                string label = sheet.Text(row, 0);
                if (label.Length == 0)
                {
                    continue;
                }

                if (label.Equals("COMBINED TOTAL", StringComparison.OrdinalIgnoreCase))
                {
                    if (TryTotal(row, out double combined))
                    {
                        CheckGrandTotals(row, combined);
                    }

                    return row;
                }

                if (label.StartsWith("TOTAL ", StringComparison.OrdinalIgnoreCase))
                {
                    ReadGrandTotal(row, label["TOTAL ".Length..].Trim());
                }
                else if (SeriesOf(label) is { } series)
                {
                    ReadDepositoryRow(row, label, series);
                }
                else
                {
                    EndDepository(row);
                    StartDepository(row, label);
                }
            }

            report.Refuse(sheet.WhereRow(sheet.RowCount - 1), $"{metal}: the report ends before its 'COMBINED TOTAL' row; the file is truncated");
            return row;
        }

        private static string? SeriesOf(string label) => label.ToUpperInvariant() switch
        {
            "REGISTERED" => InventorySeries.Registered,
            "PLEDGED" => InventorySeries.Pledged,
            "ELIGIBLE" => InventorySeries.Eligible,
            "TOTAL" => "total",
            _ => null,
        };

        private void ReadActivityDate(int row, int column, string text)
        {
            string date = text["Activity Date".Length..].TrimStart(':', ' ');
            if (date.Length == 0)
            {
                date = sheet.Text(row, column + 1);
            }

            if (sheet.Value(row, column + 1) is DateTime cellDate && date == sheet.Text(row, column + 1))
            {
                ActivityDate = DateOnly.FromDateTime(cellDate);
            }
            else if (DateOnly.TryParseExact(date, ["M/d/yyyy", "MM/dd/yyyy", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                ActivityDate = parsed;
            }
            else
            {
                report.Refuse(sheet.Where(row, column), $"'Activity Date' '{ImportValues.Shorten(date)}' is not a date (M/D/YYYY)");
                return;
            }

            ActivityWhere = sheet.Where(row, column);
        }

        private bool TryTotal(int row, out double value)
        {
            if (sheet.TryNumber(row, _totalColumn, "TOTAL TODAY", out value, out string error))
            {
                return true;
            }

            report.Refuse(sheet.Where(row, _totalColumn), error);
            return false;
        }

        private void StartDepository(int row, string name)
        {
            if (_depositories.TryGetValue(name, out int earlier))
            {
                report.Refuse(sheet.Where(row, 0), $"depository '{ImportValues.Shorten(name)}' appears twice (also at row {earlier + 1})");
            }

            _depositories[name] = row;
            _depository = name;
        }

        private void ReadDepositoryRow(int row, string label, string series)
        {
            if (_depository is null)
            {
                report.Refuse(sheet.Where(row, 0), $"'{label}' before any depository name");
                return;
            }

            if (TryTotal(row, out double value))
            {
                _block[series] = (value, row);
            }
        }

        /// <summary>Closes the current depository's block: checks its total and keeps its values.</summary>
        private void EndDepository(int nextRow)
        {
            if (_depository is null)
            {
                return;
            }

            string name = _depository;
            _depository = null;
            if (!_block.TryGetValue(InventorySeries.Registered, out var registered) || !_block.TryGetValue(InventorySeries.Eligible, out var eligible))
            {
                report.Refuse(sheet.WhereRow(nextRow - 1), $"depository '{ImportValues.Shorten(name)}' has no Registered or no Eligible row");
                _block.Clear();
                return;
            }

            if (_block.TryGetValue("total", out var total) && Math.Abs(total.Value - (registered.Value + eligible.Value)) > Tolerance)
            {
                report.Refuse(sheet.Where(total.Row, _totalColumn),
                    $"depository '{ImportValues.Shorten(name)}': Total {Format(total.Value)} is not Registered {Format(registered.Value)} + Eligible {Format(eligible.Value)} = {Format(registered.Value + eligible.Value)}");
            }

            foreach (var (series, (value, row)) in _block)
            {
                if (series == "total")
                {
                    continue;
                }

                _sums[series] = _sums.GetValueOrDefault(series) + value;
                report.Add(sheet.Where(row, _totalColumn), _instrument, series, ActivityDate!.Value, value, _unit, location: name);
                report.Rows++;
            }

            _block.Clear();
        }

        private void ReadGrandTotal(int row, string what)
        {
            EndDepository(row);
            string? series = SeriesOf(what);
            if (series is null or "total")
            {
                report.Refuse(sheet.Where(row, 0), $"unknown total 'TOTAL {ImportValues.Shorten(what)}'; expected TOTAL REGISTERED, TOTAL PLEDGED or TOTAL ELIGIBLE");
                return;
            }

            if (!TryTotal(row, out double value))
            {
                return;
            }

            double sum = _sums.GetValueOrDefault(series);
            if (Math.Abs(value - sum) > Tolerance)
            {
                report.Refuse(sheet.Where(row, _totalColumn),
                    $"TOTAL {what.ToUpperInvariant()} {Format(value)} is not the sum of the depositories' {series}, {Format(sum)} (difference {Format(value - sum)})");
            }

            _grand[series] = value;
            report.Add(sheet.Where(row, _totalColumn), _instrument, series, ActivityDate!.Value, value, _unit);
            report.Rows++;
        }

        private void CheckGrandTotals(int row, double combined)
        {
            EndDepository(row);
            if (!_grand.TryGetValue(InventorySeries.Registered, out double registered) || !_grand.TryGetValue(InventorySeries.Eligible, out double eligible))
            {
                report.Refuse(sheet.Where(row, 0), "no TOTAL REGISTERED or no TOTAL ELIGIBLE row before COMBINED TOTAL");
                return;
            }

            if (Math.Abs(combined - (registered + eligible)) > Tolerance)
            {
                report.Refuse(sheet.Where(row, _totalColumn),
                    $"COMBINED TOTAL {Format(combined)} is not TOTAL REGISTERED {Format(registered)} + TOTAL ELIGIBLE {Format(eligible)} = {Format(registered + eligible)}");
            }
        }

        private static string Format(double value) => value.ToString("#,0.###", CultureInfo.InvariantCulture);
    }
}

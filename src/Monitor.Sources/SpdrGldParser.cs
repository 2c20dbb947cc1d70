using Monitor.Core.Market;
using Monitor.Sources.Tables;

namespace Monitor.Sources;

/// <summary>
/// <c>spdr-gld</c>: the SPDR Gold Trust's archive (<c>GLD_US_archive_EN.csv</c>), a row per day: the ounces in the trust
/// become <c>ETF:GLD/holdings</c> (from the tonnes when only they are published). Rows whose holdings are a marker
/// (<c>HOLIDAY</c>, <c>NYSE Closed</c>, <c>AWAITED</c>) are skipped with the reason; a row whose ounces and tonnes disagree
/// is skipped too.
/// </summary>
public sealed class SpdrGldParser : IReportParser
{
    private const string Expected = "the SPDR Gold Trust archive CSV (Date, ..., Total Net Asset Value Ounces in the Trust ..., ... Tonnes in the Trust ...)";
    private const double OuncesPerTonne = 32_150.7466;

    // The archive rounds tonnes to two decimals; ounces and tonnes agree to within 0.02 t on every row published so far.
    private const double TonnesTolerance = 0.05;

    private static readonly InstrumentId Gld = InstrumentId.Parse("ETF:GLD");

    public string Kind => "spdr-gld";

    public ReportParseResult Parse(ReadOnlyMemory<byte> content, ReportContext context)
    {
        if (!ReportFile.TryOpen(content, Expected, csvAllowed: true, out var sheets, out var problem))
        {
            return ReportParseResult.Reject([problem]);
        }

        var report = new ReportBuilder(context);
        var sheet = sheets[0];
        int header = FindHeader(sheet, out int date, out int ounces, out int tonnes);
        if (header < 0)
        {
            report.Refuse("line 1", $"no header with 'Date' and 'Total Net Asset Value Ounces in the Trust'; expected {Expected}");
            return report.Finish(null);
        }

        DateOnly? latest = null;
        string latestWhere = "";
        var seen = new Dictionary<DateOnly, int>();
        for (int row = header + 1; row < sheet.RowCount; row++)
        {
            if (sheet.IsBlank(row))
            {
                continue;
            }

            report.Rows++;
            if (!ImportValues.TryParseDate(sheet.Text(row, date), "Date", out var day, out string error))
            {
                report.Skip(sheet.Where(row, date), error);
                continue;
            }

            if (seen.TryGetValue(day, out int earlier))
            {
                report.Refuse(sheet.Where(row, date), $"{day:yyyy-MM-dd} appears twice (also on {sheet.WhereRow(earlier)})");
                continue;
            }

            seen[day] = row;
            if (TryHoldings(sheet, row, ounces, tonnes, out double holdings, out error))
            {
                report.Add(sheet.Where(row, ounces), Gld, InventorySeries.Holdings, day, holdings, QuantityUnit.TroyOunce);
                if (latest is null || day > latest)
                {
                    latest = day;
                    latestWhere = sheet.Where(row, date);
                }
            }
            else
            {
                report.Skip(sheet.Where(row, ounces), $"{day:yyyy-MM-dd} skipped: {error}");
            }
        }

        return report.Finish(latest, latestWhere);
    }

    private static int FindHeader(Grid sheet, out int date, out int ounces, out int tonnes)
    {
        for (int row = 0; row < Math.Min(sheet.RowCount, 10); row++)
        {
            date = ounces = tonnes = -1;
            for (int column = 0; column < sheet.ColumnCount(row); column++)
            {
                string text = sheet.Text(row, column);
                if (text.Equals("Date", StringComparison.OrdinalIgnoreCase))
                {
                    date = column;
                }
                else if (text.Contains("Ounces in the Trust", StringComparison.OrdinalIgnoreCase))
                {
                    ounces = column;
                }
                else if (text.Contains("Tonnes in the Trust", StringComparison.OrdinalIgnoreCase))
                {
                    tonnes = column;
                }
            }

            if (date >= 0 && ounces >= 0)
            {
                return row;
            }
        }

        date = ounces = tonnes = -1;
        return -1;
    }

    /// <summary>The ounces, or the tonnes in ounces when the ounces are not published; checked against each other.</summary>
    private static bool TryHoldings(Grid sheet, int row, int ouncesColumn, int tonnesColumn, out double ounces, out string error)
    {
        bool haveOunces = sheet.TryNumber(row, ouncesColumn, "ounces", out ounces, out error);
        string ouncesError = error;
        double tonnes = 0;
        bool haveTonnes = tonnesColumn >= 0 && sheet.TryNumber(row, tonnesColumn, "tonnes", out tonnes, out _);
        if (!haveOunces && !haveTonnes)
        {
            error = ouncesError;
            return false;
        }

        if (!haveOunces)
        {
            ounces = tonnes * OuncesPerTonne;
            return true;
        }

        if (haveTonnes && Math.Abs((ounces / OuncesPerTonne) - tonnes) > TonnesTolerance)
        {
            error = $"{ounces:#,0.##} oz is {ounces / OuncesPerTonne:#,0.##} t, but the row says {tonnes:#,0.##} t";
            return false;
        }

        error = "";
        return true;
    }
}

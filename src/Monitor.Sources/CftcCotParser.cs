using System.Text;
using Monitor.Core.Market;
using Monitor.Sources.Tables;

namespace Monitor.Sources;

/// <summary>
/// <c>cftc-cot</c>: the CFTC's Commitments of Traders files (comma-separated text), disaggregated or legacy, futures only
/// or combined: the yearly files with their header row, and the current week's files (<c>newcot/f_disagg.txt</c>,
/// <c>deafut.txt</c>), which have none and are read by the column order of the yearly files. The metals' contracts are found by CFTC contract market code, never by their names
/// (which drift). Disaggregated reports give <c>openInterest</c> and managed money <c>mmLong</c>, <c>mmShort</c>,
/// <c>mmNet</c>; legacy reports give <c>openInterest</c> and non-commercial <c>ncLong</c>, <c>ncShort</c>, <c>ncNet</c>.
/// <c>asOf</c> is the report's Tuesday; <c>publishedAt</c> the following Friday at 15:30 New York time, or when the file
/// was first seen if that was on a later day of the same week (the CFTC slips the release after a holiday).
/// </summary>
public sealed class CftcCotParser : IReportParser
{
    private const string Expected = "a CFTC Commitments of Traders file (disaggregated or legacy, with its header row or in the current week's headerless form)";

    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeOnly ReleaseTime = new(15, 30);

    private static readonly Dictionary<string, InstrumentId> Contracts = new(StringComparer.Ordinal)
    {
        ["088691"] = InstrumentId.Parse("COMEX:GC"),
        ["084691"] = InstrumentId.Parse("COMEX:SI"),
        ["085692"] = InstrumentId.Parse("COMEX:HG"),
        ["076651"] = InstrumentId.Parse("NYMEX:PL"),
        ["075651"] = InstrumentId.Parse("NYMEX:PA"),
    };

    public string Kind => "cftc-cot";

    public ReportParseResult Parse(ReadOnlyMemory<byte> content, ReportContext context)
    {
        if (!ReportFile.TryOpen(content, Expected, csvAllowed: true, out var sheets, out var problem))
        {
            return ReportParseResult.Reject([problem]);
        }

        var report = new ReportBuilder(context);
        var sheet = sheets[0];
        var columns = Columns.Find(sheet) ?? Columns.ByPosition(sheet);
        if (columns is null)
        {
            report.Refuse("line 1", $"no header with the contract market code, the report date, open interest and managed-money or non-commercial positions, nor a headerless row in the CFTC's disaggregated (187 or more columns) or legacy (129) order; expected {Expected}");
            return report.Finish(null);
        }

        DateOnly? latest = null;
        string latestWhere = "";
        var seen = new Dictionary<(string, DateOnly), int>();
        for (int row = columns.FirstRow; row < sheet.RowCount; row++)
        {
            if (sheet.IsBlank(row))
            {
                continue;
            }

            report.Rows++;
            string code = sheet.Text(row, columns.Code);
            if (!Contracts.TryGetValue(code, out var instrument))
            {
                continue;
            }

            if (!ImportValues.TryParseDate(sheet.Text(row, columns.Date), "report date", out var asOf, out string error))
            {
                report.Refuse(sheet.Where(row, columns.Date), error);
                continue;
            }

            if (seen.TryGetValue((code, asOf), out int earlier))
            {
                report.Refuse(sheet.WhereRow(row), $"contract {code} on {asOf:yyyy-MM-dd} appears twice (also on {sheet.WhereRow(earlier)})");
                continue;
            }

            seen[(code, asOf)] = row;
            if (!TryRead(sheet, row, columns, report, out double openInterest, out double longs, out double shorts))
            {
                continue;
            }

            var publishedAt = PublishedAt(asOf, context.FirstSeenAt);
            string where = sheet.WhereRow(row);
            report.Add(where, instrument, InventorySeries.OpenInterest, asOf, openInterest, QuantityUnit.Contracts, publishedAt: publishedAt);
            report.Add(where, instrument, columns.Long, asOf, longs, QuantityUnit.Contracts, publishedAt: publishedAt);
            report.Add(where, instrument, columns.Short, asOf, shorts, QuantityUnit.Contracts, publishedAt: publishedAt);
            report.Add(where, instrument, columns.Net, asOf, longs - shorts, QuantityUnit.Contracts, publishedAt: publishedAt);
            if (latest is null || asOf > latest)
            {
                latest = asOf;
                latestWhere = sheet.Where(row, columns.Date);
            }
        }

        return report.Finish(latest, latestWhere);
    }

    /// <summary>
    /// The Friday after the report's Tuesday, 15:30 in New York; when the file was first seen on a later day before the
    /// next report's Tuesday, the release slipped and the value was known only then.
    /// </summary>
    internal static DateTimeOffset PublishedAt(DateOnly asOf, DateTimeOffset firstSeenAt)
    {
        int daysToFriday = ((int)DayOfWeek.Friday - (int)asOf.DayOfWeek + 7) % 7;
        var friday = asOf.AddDays(daysToFriday == 0 ? 7 : daysToFriday);
        var local = friday.ToDateTime(ReleaseTime);
        var release = new DateTimeOffset(local, NewYork.GetUtcOffset(local)).ToUniversalTime();
        var seenInNewYork = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(firstSeenAt, NewYork).DateTime);
        return seenInNewYork > friday && seenInNewYork < asOf.AddDays(7) ? firstSeenAt.ToUniversalTime() : release;
    }

    private static bool TryRead(Grid sheet, int row, Columns columns, ReportBuilder report, out double openInterest, out double longs, out double shorts)
    {
        longs = shorts = 0;
        if (!sheet.TryNumber(row, columns.OpenInterest, "open interest", out openInterest, out string error)
            || !sheet.TryNumber(row, columns.LongColumn, columns.Long, out longs, out error)
            || !sheet.TryNumber(row, columns.ShortColumn, columns.Short, out shorts, out error))
        {
            report.Refuse(sheet.WhereRow(row), error);
            return false;
        }

        return true;
    }

    /// <summary>Where a report's fields are. Headers are matched on their letters and digits only, so the underscores
    /// of the disaggregated files and the spaces and brackets of the legacy ones read alike.</summary>
    private sealed record Columns(int Code, int Date, int OpenInterest, int LongColumn, int ShortColumn, string Long, string Short, string Net, int FirstRow = 1)
    {
        /// <summary>The yearly files' column order, which the headerless current-week files keep: the report date 3rd, the
        /// contract market code 4th, open interest 8th; managed money long and short 14th and 15th of the disaggregated
        /// layout (187 columns, 191 since the concentration columns were added), non-commercial long and short 9th and
        /// 10th of the legacy one (129).</summary>
        private const int DateColumn = 2, CodeColumn = 3, OpenInterestColumn = 7;

        public static Columns? ByPosition(Grid sheet)
        {
            if (sheet.RowCount == 0 || sheet.ColumnCount(0) <= OpenInterestColumn
                || sheet.Text(0, CodeColumn) is not { Length: 6 } code || !code.All(char.IsAsciiLetterOrDigit)
                || !ImportValues.TryParseDate(sheet.Text(0, DateColumn), "report date", out _, out _))
            {
                return null;
            }

            return sheet.ColumnCount(0) switch
            {
                >= 187 => new(CodeColumn, DateColumn, OpenInterestColumn, 13, 14, InventorySeries.ManagedMoneyLong, InventorySeries.ManagedMoneyShort, InventorySeries.ManagedMoneyNet, FirstRow: 0),
                129 => new(CodeColumn, DateColumn, OpenInterestColumn, 8, 9, InventorySeries.NonCommercialLong, InventorySeries.NonCommercialShort, InventorySeries.NonCommercialNet, FirstRow: 0),
                _ => null,
            };
        }

        public static Columns? Find(Grid sheet)
        {
            var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int column = 0; column < sheet.ColumnCount(0); column++)
            {
                byKey.TryAdd(Key(sheet.Text(0, column)), column);
            }

            int Get(params string[] keys) => keys.Select(k => byKey.GetValueOrDefault(k, -1)).FirstOrDefault(i => i >= 0, -1);

            int code = Get("cftccontractmarketcode");
            int date = Get("reportdateasyyyymmdd", "asofdateinformyyyymmdd");
            int openInterest = Get("openinterestall");
            if (code < 0 || date < 0 || openInterest < 0)
            {
                return null;
            }

            int mmLong = Get("mmoneypositionslongall"), mmShort = Get("mmoneypositionsshortall");
            if (mmLong >= 0 && mmShort >= 0)
            {
                return new(code, date, openInterest, mmLong, mmShort, InventorySeries.ManagedMoneyLong, InventorySeries.ManagedMoneyShort, InventorySeries.ManagedMoneyNet);
            }

            int ncLong = Get("noncommercialpositionslongall"), ncShort = Get("noncommercialpositionsshortall");
            return ncLong >= 0 && ncShort >= 0
                ? new(code, date, openInterest, ncLong, ncShort, InventorySeries.NonCommercialLong, InventorySeries.NonCommercialShort, InventorySeries.NonCommercialNet)
                : null;
        }

        private static string Key(string header)
        {
            var key = new StringBuilder(header.Length);
            foreach (char c in header)
            {
                if (char.IsAsciiLetterOrDigit(c))
                {
                    key.Append(char.ToLowerInvariant(c));
                }
            }

            return key.ToString();
        }
    }
}

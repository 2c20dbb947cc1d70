using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Monitor.Core.Market;
using Monitor.Sources;
using Monitor.Testing;

namespace Monitor.Benchmarks;

/// <summary>
/// Rows parsed per second by each publisher's parser: every file holds <see cref="Rows"/> data rows in its publisher's
/// layout (written here, as the tests write their fixtures), so Mean is the time per row (OperationsPerInvoke) and
/// rows per second is 1e9 / Mean in ns. Whole files are parsed, checks included (totals, duplicates, units).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 8)]
public class ReportParserBenchmarks
{
    public const int Rows = 10_000;

    private static readonly DateTimeOffset SeenAt = new(2026, 2, 3, 18, 0, 0, TimeSpan.Zero);
    private static readonly string[] Metals = ["Aluminium Alloy", "Cobalt", "Copper", "Lead", "NASAAC", "Nickel", "Primary Aluminium", "Tin"];

    private readonly InstrumentCatalog _catalog = InstrumentCatalog.BuiltIn();
    private byte[] _cme = [];
    private byte[] _lmeCsv = [];
    private byte[] _lmeXlsx = [];
    private byte[] _gld = [];
    private byte[] _cot = [];
    private byte[] _csv = [];

    [GlobalSetup]
    public void Setup()
    {
        // Silver (no pledged): two rows a depository plus the two grand totals.
        var depositories = Enumerable.Range(1, (Rows - 2) / 2).Select(i => new ReportFixtures.Depository($"DEPOSITORY {i}", 1_000 + i, null, 2_000 + i)).ToList();
        _cme = ReportFixtures.CmeReport("SILVER", "Troy Ounce", "2/2/2026", depositories);

        var tables = Metals.Select(m => new ReportFixtures.LmeTable(m,
            [.. Enumerable.Range(1, Rows / Metals.Length).Select(i => ("Country", $"Location {i}", 100.0 + i, 10.0, 5.0, 80.0 + i, 25.0))])).ToArray();
        var lme = ReportFixtures.LmeRows("02/02/2026", tables);
        _lmeCsv = ReportFixtures.Csv(lme);
        _lmeXlsx = ReportFixtures.Xlsx("Stocks", lme);

        var gld = new StringBuilder("Date, GLD Close, Total Net Asset Value Ounces in the Trust as at 4.15 p.m. NYT, Total Net Asset Value Tonnes in the Trust as at 4.15 p.m. NYT\n");
        var day = new DateOnly(1990, 1, 1);
        for (int i = 0; i < Rows; i++)
        {
            double ounces = 29_000_000 + (i * 10.5);
            gld.Append(CultureInfo.InvariantCulture, $"{day.AddDays(i):dd-MMM-yyyy}, $300.10, {ounces:0.00}, {ounces / 32_150.7466:0.00}\n");
        }

        _gld = Encoding.UTF8.GetBytes(gld.ToString());

        string[] codes = ["088691", "084691", "085692", "076651", "075651"];
        var cot = new StringBuilder("\"Market_and_Exchange_Names\",\"Report_Date_as_YYYY-MM-DD\",\"CFTC_Contract_Market_Code\",\"Open_Interest_All\",\"M_Money_Positions_Long_All\",\"M_Money_Positions_Short_All\"\n");
        var tuesday = new DateOnly(1986, 1, 7);
        for (int week = 0; week < Rows / codes.Length; week++)
        {
            foreach (string code in codes)
            {
                cot.Append(CultureInfo.InvariantCulture, $"\"METAL - COMMODITY EXCHANGE INC.\",{tuesday.AddDays(7 * week):yyyy-MM-dd},{code},  {500_000 + week},  {200_000 + week},   {60_000 + week}\n");
            }
        }

        _cot = Encoding.UTF8.GetBytes(cot.ToString());

        var csv = new StringBuilder("instrument,series,asOf,quantity,unit\n");
        for (int i = 0; i < Rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"ETF:SLV,holdings,{day.AddDays(i):yyyy-MM-dd},{490 + (i * 0.001):0.000},moz\n");
        }

        _csv = Encoding.UTF8.GetBytes(csv.ToString());
        foreach (var (kind, content) in new[] { ("cme-stocks", _cme), ("lme-stocks", _lmeCsv), ("lme-stocks", _lmeXlsx), ("spdr-gld", _gld), ("cftc-cot", _cot), ("csv", _csv) })
        {
            var result = Parse(kind, content);
            if (result.Rejected || result.Rows != Rows)
            {
                throw new InvalidOperationException($"{kind}: {result.Rows} rows, rejected {result.Rejected}: {string.Join("; ", result.Problems.Take(3))}");
            }
        }
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public ReportParseResult CmeStocksXls() => Parse("cme-stocks", _cme);

    [Benchmark(OperationsPerInvoke = Rows)]
    public ReportParseResult LmeStocksCsv() => Parse("lme-stocks", _lmeCsv);

    [Benchmark(OperationsPerInvoke = Rows)]
    public ReportParseResult LmeStocksXlsx() => Parse("lme-stocks", _lmeXlsx);

    [Benchmark(OperationsPerInvoke = Rows)]
    public ReportParseResult SpdrGldCsv() => Parse("spdr-gld", _gld);

    [Benchmark(OperationsPerInvoke = Rows)]
    public ReportParseResult CftcCotCsv() => Parse("cftc-cot", _cot);

    [Benchmark(OperationsPerInvoke = Rows)]
    public ReportParseResult MappedCsv() => Parse("csv", _csv);

    private ReportParseResult Parse(string kind, byte[] content) =>
        ReportParsers.Get(kind).Parse(content, new ReportContext("bench", null, null, _catalog, SeenAt));
}

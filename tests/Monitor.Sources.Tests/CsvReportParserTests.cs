using Monitor.Core.Market;
using Monitor.Testing;

namespace Monitor.Sources.Tests;

public class CsvReportParserTests
{
    private readonly CsvReportParser _parser = new();

    [Fact]
    public void MappedColumnsAndFixedValues_GiveInventoryInTheBaseUnit()
    {
        var mapping = new ReportMapping
        {
            Instrument = "ETF:SLV",
            Series = "holdings",
            Unit = "moz",
            Columns = new Dictionary<string, string> { ["asOf"] = "date", ["quantity"] = "ounces" },
        };
        byte[] file = ReportFixtures.Csv("date,ounces\n2026-01-29,491.4\n2026-01-30,HOLIDAY\n2026-02-02,492.0\n");

        var result = _parser.Parse(file, ReportFixtures.Context(mapping: mapping));

        Assert.False(result.Rejected);
        Assert.Equal(new DateOnly(2026, 2, 2), result.ActivityDate);
        Assert.Equal([491_400_000, 492_000_000], result.Inventory.Select(v => Math.Round(v.Quantity)));
        Assert.All(result.Inventory, v => Assert.Equal(QuantityUnit.TroyOunce, v.Unit));
        Assert.Equal("line 3", Assert.Single(result.Problems).Location);
    }

    [Fact]
    public void Xlsx_IsReadLikeCsv()
    {
        var mapping = new ReportMapping { Instrument = "COMEX:SI", Series = "vault", Unit = "t", Location = "London" };
        byte[] file = ReportFixtures.Xlsx("Vaults", [["asOf", "quantity"], ["2026-01-31", 24_600.0]]);

        var result = _parser.Parse(file, ReportFixtures.Context(mapping: mapping));

        var value = Assert.Single(result.Inventory);
        Assert.Equal("London", value.Location);
        Assert.Equal(790_908_366, Math.Round(value.Quantity));
    }

    [Fact]
    public void Ndjson_IsReadWithTheSameNames()
    {
        byte[] file = ReportFixtures.Csv("""
            {"instrument":"LME:CA","series":"stocks","asOf":"2026-02-02","quantity":176.125,"unit":"kt"}
            """);

        var value = Assert.Single(_parser.Parse(file, ReportFixtures.Context()).Inventory);

        Assert.Equal(176_125, value.Quantity, 3);
    }

    [Fact]
    public void BarsTarget_GivesDailyBarsFromSettlements()
    {
        var mapping = new ReportMapping { Target = "bars", Instrument = "COMEX:SI", Columns = new Dictionary<string, string> { ["date"] = "Date", ["close"] = "Settle" } };
        byte[] file = ReportFixtures.Csv("Date,Settle\n2026-01-29,121.0\n2026-01-30,83.2\n");

        var result = _parser.Parse(file, ReportFixtures.Context(mapping: mapping));

        Assert.Empty(result.Inventory);
        Assert.Equal([121.0, 83.2], result.Bars.Select(b => b.Bar.Close));
        Assert.Equal(new DateTimeOffset(2026, 1, 30, 0, 0, 0, TimeSpan.Zero), result.Bars[1].Bar.Time);
        Assert.Equal(BarInterval.OneDay, result.Bars[1].Interval);
    }

    [Fact]
    public void UnknownSeries_RejectsTheFile()
    {
        byte[] file = ReportFixtures.Csv("instrument,series,asOf,quantity,unit\nETF:SLV,holding,2026-02-02,1,oz\n");

        var result = _parser.Parse(file, ReportFixtures.Context());

        Assert.True(result.Rejected);
        Assert.Contains("unknown series 'holding'", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InstrumentsMapping_KeepsOnlyThoseInstruments()
    {
        byte[] file = ReportFixtures.Csv("instrument,series,asOf,quantity,unit\nETF:SLV,holdings,2026-02-02,1,oz\nETF:GLD,holdings,2026-02-02,1,oz\n");

        var result = _parser.Parse(file, ReportFixtures.Context(mapping: new ReportMapping { Instruments = ["ETF:GLD"] }));

        Assert.Equal("ETF:GLD", Assert.Single(result.Inventory).Instrument.Value);
    }

    [Fact]
    public void PublishedAtColumn_DatesTheValue_NegativeStocksAreSkipped()
    {
        byte[] file = ReportFixtures.Csv("instrument,series,asOf,publishedAt,quantity,unit\n"
            + "COMEX:SI,vault,2025-12-31,2026-01-06T12:00:00Z,24600,t\n"
            + "COMEX:SI,vault,2026-01-30,,-5,t\n"
            + "COMEX:SI,mmNet,2026-01-27,,-5,contracts\n");

        var result = _parser.Parse(file, ReportFixtures.Context());

        Assert.Equal(new DateTimeOffset(2026, 1, 6, 12, 0, 0, TimeSpan.Zero), result.Inventory[0].PublishedAt);
        Assert.Equal(ReportFixtures.SeenAt, result.Inventory[1].PublishedAt);
        Assert.Equal(-5, result.Inventory[1].Quantity);
        Assert.Equal("line 3", Assert.Single(result.Problems).Location);
    }
}

using Monitor.Core.Market;
using Monitor.Testing;

namespace Monitor.Sources.Tests;

public class LmeStocksParserTests
{
    private readonly LmeStocksParser _parser = new();

    [Fact]
    public void CsvForm_GivesStocksOnWarrantAndCancelledPerLocationAndTotal()
    {
        byte[] file = ReportFixtures.Csv(ReportFixtures.LmeRows(null, ReportFixtures.Copper, ReportFixtures.Zinc));

        var result = _parser.Parse(file, ReportFixtures.Context(asOf: new DateOnly(2026, 2, 2)));

        Assert.False(result.Rejected, string.Join("; ", result.Problems));
        Assert.Equal(new DateOnly(2026, 2, 2), result.ActivityDate);
        var copper = result.Inventory.Where(v => v.Instrument == InstrumentId.Parse("LME:CA")).ToList();
        Assert.Equal(3 * 4, copper.Count);
        var orleans = copper.Where(v => v.Location == "New Orleans").ToDictionary(v => v.Series, v => v.Quantity);
        Assert.Equal(59_200, orleans["stocks"]);
        Assert.Equal(40_000, orleans["onWarrant"]);
        Assert.Equal(19_200, orleans["cancelled"]);
        Assert.Equal(92_025, Assert.Single(copper, v => v.Series == "stocks" && v.Location is null).Quantity);
        Assert.All(result.Inventory, v => Assert.Equal(QuantityUnit.Tonne, v.Unit));
        Assert.Contains(result.Inventory, v => v.Instrument == InstrumentId.Parse("LME:ZS") && v.Location == "Singapore");
    }

    [Fact]
    public void Xlsx_TakesTheDateFromTheReportAndNotFromTheContext()
    {
        byte[] file = ReportFixtures.Xlsx("Stocks", ReportFixtures.LmeRows("03/02/2026", ReportFixtures.Copper));

        var result = _parser.Parse(file, ReportFixtures.Context(asOf: new DateOnly(2026, 1, 1)));

        Assert.False(result.Rejected, string.Join("; ", result.Problems));
        Assert.Equal(new DateOnly(2026, 2, 3), result.ActivityDate);
        Assert.All(result.Inventory, v => Assert.Equal(new DateOnly(2026, 2, 3), v.AsOf));
    }

    [Theory]
    [InlineData("Primary Aluminium", "LME:AH")]
    [InlineData("Special High Grade Zinc", "LME:ZS")]
    [InlineData("NASAAC", "LME:NA")]
    [InlineData("Aluminium Alloy", "LME:AA")]
    [InlineData("Copper", "LME:CA")]
    [InlineData("Lead", "LME:PB")]
    [InlineData("Nickel", "LME:NI")]
    [InlineData("Tin", "LME:SN")]
    [InlineData("Cobalt", "LME:CO")]
    public void EveryMetalTitle_IsItsInstrument(string title, string instrument)
    {
        byte[] file = ReportFixtures.Csv(ReportFixtures.LmeRows(null, ReportFixtures.Copper with { Title = title }));

        var result = _parser.Parse(file, ReportFixtures.Context(asOf: new DateOnly(2026, 2, 2)));

        Assert.False(result.Rejected, string.Join("; ", result.Problems));
        Assert.All(result.Inventory, v => Assert.Equal(InstrumentId.Parse(instrument), v.Instrument));
    }

    [Fact]
    public void TotalDisagreeingWithTheLocations_RejectsTheFileWithTheNumbers()
    {
        byte[] file = ReportFixtures.Csv(ReportFixtures.LmeRows(null, ReportFixtures.Copper with { TotalOffset = 1_000 }, ReportFixtures.Zinc));

        var result = _parser.Parse(file, ReportFixtures.Context(asOf: new DateOnly(2026, 2, 2)));

        Assert.True(result.Rejected);
        Assert.Empty(result.Inventory);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("line 10", problem.Location);
        Assert.Equal("Copper: Total Closing Stock 93,025 is not the sum of the locations, 92,025 (difference 1,000)", problem.Message);
    }

    [Fact]
    public void UnknownMetalTitle_RejectsTheFile()
    {
        byte[] file = ReportFixtures.Csv(ReportFixtures.LmeRows(null, ReportFixtures.Copper with { Title = "Molybdenum" }));

        var result = _parser.Parse(file, ReportFixtures.Context(asOf: new DateOnly(2026, 2, 2)));

        Assert.True(result.Rejected);
        Assert.Contains("unknown metal title 'Molybdenum'", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CsvWithoutADate_IsRejectedAskingForOne()
    {
        byte[] file = ReportFixtures.Csv(ReportFixtures.LmeRows(null, ReportFixtures.Copper, ReportFixtures.Zinc));

        var result = _parser.Parse(file, ReportFixtures.Context());

        Assert.True(result.Rejected);
        Assert.Contains("--as-of", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedBeforeTheTotal_IsRejected()
    {
        var rows = ReportFixtures.LmeRows(null, ReportFixtures.Copper);
        byte[] file = ReportFixtures.Csv(rows.Take(8));

        var result = _parser.Parse(file, ReportFixtures.Context(asOf: new DateOnly(2026, 2, 2)));

        Assert.True(result.Rejected);
        Assert.Contains("no 'Total' row", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScrapersFlattenedFormWithALocationTwiceUnderOneLabel_IsRejectedForItsLabels()
    {
        byte[] file = ReportFixtures.Csv("""
            Country/Region,Location,Opening Stock,Delivered In,Delivered Out,Closing Stock,Open Tonnage,Cancelled Tonnage,Metal,Date
            USA,Baltimore,100.0,0.0,0.0,100.0,100.0,0.0,Lead,2024-01-02
            USA,Chicago,50.0,0.0,0.0,50.0,50.0,0.0,Lead,2024-01-02
            USA,Baltimore,120.0,0.0,0.0,120.0,120.0,0.0,Lead,2024-01-02
            """);

        var result = _parser.Parse(file, ReportFixtures.Context());

        Assert.True(result.Rejected);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("line 4", problem.Location);
        Assert.Contains("the metal labels are wrong", problem.Message, StringComparison.Ordinal);
    }
}

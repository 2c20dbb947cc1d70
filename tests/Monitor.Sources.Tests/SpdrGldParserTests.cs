using Monitor.Core.Market;
using Monitor.Testing;

namespace Monitor.Sources.Tests;

public class SpdrGldParserTests
{
    private const string Header = "Date, GLD Close, NAV per GLD in Gold, NAV/share at 10.30 a.m. NYT, Indicative Price of GLD at 4.15 p.m. NYT, Mid point of bid/ask spread at 4.15 p.m. NYT#, Premium/Discount of GLD mid point v Indicative Value of GLD at 4.15 p.m. NYT, Daily Share Volume, Total Net Asset Value Ounces in the Trust as at 4.15 p.m. NYT, Total Net Asset Value Tonnes in the Trust as at 4.15 p.m. NYT, Total Net Asset Value in the Trust";

    private readonly SpdrGldParser _parser = new();

    [Fact]
    public void Archive_GivesHoldingsPerDayAndSkipsHolidayAndAwaitedRowsWithTheReason()
    {
        byte[] file = ReportFixtures.Csv($"""
            {Header}
            22-Dec-2025, 400.10, 92.1, 399.9, 400.0, $400.05, 0.01%, 9000000, 29704064.84, 923.89, 97524530935.04
            25-Dec-2025, HOLIDAY, HOLIDAY, HOLIDAY, HOLIDAY, HOLIDAY, HOLIDAY, HOLIDAY, HOLIDAY, HOLIDAY, HOLIDAY
            26-Dec-2025, 401.00, 92.1, 400.9, 401.0, $401.00, 0.02%, 8000000, AWAITED, AWAITED, AWAITED
            29-Dec-2025, AWAITED, 92.1, 400.9, 401.0, $401.00, 0.02%, 8000000, 29657980.61, 922.46, 99111543049.12
            """);

        var result = _parser.Parse(file, ReportFixtures.Context());

        Assert.False(result.Rejected, string.Join("; ", result.Problems));
        Assert.Equal(new DateOnly(2025, 12, 29), result.ActivityDate);
        Assert.Equal([29_704_064.84, 29_657_980.61], result.Inventory.Select(v => v.Quantity));
        Assert.All(result.Inventory, v => Assert.Equal(("ETF:GLD", "holdings"), (v.Instrument.Value, v.Series)));
        Assert.Equal(["line 3", "line 4"], result.Problems.Select(p => p.Location.Split(',')[0]));
        Assert.Contains("HOLIDAY", result.Problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("AWAITED", result.Problems[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OuncesAndTonnesThatDisagree_SkipTheRow()
    {
        byte[] file = ReportFixtures.Csv($"""
            {Header}
            22-Dec-2025, 400.10, 92.1, 399.9, 400.0, $400.05, 0.01%, 9000000, 29704064.84, 900.00, 97524530935.04
            """);

        var result = _parser.Parse(file, ReportFixtures.Context());

        Assert.Empty(result.Inventory);
        Assert.Contains("but the row says 900 t", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileWithoutTheHoldingsColumn_IsRejected()
    {
        var result = _parser.Parse(ReportFixtures.Csv("Date,Close\n22-Dec-2025,400\n"), ReportFixtures.Context());

        Assert.True(result.Rejected);
        Assert.Equal(QuantityUnit.TroyOunce, InventorySeries.BaseUnit(InventorySeries.Holdings, true));
    }
}

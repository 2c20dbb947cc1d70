using System.Text;
using Monitor.Core.Market;
using Monitor.Testing;

namespace Monitor.Sources.Tests;

public class CmeStocksParserTests
{
    private readonly CmeStocksParser _parser = new();

    [Fact]
    public void GoldReport_GivesEachDepositoryAndTheTotalsOnTheReportsActivityDate()
    {
        byte[] file = ReportFixtures.CmeReport("GOLD", "Troy Ounce", "1/30/2026", ReportFixtures.GoldDepositories);

        var result = _parser.Parse(file, ReportFixtures.Context(file: "Gold_Stocks_20260203.xls"));

        Assert.False(result.Rejected, string.Join("; ", result.Problems));
        Assert.Equal(new DateOnly(2026, 1, 30), result.ActivityDate);
        Assert.All(result.Inventory, v => Assert.Equal(new DateOnly(2026, 1, 30), v.AsOf));
        Assert.All(result.Inventory, v => Assert.Equal(ReportFixtures.SeenAt, v.PublishedAt));
        Assert.All(result.Inventory, v => Assert.Equal(QuantityUnit.TroyOunce, v.Unit));
        var brinks = result.Inventory.Where(v => v.Location == "BRINK'S, INC.").ToDictionary(v => v.Series, v => v.Quantity);
        Assert.Equal(6_986_792.622, brinks["registered"]);
        Assert.Equal(544_747.742, brinks["pledged"]);
        Assert.Equal(3_509_197.972, brinks["eligible"]);
        var totals = result.Inventory.Where(v => v.Location is null).ToDictionary(v => v.Series, v => v.Quantity);
        Assert.Equal(8_992_615.469, totals["registered"], 3);
        Assert.Equal(626_616.269, totals["pledged"], 3);
        Assert.Equal(3_669_796.877, totals["eligible"], 3);
        Assert.DoesNotContain(result.Inventory, v => v.Location == "STONEX PRECIOUS METALS LLC" && v.Series == "pledged");
    }

    [Fact]
    public void CopperReportInShortTons_IsKeptInTonnes()
    {
        byte[] file = ReportFixtures.CmeReport("COPPER", "Short Tons", "1/30/2026", [new("ARIZONA WAREHOUSE", 10_000, null, 5_000)]);

        var result = _parser.Parse(file, ReportFixtures.Context());

        var total = Assert.Single(result.Inventory, v => v.Series == "registered" && v.Location is null);
        Assert.Equal(InstrumentId.Parse("COMEX:HG"), total.Instrument);
        Assert.Equal(QuantityUnit.Tonne, total.Unit);
        Assert.Equal(9_071.847, total.Quantity, 3);
    }

    [Fact]
    public void GrandTotalDisagreeingWithTheDepositories_RejectsTheFileWithTheNumbers()
    {
        byte[] file = ReportFixtures.CmeReport("GOLD", "Troy Ounce", "1/30/2026", ReportFixtures.GoldDepositories, totalRegistered: 9_000_000);

        var result = _parser.Parse(file, ReportFixtures.Context());

        Assert.True(result.Rejected);
        Assert.Empty(result.Inventory);
        var problem = Assert.Single(result.Problems, p => p.Message.StartsWith("TOTAL REGISTERED", StringComparison.Ordinal));
        Assert.Contains("9,000,000", problem.Message, StringComparison.Ordinal);
        Assert.Contains("8,992,615.469", problem.Message, StringComparison.Ordinal);
        Assert.StartsWith("sheet Daily Metal Stocks Report, cell H", problem.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void DepositoryTotalThatIsNotRegisteredPlusEligible_RejectsTheFile()
    {
        byte[] file = ReportFixtures.CmeReport("SILVER", "Troy Ounce", "2/5/2026", [new("CNT DEPOSITORY, INC.", 100, null, 50)], depositoryTotalOffset: 10);

        var result = _parser.Parse(file, ReportFixtures.Context());

        Assert.True(result.Rejected);
        Assert.Contains(result.Problems, p => p.Message.Contains("Total 160 is not Registered 100 + Eligible 50 = 150", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownMetalTitle_RejectsTheFileNamingTheCell()
    {
        byte[] file = ReportFixtures.CmeReport("RHODIUM", "Troy Ounce", "1/30/2026", ReportFixtures.GoldDepositories);

        var result = _parser.Parse(file, ReportFixtures.Context());

        Assert.True(result.Rejected);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("sheet Daily Metal Stocks Report, cell A8", problem.Location);
        Assert.Contains("unknown metal title 'RHODIUM'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnitItCannotConvert_RejectsTheFile()
    {
        byte[] file = ReportFixtures.CmeReport("GOLD", "Bars", "1/30/2026", ReportFixtures.GoldDepositories);

        var result = _parser.Parse(file, ReportFixtures.Context());

        Assert.True(result.Rejected);
        Assert.Contains("unit 'Bars' cannot be converted", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ActivityDateAfterTheFileWasSeen_RejectsTheFile()
    {
        byte[] file = ReportFixtures.CmeReport("GOLD", "Troy Ounce", "3/2/2026", ReportFixtures.GoldDepositories);

        var result = _parser.Parse(file, ReportFixtures.Context());

        Assert.True(result.Rejected);
        Assert.Contains(result.Problems, p => p.Message.Contains("2026-03-02 is in the future", StringComparison.Ordinal));
    }

    [Fact]
    public void HtmlPageInPlaceOfTheReport_IsRejectedAsHtml()
    {
        var result = _parser.Parse(Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body>Access Denied</body></html>"), ReportFixtures.Context());

        Assert.True(result.Rejected);
        Assert.Contains("HTML page", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyFile_IsRejected()
    {
        var result = _parser.Parse(Array.Empty<byte>(), ReportFixtures.Context());

        Assert.True(result.Rejected);
        Assert.Contains("the file is empty", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedWorkbook_IsRejectedAsDamaged()
    {
        byte[] file = ReportFixtures.CmeReport("GOLD", "Troy Ounce", "1/30/2026", ReportFixtures.GoldDepositories);

        var result = _parser.Parse(file.AsMemory(0, file.Length / 3), ReportFixtures.Context());

        Assert.True(result.Rejected);
        Assert.Empty(result.Inventory);
        Assert.Contains("truncated or damaged", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PasswordProtectedWorkbook_IsRejectedAsProtected()
    {
        byte[] file = ReportFixtures.PasswordProtected(ReportFixtures.CmeReport("GOLD", "Troy Ounce", "1/30/2026", ReportFixtures.GoldDepositories));

        var result = _parser.Parse(file, ReportFixtures.Context());

        Assert.True(result.Rejected);
        Assert.Contains("password-protected", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }
}

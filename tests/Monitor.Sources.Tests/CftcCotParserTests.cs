using Monitor.Core.Market;
using Monitor.Testing;

namespace Monitor.Sources.Tests;

public class CftcCotParserTests
{
    private readonly CftcCotParser _parser = new();

    [Fact]
    public void Disaggregated_GivesOpenInterestAndManagedMoneyByContractCode()
    {
        byte[] file = ReportFixtures.Csv("""
            "Market_and_Exchange_Names","Report_Date_as_YYYY-MM-DD","CFTC_Contract_Market_Code","Open_Interest_All","M_Money_Positions_Long_All","M_Money_Positions_Short_All"
            "PALLADIUM - NEW YORK MERCANTILE EXCHANGE",2021-03-16,075651,    9709,    4342,    2101
            "SILVER - SOME NEW NAME",2021-03-16,084691,  150000,   40000,   20000
            "ALUMINUM MW US TR PLATTS - COMMODITY EXCHANGE INC.",2021-03-16,191693,    2000,     100,       0
            """);

        var result = _parser.Parse(file, ReportFixtures.Context());

        Assert.False(result.Rejected, string.Join("; ", result.Problems));
        var palladium = result.Inventory.Where(v => v.Instrument == InstrumentId.Parse("NYMEX:PA")).ToDictionary(v => v.Series, v => v.Quantity);
        Assert.Equal(new Dictionary<string, double> { ["openInterest"] = 9709, ["mmLong"] = 4342, ["mmShort"] = 2101, ["mmNet"] = 2241 }, palladium);
        Assert.Equal(4, result.Inventory.Count(v => v.Instrument == InstrumentId.Parse("COMEX:SI")));
        Assert.All(result.Inventory, v => Assert.Equal(QuantityUnit.Contracts, v.Unit));
        Assert.All(result.Inventory, v => Assert.Equal(new DateTimeOffset(2021, 3, 19, 19, 30, 0, TimeSpan.Zero), v.PublishedAt));
    }

    [Fact]
    public void Legacy_GivesNonCommercialPositions()
    {
        byte[] file = ReportFixtures.Csv("""
            "Market and Exchange Names","As of Date in Form YYYY-MM-DD","CFTC Contract Market Code","Open Interest (All)","Noncommercial Positions-Long (All)","Noncommercial Positions-Short (All)"
            "GOLD - COMMODITY EXCHANGE INC.",2025-03-11,088691,  511276,  296172,   60072
            """);

        var result = _parser.Parse(file, ReportFixtures.Context());

        var gold = result.Inventory.ToDictionary(v => v.Series, v => v.Quantity);
        Assert.Equal(new Dictionary<string, double> { ["openInterest"] = 511276, ["ncLong"] = 296172, ["ncShort"] = 60072, ["ncNet"] = 236100 }, gold);
        Assert.Equal(new DateOnly(2025, 3, 11), result.ActivityDate);
    }

    [Fact]
    public void CurrentWeeksHeaderlessFiles_ReadByTheYearlyFilesColumnOrder()
    {
        // f_disagg.txt (191 columns) and deafut.txt (129) as the CFTC serves them: no header, padded fields.
        byte[] disaggregated = ReportFixtures.Csv(
            Headerless(191, "PALLADIUM - NEW YORK MERCANTILE EXCHANGE", "2021-03-16", "075651", (7, "    9709"), (13, "    4342"), (14, "    2101")));
        byte[] legacy = ReportFixtures.Csv(
            Headerless(129, "GOLD - COMMODITY EXCHANGE INC.", "2025-03-11", "088691", (7, "  511276"), (8, "  296172"), (9, "   60072")));

        var palladium = _parser.Parse(disaggregated, ReportFixtures.Context());
        var gold = _parser.Parse(legacy, ReportFixtures.Context());

        Assert.False(palladium.Rejected, string.Join("; ", palladium.Problems));
        Assert.Equal(
            new Dictionary<string, double> { ["openInterest"] = 9709, ["mmLong"] = 4342, ["mmShort"] = 2101, ["mmNet"] = 2241 },
            palladium.Inventory.ToDictionary(v => v.Series, v => v.Quantity));
        Assert.Equal(
            new Dictionary<string, double> { ["openInterest"] = 511276, ["ncLong"] = 296172, ["ncShort"] = 60072, ["ncNet"] = 236100 },
            gold.Inventory.ToDictionary(v => v.Series, v => v.Quantity));
        Assert.Equal((new DateOnly(2021, 3, 16), new DateOnly(2025, 3, 11)), (palladium.ActivityDate, gold.ActivityDate));
    }

    [Fact]
    public void HeaderlessRowOfAnotherWidth_IsRejected()
    {
        var result = _parser.Parse(ReportFixtures.Csv(Headerless(150, "GOLD - COMMODITY EXCHANGE INC.", "2025-03-11", "088691")), ReportFixtures.Context());

        Assert.True(result.Rejected);
        Assert.Contains("129", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PublishedAt_IsTheFollowingFridayAtHalfPastThreeInNewYork()
    {
        var summer = CftcCotParser.PublishedAt(new DateOnly(2025, 7, 1), new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var winter = CftcCotParser.PublishedAt(new DateOnly(2025, 1, 7), new DateTimeOffset(2025, 1, 10, 20, 35, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2025, 7, 4, 19, 30, 0, TimeSpan.Zero), summer);
        Assert.Equal(new DateTimeOffset(2025, 1, 10, 20, 30, 0, TimeSpan.Zero), winter);
    }

    [Fact]
    public void PublishedAt_SlippedToMonday_IsWhenTheFileWasFirstSeen()
    {
        var seenMonday = new DateTimeOffset(2024, 12, 30, 20, 40, 0, TimeSpan.Zero);

        Assert.Equal(seenMonday, CftcCotParser.PublishedAt(new DateOnly(2024, 12, 24), seenMonday));
    }

    [Fact]
    public void FileWithoutContractCodes_IsRejected()
    {
        var result = _parser.Parse(ReportFixtures.Csv("Market,Date,Long\nGOLD,2025-03-11,1\n"), ReportFixtures.Context());

        Assert.True(result.Rejected);
        Assert.Contains("contract market code", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    /// <summary>One headerless row of <paramref name="width"/> columns: name, yymmdd, report date, code, then zeros except <paramref name="values"/>.</summary>
    private static string Headerless(int width, string market, string date, string code, params (int Column, string Value)[] values)
    {
        var cells = Enumerable.Repeat("0", width).ToArray();
        cells[0] = $"\"{market}\"";
        cells[1] = date[2..].Replace("-", "", StringComparison.Ordinal);
        cells[2] = date;
        cells[3] = code;
        foreach (var (column, value) in values)
        {
            cells[column] = value;
        }

        return string.Join(",", cells) + "\n";
    }
}

using Monitor.Core.Market;

namespace Monitor.Core.Tests.Market;

public class QuantityUnitsTests
{
    public static TheoryData<QuantityUnit, QuantityUnit> MassUnitPairs()
    {
        var data = new TheoryData<QuantityUnit, QuantityUnit>();
        foreach (var from in Enum.GetValues<QuantityUnit>().Where(u => u.IsMass()))
        {
            foreach (var to in Enum.GetValues<QuantityUnit>().Where(u => u.IsMass()))
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [InlineData(1, QuantityUnit.Tonne, QuantityUnit.TroyOunce, 32_150.7466, 4)]
    [InlineData(1, QuantityUnit.MegaTroyOunce, QuantityUnit.Tonne, 31.1034768, 7)]
    [InlineData(1, QuantityUnit.ShortTon, QuantityUnit.Kilogram, 907.18474, 5)]
    [InlineData(1, QuantityUnit.Pound, QuantityUnit.TroyOunce, 14.5833, 4)]
    [InlineData(1, QuantityUnit.Kilogram, QuantityUnit.TroyOunce, 32.1507466, 7)]
    [InlineData(1, QuantityUnit.Kilotonne, QuantityUnit.Tonne, 1000, 9)]
    [InlineData(1, QuantityUnit.KiloTroyOunce, QuantityUnit.TroyOunce, 1000, 9)]
    [InlineData(1, QuantityUnit.MegaTroyOunce, QuantityUnit.KiloTroyOunce, 1000, 9)]
    [InlineData(1, QuantityUnit.ShortTon, QuantityUnit.Pound, 2000, 9)]
    [InlineData(522_074_356, QuantityUnit.TroyOunce, QuantityUnit.MegaTroyOunce, 522.074356, 9)]
    [InlineData(530, QuantityUnit.MegaTroyOunce, QuantityUnit.Tonne, 16_484.842704, 6)]
    public void Convert_KnownFigure_MatchesToTheQuotedDecimals(double quantity, QuantityUnit from, QuantityUnit to, double expected, int decimals)
    {
        double converted = QuantityUnits.Convert(quantity, from, to);

        Assert.Equal(expected, converted, decimals);
    }

    [Theory]
    [MemberData(nameof(MassUnitPairs))]
    public void Convert_ThereAndBack_ReturnsTheQuantity(QuantityUnit from, QuantityUnit to)
    {
        const double Quantity = 123_456.789;

        double back = QuantityUnits.Convert(QuantityUnits.Convert(Quantity, from, to), to, from);

        Assert.Equal(Quantity, back, 1e-12 * Quantity);
    }

    [Fact]
    public void Convert_SameUnit_ReturnsTheQuantityUnchanged()
    {
        Assert.Equal(0.1, QuantityUnits.Convert(0.1, QuantityUnit.Contracts, QuantityUnit.Contracts));
        Assert.Equal(0.1, QuantityUnits.Convert(0.1, QuantityUnit.TroyOunce, QuantityUnit.TroyOunce));
    }

    [Theory]
    [InlineData(QuantityUnit.Contracts, QuantityUnit.TroyOunce)]
    [InlineData(QuantityUnit.Tonne, QuantityUnit.Contracts)]
    public void Convert_ContractsAndMass_FailsSayingWhy(QuantityUnit from, QuantityUnit to)
    {
        Assert.False(QuantityUnits.TryConvert(1, from, to, out _));
        var exception = Assert.Throws<InvalidOperationException>(() => QuantityUnits.Convert(1, from, to));
        Assert.Contains("contracts", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("oz", QuantityUnit.TroyOunce)]
    [InlineData("OZ", QuantityUnit.TroyOunce)]
    [InlineData("koz", QuantityUnit.KiloTroyOunce)]
    [InlineData("Moz", QuantityUnit.MegaTroyOunce)]
    [InlineData("MOZ", QuantityUnit.MegaTroyOunce)]
    [InlineData("t", QuantityUnit.Tonne)]
    [InlineData("T", QuantityUnit.Tonne)]
    [InlineData("kt", QuantityUnit.Kilotonne)]
    [InlineData("KG", QuantityUnit.Kilogram)]
    [InlineData("Lb", QuantityUnit.Pound)]
    [InlineData("st", QuantityUnit.ShortTon)]
    [InlineData("Contracts", QuantityUnit.Contracts)]
    [InlineData(" t ", QuantityUnit.Tonne)]
    public void TryParse_SymbolInAnyCase_FindsTheUnit(string symbol, QuantityUnit expected)
    {
        Assert.True(QuantityUnits.TryParse(symbol, out var unit));
        Assert.Equal(expected, unit);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ounce")]
    [InlineData("tonnes")]
    [InlineData("g")]
    [InlineData("m oz")]
    public void TryParse_UnknownSymbol_Fails(string? symbol)
    {
        Assert.False(QuantityUnits.TryParse(symbol, out _));
    }

    [Fact]
    public void Symbol_EveryUnit_ParsesBackToTheUnit()
    {
        foreach (var unit in Enum.GetValues<QuantityUnit>())
        {
            Assert.True(QuantityUnits.TryParse(unit.Symbol(), out var parsed));
            Assert.Equal(unit, parsed);
        }

        Assert.Equal(Enum.GetValues<QuantityUnit>().Length, QuantityUnits.Symbols.Count());
    }
}

using Monitor.Core.Market;

namespace Monitor.Core.Tests.Market;

public class InventorySeriesTests
{
    [Theory]
    [InlineData("registered", "registered")]
    [InlineData("ELIGIBLE", "eligible")]
    [InlineData("onwarrant", "onWarrant")]
    [InlineData("OnWarrant", "onWarrant")]
    [InlineData("MMNET", "mmNet")]
    [InlineData("Holdings", "holdings")]
    [InlineData("vault", "vault")]
    public void TryNormalize_KnownNameInAnyCase_GivesTheCanonicalSpelling(string name, string canonical)
    {
        Assert.True(InventorySeries.TryNormalize(name, out string normalized));
        Assert.Equal(canonical, normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("holding")]
    [InlineData("on warrant")]
    [InlineData(" stocks")]
    public void TryNormalize_UnknownName_Fails(string? name)
    {
        Assert.False(InventorySeries.TryNormalize(name, out string normalized));
        Assert.Equal("", normalized);
    }

    [Fact]
    public void All_ListsTheContractSeries()
    {
        Assert.Equal(
            ["registered", "eligible", "stocks", "onWarrant", "cancelled", "holdings", "vault", "mmNet", "pledged",
             "openInterest", "mmLong", "mmShort", "ncLong", "ncShort", "ncNet"],
            InventorySeries.All);
    }

    [Theory]
    [InlineData("registered", true, QuantityUnit.TroyOunce)]
    [InlineData("eligible", true, QuantityUnit.TroyOunce)]
    [InlineData("registered", false, QuantityUnit.Tonne)]
    [InlineData("eligible", false, QuantityUnit.Tonne)]
    [InlineData("stocks", false, QuantityUnit.Tonne)]
    [InlineData("onWarrant", false, QuantityUnit.Tonne)]
    [InlineData("cancelled", false, QuantityUnit.Tonne)]
    [InlineData("holdings", true, QuantityUnit.TroyOunce)]
    [InlineData("vault", true, QuantityUnit.TroyOunce)]
    [InlineData("mmNet", true, QuantityUnit.Contracts)]
    [InlineData("mmNet", false, QuantityUnit.Contracts)]
    public void BaseUnit_Series_IsTheContractUnit(string series, bool preciousMetal, QuantityUnit expected)
    {
        Assert.Equal(expected, InventorySeries.BaseUnit(series, preciousMetal));
    }

    [Fact]
    public void ConvertTo_BaseUnit_ConvertsQuantityAndKeepsTheRest()
    {
        var value = new InventoryValue(
            InstrumentId.Parse("ETF:SLV"),
            InventorySeries.Holdings,
            new DateOnly(2026, 1, 14),
            MarketTime.Utc("2026-01-15T01:00:00"),
            16_237.7,
            QuantityUnit.Tonne);

        var converted = value.ConvertTo(InventorySeries.BaseUnit(value.Series, preciousMetal: true));

        Assert.Equal(value with { Quantity = converted.Quantity, Unit = QuantityUnit.TroyOunce }, converted);
        Assert.Equal(16_237.7 * 32_150.7466, converted.Quantity, 1e-6 * converted.Quantity);
    }

    [Fact]
    public void ConvertTo_ContractsIntoMass_Throws()
    {
        var value = new InventoryValue(
            InstrumentId.Parse("COMEX:SI"),
            InventorySeries.ManagedMoneyNet,
            new DateOnly(2026, 1, 13),
            MarketTime.Utc("2026-01-16T20:30:00"),
            -12_000,
            QuantityUnit.Contracts);

        Assert.Throws<InvalidOperationException>(() => value.ConvertTo(QuantityUnit.TroyOunce));
    }
}

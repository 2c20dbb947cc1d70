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
}

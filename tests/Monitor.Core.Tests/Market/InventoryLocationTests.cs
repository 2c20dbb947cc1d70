using Monitor.Core.Market;

namespace Monitor.Core.Tests.Market;

public sealed class InventoryLocationTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData(" JP MORGAN CHASE BANK NA ", "JP MORGAN CHASE BANK NA")]
    [InlineData("Port Klang", "Port Klang")]
    [InlineData("Rotterdam \u00c9tage", "Rotterdam \u00c9tage")]
    public void TryNormalize_TrimsAndMakesBlankTheTotal(string? text, string? expected)
    {
        Assert.True(InventoryLocation.TryNormalize(text, out string? location, out string error));
        Assert.Equal(expected, location);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("BRINKS\u0000INC")]
    [InlineData("BRINKS\u200BINC")]
    [InlineData("BRINKS\uD800INC")]
    [InlineData("line\nbreak")]
    public void TryNormalize_InvisibleOrBrokenText_IsRefused(string text)
    {
        Assert.False(InventoryLocation.TryNormalize(text, out string? location, out string error));
        Assert.Null(location);
        Assert.Contains("'location'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryNormalize_TooLong_IsRefused()
    {
        Assert.False(InventoryLocation.TryNormalize(new string('A', InventoryLocation.MaxLength + 1), out _, out string error));
        Assert.Contains($"at most {InventoryLocation.MaxLength}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_FoldsCaseAndMakesTheTotalEmpty()
    {
        Assert.Equal("", InventoryLocation.Key(null));
        Assert.Equal(InventoryLocation.Key("Brinks Inc"), InventoryLocation.Key("BRINKS INC"));
        Assert.NotEqual(InventoryLocation.Key("Brinks"), InventoryLocation.Key("Loomis"));
    }

    [Fact]
    public void InventoryValues_EqualWhateverTheCaseOfTheirLocation()
    {
        var value = new InventoryValue(InstrumentId.Parse("COMEX:SI"), "registered", new DateOnly(2026, 1, 14), DateTimeOffset.UnixEpoch, 5, QuantityUnit.TroyOunce);

        Assert.Equal(value with { Location = "Brinks" }, value with { Location = "BRINKS" });
        Assert.Equal((value with { Location = "Brinks" }).GetHashCode(), (value with { Location = "BRINKS" }).GetHashCode());
        Assert.NotEqual(value, value with { Location = "Brinks" });
        Assert.True(value.SameSeries(value with { Quantity = 6, AsOf = new DateOnly(2026, 1, 15) }));
        Assert.False(value.SameSeries(value with { Location = "Brinks" }));
    }
}

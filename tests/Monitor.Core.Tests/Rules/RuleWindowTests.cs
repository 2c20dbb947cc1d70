using Monitor.Core.Market;
using Monitor.Core.Rules;

namespace Monitor.Core.Tests.Rules;

public sealed class RuleWindowTests
{
    [Theory]
    [InlineData("P15D", 15 * 24 * 60, "15d")]
    [InlineData("p15d", 15 * 24 * 60, "15d")]
    [InlineData("PT4H", 4 * 60, "4h")]
    [InlineData("P2W", 14 * 24 * 60, "14d")]
    [InlineData("P1DT12H", 36 * 60, "1d12h")]
    [InlineData("PT1H30M", 90, "1h30m")]
    [InlineData(" P3D ", 3 * 24 * 60, "3d")]
    public void Duration_ParsesToItsLength(string text, int minutes, string label)
    {
        var window = RuleWindow.Parse(text);

        Assert.False(window.IsBarCount);
        Assert.Equal(TimeSpan.FromMinutes(minutes), window.Duration);
        Assert.Equal(label, window.Label);
    }

    [Theory]
    [InlineData("20", 20)]
    [InlineData("1", 1)]
    [InlineData("100000", 100_000)]
    public void BarCount_Parses(string text, int bars)
    {
        var window = RuleWindow.Parse(text);

        Assert.True(window.IsBarCount);
        Assert.Equal(bars, window.Bars);
        Assert.Equal($"{bars} bars", window.Label);
    }

    [Theory]
    [InlineData("")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P1DT")]
    [InlineData("P1.5D")]
    [InlineData("P15X")]
    [InlineData("15D")]
    [InlineData("P0D")]
    [InlineData("P1M")]
    [InlineData("P1Y")]
    [InlineData("PT1S1H")]
    [InlineData("P1D1D")]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("100001")]
    [InlineData("P99999999999D")]
    public void Malformed_IsRejectedWithAReason(string text)
    {
        Assert.False(RuleWindow.TryParse(text, out _, out string error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Equality_IsBySpanNotSpelling()
    {
        Assert.Equal(RuleWindow.Parse("P7D"), RuleWindow.Parse("P1W"));
        Assert.Equal(RuleWindow.Parse("PT24H"), RuleWindow.Parse("P1D"));
        Assert.NotEqual(RuleWindow.Parse("P1D"), RuleWindow.Parse("1"));
        Assert.Equal("P1W", RuleWindow.FromDuration(TimeSpan.FromDays(7)).Text);
        Assert.Equal("P1DT12H", RuleWindow.FromDuration(TimeSpan.FromHours(36)).Text);
    }

    [Fact]
    public void BarsIn_RoundsUp()
    {
        Assert.Equal(15, RuleWindow.Parse("P15D").BarsIn(BarInterval.OneDay));
        Assert.Equal(2, RuleWindow.Parse("PT61M").BarsIn(BarInterval.OneHour));
        Assert.Equal(20, RuleWindow.Parse("20").BarsIn(BarInterval.OneHour));
    }
}

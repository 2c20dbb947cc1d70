using Monitor.Core.Market;

namespace Monitor.Core.Tests.Market;

public class BarIntervalTests
{
    public static TheoryData<string> SupportedNames => ["1m", "5m", "15m", "1h", "4h", "1d", "1w"];

    [Theory]
    [InlineData("1m", 1)]
    [InlineData("5m", 5)]
    [InlineData("15m", 15)]
    [InlineData("1h", 60)]
    [InlineData("4h", 240)]
    [InlineData("1d", 1440)]
    [InlineData("1w", 10080)]
    public void Parse_SupportedInterval_HasLengthAndCanonicalName(string text, int minutes)
    {
        var interval = BarInterval.Parse(text);

        Assert.Equal(TimeSpan.FromMinutes(minutes), interval.Length);
        Assert.Equal(text, interval.Name);
        Assert.Equal(text, interval.ToString());
    }

    [Fact]
    public void Parse_SurroundingWhitespace_IsTrimmed()
    {
        Assert.Equal(BarInterval.Parse("5m"), BarInterval.Parse(" 5m "));
    }

    [Theory]
    [InlineData("0m")]
    [InlineData("7m")]
    [InlineData("2w")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("m")]
    [InlineData("5")]
    [InlineData("-5m")]
    [InlineData("+5m")]
    [InlineData("1.5h")]
    [InlineData("1 m")]
    [InlineData("1M")]
    [InlineData("1y")]
    [InlineData("8d")]
    [InlineData("99999999d")]
    [InlineData("2147483647h")]
    [InlineData("99999999999m")]
    [InlineData("1m\0")]
    public void TryParse_InvalidText_FailsWithReadableMessage(string text)
    {
        Assert.Contains("interval", Rejected(text), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Null_Fails()
    {
        Rejected(null);
    }

    [Fact]
    public void TryParse_IntervalNotDividingADay_SaysSo()
    {
        Assert.Contains("does not divide a day", Rejected("7m"), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_SeveralWeeks_SaysOnlyOneWeekIsSupported()
    {
        Assert.Contains("1w only", Rejected("2w"), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatExceptionWithTheMessage()
    {
        var exception = Assert.Throws<FormatException>(() => BarInterval.Parse("0m"));

        Assert.Equal(Rejected("0m"), exception.Message);
    }

    [Theory]
    [MemberData(nameof(SupportedNames))]
    public void BarStart_ExactBoundary_BelongsToTheNewBar(string name)
    {
        var interval = BarInterval.Parse(name);
        var boundary = interval.BarStart(Utc("2026-01-14T15:37:12.3456789"));

        Assert.Equal(boundary, interval.BarStart(boundary));
        Assert.Equal(boundary, interval.BarStart(boundary + interval.Length - TimeSpan.FromTicks(1)));
    }

    [Theory]
    [MemberData(nameof(SupportedNames))]
    public void BarStart_OneTickBeforeBoundary_BelongsToThePreviousBar(string name)
    {
        var interval = BarInterval.Parse(name);
        var boundary = interval.BarStart(Utc("2026-01-14T15:37:12"));

        Assert.Equal(boundary - interval.Length, interval.BarStart(boundary.AddTicks(-1)));
    }

    [Theory]
    [InlineData("5m", "2026-01-14T15:35:00", "2026-01-14T15:35:00")]
    [InlineData("5m", "2026-01-14T15:34:59.9999999", "2026-01-14T15:30:00")]
    [InlineData("15m", "2026-01-14T15:44:59", "2026-01-14T15:30:00")]
    [InlineData("4h", "2026-01-14T15:30:00", "2026-01-14T12:00:00")]
    [InlineData("1d", "2026-01-14T23:59:59.9999999", "2026-01-14T00:00:00")]
    [InlineData("1h", "1969-12-31T23:59:59", "1969-12-31T23:00:00")]
    [InlineData("5m", "1965-03-10T12:34:56", "1965-03-10T12:30:00")]
    [InlineData("1d", "1900-02-28T08:00:00", "1900-02-28T00:00:00")]
    [InlineData("1w", "1970-01-01T00:00:00", "1969-12-29T00:00:00")]
    [InlineData("1w", "1969-12-28T23:59:59", "1969-12-22T00:00:00")]
    public void BarStart_UtcTime_IsTheOpenOfItsBar(string name, string time, string expectedStart)
    {
        Assert.Equal(Utc(expectedStart), BarInterval.Parse(name).BarStart(Utc(time)));
    }

    [Theory]
    [InlineData("2026-01-14T15:30:00", "2026-01-12T00:00:00")]
    [InlineData("2026-01-12T00:00:00", "2026-01-12T00:00:00")]
    [InlineData("2026-01-18T23:59:59.9999999", "2026-01-12T00:00:00")]
    [InlineData("2026-01-19T00:00:00", "2026-01-19T00:00:00")]
    [InlineData("2024-02-29T12:00:00", "2024-02-26T00:00:00")]
    public void BarStart_Week_StartsOnMondayMidnightUtc(string time, string expectedStart)
    {
        var start = BarInterval.Parse("1w").BarStart(Utc(time));

        Assert.Equal(Utc(expectedStart), start);
        Assert.Equal(DayOfWeek.Monday, start.DayOfWeek);
    }

    [Theory]
    [InlineData("1h", "2026-01-15T02:00:00+05:30", "2026-01-14T20:00:00")]
    [InlineData("1d", "2026-01-15T02:00:00+05:30", "2026-01-14T00:00:00")]
    [InlineData("15m", "2026-01-15T02:10:00+05:30", "2026-01-14T20:30:00")]
    [InlineData("1d", "2026-01-14T22:00:00-05:00", "2026-01-15T00:00:00")]
    [InlineData("1w", "2026-01-19T03:00:00+05:30", "2026-01-12T00:00:00")]
    public void BarStart_TimeWithOffset_MapsToTheUtcBar(string name, string time, string expectedStart)
    {
        var start = BarInterval.Parse(name).BarStart(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(Utc(expectedStart), start);
        Assert.Equal(TimeSpan.Zero, start.Offset);
    }

    private static DateTimeOffset Utc(string time) => MarketTime.Utc(time);

    private static string Rejected(string? text)
    {
        Assert.False(BarInterval.TryParse(text, out var interval, out string error));
        Assert.Equal(default, interval);
        Assert.NotEmpty(error);
        Assert.DoesNotContain(error, char.IsControl);
        return error;
    }
}

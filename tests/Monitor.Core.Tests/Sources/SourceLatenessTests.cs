using Monitor.Core.Calendars;
using Monitor.Core.Sources;

namespace Monitor.Core.Tests.Sources;

public class SourceLatenessTests
{
    private static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
    private static readonly TimeSpan Daily = new(1, 6, 0, 0);

    [Fact]
    public void LateAt_FridayReport_IsLateOnTuesdayMorningInThePublishersZone()
    {
        var lateAt = SourceLateness.LateAt(new DateOnly(2026, 1, 9), Daily, ExchangeCalendar.Cme, Chicago);

        Assert.Equal(new DateTimeOffset(2026, 1, 13, 6, 0, 0, TimeSpan.FromHours(-6)), lateAt);
    }

    [Fact]
    public void IsLate_JustBeforeAndAtTheDeadline_FalseThenTrue()
    {
        var date = new DateOnly(2026, 1, 13);
        var lateAt = SourceLateness.LateAt(date, Daily, ExchangeCalendar.Cme, Chicago);

        Assert.False(SourceLateness.IsLate(date, Daily, ExchangeCalendar.Cme, Chicago, lateAt.AddTicks(-1)));
        Assert.True(SourceLateness.IsLate(date, Daily, ExchangeCalendar.Cme, Chicago, lateAt));
    }

    [Fact]
    public void IsLate_WithoutReportOrLateAfter_IsNeverLate()
    {
        var farFuture = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.False(SourceLateness.IsLate(null, Daily, ExchangeCalendar.Cme, Chicago, farFuture));
        Assert.False(SourceLateness.IsLate(new DateOnly(2026, 1, 9), null, ExchangeCalendar.Cme, Chicago, farFuture));
    }

    [Fact]
    public void LateAt_WeeklyCot_CountsEightBusinessDays()
    {
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

        // Tuesday 2026-03-03's report; Wednesday to the next Friday is eight business days: late from the end of Friday 2026-03-13.
        var lateAt = SourceLateness.LateAt(new DateOnly(2026, 3, 3), TimeSpan.FromDays(8), ExchangeCalendar.Nyse, newYork);

        Assert.Equal(new DateTimeOffset(2026, 3, 14, 0, 0, 0, TimeSpan.FromHours(-4)), lateAt);
    }
}

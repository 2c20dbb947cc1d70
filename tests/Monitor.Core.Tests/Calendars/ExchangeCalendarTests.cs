using Monitor.Core.Calendars;

namespace Monitor.Core.Tests.Calendars;

public class ExchangeCalendarTests
{
    [Theory]
    [InlineData("2026-01-01")] // New Year's Day
    [InlineData("2026-01-19")] // Martin Luther King Jr. Day
    [InlineData("2026-02-16")] // Washington's Birthday
    [InlineData("2026-04-03")] // Good Friday
    [InlineData("2026-05-25")] // Memorial Day
    [InlineData("2026-06-19")] // Juneteenth
    [InlineData("2026-07-03")] // Independence Day, a Saturday, observed on Friday
    [InlineData("2026-09-07")] // Labor Day
    [InlineData("2026-11-26")] // Thanksgiving
    [InlineData("2026-12-25")] // Christmas
    [InlineData("2025-01-09")] // National day of mourning
    public void Nyse_ExchangeHolidays_AreNotBusinessDays(string date)
    {
        Assert.False(ExchangeCalendar.Nyse.IsBusinessDay(DateOnly.Parse(date)));
        Assert.False(ExchangeCalendar.Cme.IsBusinessDay(DateOnly.Parse(date)));
    }

    [Theory]
    [InlineData("2022-01-01", false)] // A Saturday New Year's Day is not moved to Friday 31 December
    [InlineData("2021-12-31", true)]
    [InlineData("2023-01-02", false)] // A Sunday New Year's Day is observed on Monday
    [InlineData("2026-10-12", true)]  // Columbus Day: the exchanges open
    [InlineData("2021-06-18", true)]  // Juneteenth only from 2022
    public void Nyse_ObservanceRules_Hold(string date, bool businessDay) =>
        Assert.Equal(businessDay, ExchangeCalendar.Nyse.IsBusinessDay(DateOnly.Parse(date)));

    [Theory]
    [InlineData("2026-01-01")]
    [InlineData("2026-04-03")] // Good Friday
    [InlineData("2026-04-06")] // Easter Monday
    [InlineData("2026-05-04")] // Early May bank holiday
    [InlineData("2026-05-25")] // Spring bank holiday
    [InlineData("2026-08-31")] // Summer bank holiday
    [InlineData("2026-12-25")]
    [InlineData("2026-12-28")] // Boxing Day, a Saturday, substituted on Monday
    [InlineData("2022-12-27")] // Christmas on a Sunday: Boxing Day Monday, Christmas substituted on Tuesday
    [InlineData("2023-05-08")] // Coronation
    public void Lme_BankHolidays_AreNotBusinessDays(string date) =>
        Assert.False(ExchangeCalendar.Lme.IsBusinessDay(DateOnly.Parse(date)));

    [Fact]
    public void Lme_UsHolidays_AreBusinessDays() =>
        Assert.True(ExchangeCalendar.Lme.IsBusinessDay(new DateOnly(2026, 7, 3)));

    [Fact]
    public void AddBusinessTime_OverAWeekend_SkipsSaturdayAndSunday()
    {
        // Friday 2026-01-09 ends; one day and six hours of business time: Monday whole, then Tuesday 06:00.
        var start = new DateTime(2026, 1, 10, 0, 0, 0);

        var end = ExchangeCalendar.Cme.AddBusinessTime(start, new TimeSpan(1, 6, 0, 0));

        Assert.Equal(new DateTime(2026, 1, 13, 6, 0, 0), end);
    }

    [Fact]
    public void AddBusinessTime_OverAHoliday_SkipsIt()
    {
        // Thursday 2026-04-02 ends; Good Friday and the weekend do not count.
        var end = ExchangeCalendar.Nyse.AddBusinessTime(new DateTime(2026, 4, 3), new TimeSpan(1, 6, 0, 0));

        Assert.Equal(new DateTime(2026, 4, 7, 6, 0, 0), end);
    }

    [Fact]
    public void TryGet_KnownNames_FindTheirCalendars()
    {
        Assert.True(ExchangeCalendar.TryGet("LME", out var lme));
        Assert.Same(ExchangeCalendar.Lme, lme);
        Assert.False(ExchangeCalendar.TryGet("tse", out _));
    }
}

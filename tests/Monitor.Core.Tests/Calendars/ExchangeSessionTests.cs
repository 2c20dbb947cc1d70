using Monitor.Core.Calendars;

namespace Monitor.Core.Tests.Calendars;

public sealed class ExchangeSessionTests
{
    [Theory]
    [InlineData("2026-03-06T21:59:00Z", true)]    // Friday 15:59 Chicago: open
    [InlineData("2026-03-06T22:30:00Z", false)]   // Friday after the close: the weekend
    [InlineData("2026-03-08T21:30:00Z", false)]   // Sunday 16:30 Chicago (summer time): before the reopen
    [InlineData("2026-03-08T22:00:00Z", true)]    // Sunday 17:00 Chicago: Monday's session opens
    [InlineData("2026-03-09T21:30:00Z", false)]   // Monday 16:30: the daily break
    [InlineData("2026-01-19T15:00:00Z", false)]   // Martin Luther King Jr. Day's trade date
    public void CmeMetals_TradesSundayEveningToFridayAfternoonLessTheBreakAndHolidays(string at, bool open) =>
        Assert.Equal(open, ExchangeSession.CmeMetals.IsOpen(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2026-03-09T13:29:00Z", false)]   // Monday 09:29 New York (summer time)
    [InlineData("2026-03-09T13:30:00Z", true)]    // 09:30
    [InlineData("2026-03-09T19:59:00Z", true)]
    [InlineData("2026-03-09T20:00:00Z", false)]   // 16:00: closed
    [InlineData("2026-11-27T17:59:00Z", true)]    // the day after Thanksgiving, 12:59
    [InlineData("2026-11-27T18:00:00Z", false)]   // 13:00: early close
    [InlineData("2026-04-03T15:00:00Z", false)]   // Good Friday
    [InlineData("2026-03-07T15:00:00Z", false)]   // Saturday
    public void NyseArca_TradesTheCoreSession(string at, bool open) =>
        Assert.Equal(open, ExchangeSession.NyseArca.IsOpen(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2026-05-25T10:00:00Z", false)]   // spring bank holiday
    [InlineData("2026-05-26T00:30:00Z", true)]    // 01:30 London (summer time)
    [InlineData("2026-05-26T18:30:00Z", false)]   // 19:30 London
    public void Lme_TradesOnEnglishBusinessDays(string at, bool open) =>
        Assert.Equal(open, ExchangeSession.Lme.IsOpen(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));
}

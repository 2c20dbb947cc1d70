namespace Monitor.Core.Calendars;

/// <summary>
/// When a venue trades: one session per trade date, from <see cref="Open"/> to <see cref="Close"/> in the venue's time
/// zone (an open later than the close starts the evening before, as CME Globex does), on the trade dates its
/// <see cref="ExchangeCalendar"/> counts as business days, shortened on its early-close days. Pure and deterministic:
/// holidays come from the calendar's rules (any year; one-off closures as listed in <see cref="HolidayRules"/>).
/// </summary>
public sealed class ExchangeSession
{
    private readonly Func<DateOnly, TimeOnly?> _earlyClose;

    private ExchangeSession(
        string name, string description, ExchangeCalendar calendar, string timeZone, TimeOnly open, TimeOnly close, Func<DateOnly, TimeOnly?> earlyClose)
    {
        Name = name;
        Description = description;
        Calendar = calendar;
        TimeZone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        Open = open;
        Close = close;
        _earlyClose = earlyClose;
    }

    /// <summary>CME Globex metals (COMEX gold, silver, copper; NYMEX platinum, palladium): Sunday to Friday 17:00 to
    /// 16:00 the next day, Chicago time, with the daily hour's break; no session on a US exchange holiday's trade date.</summary>
    public static ExchangeSession CmeMetals { get; } = new(
        "cme-metals", "CME Globex metals: 17:00-16:00 America/Chicago, trade dates Monday to Friday, US exchange holidays closed",
        ExchangeCalendar.Cme, "America/Chicago", new TimeOnly(17, 0), new TimeOnly(16, 0), _ => null);

    /// <summary>The London Metal Exchange's electronic market (LMEselect): 01:00 to 19:00 London time on business days.</summary>
    public static ExchangeSession Lme { get; } = new(
        "lme", "LMEselect: 01:00-19:00 Europe/London, Monday to Friday, England and Wales bank holidays closed",
        ExchangeCalendar.Lme, "Europe/London", new TimeOnly(1, 0), new TimeOnly(19, 0), _ => null);

    /// <summary>NYSE Arca's core session, where the metal ETFs trade: 09:30 to 16:00 New York time, 13:00 on the early-close
    /// days (3 July, the day after Thanksgiving, 24 December, when they are trading days).</summary>
    public static ExchangeSession NyseArca { get; } = new(
        "nyse-arca", "NYSE Arca core session: 09:30-16:00 America/New_York, early close 13:00, NYSE holidays closed",
        ExchangeCalendar.Nyse, "America/New_York", new TimeOnly(9, 30), new TimeOnly(16, 0), UnitedStatesEarlyClose);

    public static IReadOnlyList<ExchangeSession> All { get; } = [CmeMetals, Lme, NyseArca];

    /// <summary>The name policies use: <c>cme-metals</c>, <c>lme</c>, <c>nyse-arca</c>.</summary>
    public string Name { get; }

    public string Description { get; }

    public ExchangeCalendar Calendar { get; }

    public TimeZoneInfo TimeZone { get; }

    public TimeOnly Open { get; }

    public TimeOnly Close { get; }

    public static bool TryGet(string? name, out ExchangeSession session)
    {
        session = All.FirstOrDefault(s => string.Equals(s.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))!;
        return session is not null;
    }

    /// <summary>Whether the venue trades at <paramref name="at"/>.</summary>
    public bool IsOpen(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, TimeZone).DateTime;
        var day = DateOnly.FromDateTime(local);
        var time = TimeOnly.FromDateTime(local);
        bool overnight = Open > Close;
        DateOnly tradeDate;
        if (overnight && time >= Open)
        {
            tradeDate = day.AddDays(1);
        }
        else if (time < Close && (overnight || time >= Open))
        {
            tradeDate = day;
        }
        else
        {
            return false;
        }

        if (!Calendar.IsBusinessDay(tradeDate))
        {
            return false;
        }

        return tradeDate != day || _earlyClose(tradeDate) is not { } early || time < early;
    }

    public override string ToString() => Name;

    private static TimeOnly? UnitedStatesEarlyClose(DateOnly date)
    {
        var oneOClock = new TimeOnly(13, 0);
        bool earlyDay = (date.Month, date.Day) is (7, 3) or (12, 24)
            || (date.Month == 11 && date.DayOfWeek == DayOfWeek.Friday && date.AddDays(-1) is var thursday && date.Day is >= 23 and <= 29
                && ExchangeCalendar.Nyse.IsHoliday(thursday));
        return earlyDay && ExchangeCalendar.Nyse.IsBusinessDay(date) ? oneOClock : null;
    }
}

namespace Monitor.Core.Calendars;

/// <summary>
/// A named set of times a route can be muted in (<c>muteTimeIntervals</c>) or limited to (<c>activeTimeIntervals</c>),
/// and a rule limited to (<c>activeWhen</c>): the union of its recurring <see cref="Windows"/> and, when set, the times an
/// exchange is open or closed (<see cref="Session"/> with <see cref="SessionOpen"/>).
/// </summary>
public sealed record TimeIntervalDefinition(string Name, IReadOnlyList<RecurringWindow> Windows, ExchangeSession? Session, bool SessionOpen)
{
    public bool Contains(DateTimeOffset at)
    {
        if (Session is not null && Session.IsOpen(at) == SessionOpen)
        {
            return true;
        }

        for (int i = 0; i < Windows.Count; i++)
        {
            if (Windows[i].Contains(at))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>An inclusive range of whole numbers (days of month may be negative: -1 is the month's last day).</summary>
public readonly record struct IntRange(int From, int To);

/// <summary>
/// Alertmanager's time interval: every non-empty list must hold for an instant to be inside (an empty one holds
/// always), read in <see cref="TimeZone"/>. <see cref="Times"/> are [start, end) minutes of the day.
/// </summary>
public sealed record RecurringWindow(
    IReadOnlyList<IntRange> Times,
    IReadOnlyList<DayOfWeek> Weekdays,
    IReadOnlyList<IntRange> DaysOfMonth,
    IReadOnlyList<IntRange> Months,
    IReadOnlyList<IntRange> Years,
    TimeZoneInfo TimeZone)
{
    /// <summary>Whether <paramref name="at"/> is inside; allocates nothing (rules call it at every evaluation).</summary>
    public bool Contains(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, TimeZone).DateTime;
        int daysInMonth = DateTime.DaysInMonth(local.Year, local.Month);
        return Holds(Times, (local.Hour * 60) + local.Minute, inclusiveEnd: false)
            && (Weekdays.Count == 0 || Weekdays.Contains(local.DayOfWeek))
            && HoldsDay(local.Day, daysInMonth)
            && Holds(Months, local.Month, inclusiveEnd: true)
            && Holds(Years, local.Year, inclusiveEnd: true);
    }

    /// <summary>An empty list holds always; else <paramref name="value"/> is in one of the ranges.</summary>
    private static bool Holds(IReadOnlyList<IntRange> ranges, int value, bool inclusiveEnd)
    {
        for (int i = 0; i < ranges.Count; i++)
        {
            if (ranges[i].From <= value && (inclusiveEnd ? value <= ranges[i].To : value < ranges[i].To))
            {
                return true;
            }
        }

        return ranges.Count == 0;
    }

    private bool HoldsDay(int day, int daysInMonth)
    {
        for (int i = 0; i < DaysOfMonth.Count; i++)
        {
            if (Day(DaysOfMonth[i].From, daysInMonth) <= day && day <= Day(DaysOfMonth[i].To, daysInMonth))
            {
                return true;
            }
        }

        return DaysOfMonth.Count == 0;
    }

    private static int Day(int day, int daysInMonth) => day < 0 ? daysInMonth + day + 1 : day;
}

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
    public bool Contains(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, TimeZone).DateTime;
        int minute = (local.Hour * 60) + local.Minute;
        int daysInMonth = DateTime.DaysInMonth(local.Year, local.Month);
        return (Times.Count == 0 || Times.Any(t => t.From <= minute && minute < t.To))
            && (Weekdays.Count == 0 || Weekdays.Contains(local.DayOfWeek))
            && (DaysOfMonth.Count == 0 || DaysOfMonth.Any(d => Day(d.From, daysInMonth) <= local.Day && local.Day <= Day(d.To, daysInMonth)))
            && (Months.Count == 0 || Months.Any(m => m.From <= local.Month && local.Month <= m.To))
            && (Years.Count == 0 || Years.Any(y => y.From <= local.Year && local.Year <= y.To));
    }

    private static int Day(int day, int daysInMonth) => day < 0 ? daysInMonth + day + 1 : day;
}

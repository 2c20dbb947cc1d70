using Monitor.Core.Calendars;

namespace Monitor.Core.Sources;

/// <summary>
/// When a source's newest report becomes late: <c>lateAfter</c> of the publisher's business time after the end of the
/// report's activity date, in the publisher's time zone. A report for Friday with <c>P1DT6H</c> is late on Tuesday at
/// 06:00: Saturday and Sunday do not count, Monday counts whole, then six hours of Tuesday.
/// </summary>
public static class SourceLateness
{
    public static DateTimeOffset LateAt(DateOnly activityDate, TimeSpan lateAfter, ExchangeCalendar calendar, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(zone);
        var local = calendar.AddBusinessTime(activityDate.AddDays(1).ToDateTime(TimeOnly.MinValue), lateAfter);

        // A local time skipped by a daylight-saving change happens at the end of the gap.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>Whether a source whose newest report is for <paramref name="lastActivityDate"/> is late at <paramref name="now"/>;
    /// a source that has no report yet, or no <paramref name="lateAfter"/>, never is.</summary>
    public static bool IsLate(DateOnly? lastActivityDate, TimeSpan? lateAfter, ExchangeCalendar calendar, TimeZoneInfo zone, DateTimeOffset now) =>
        lastActivityDate is { } date && lateAfter is { } after && now >= LateAt(date, after, calendar, zone);
}

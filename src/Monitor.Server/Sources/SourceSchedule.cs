using Monitor.Core.Ports;
using Cronos;
using Monitor.Core.Calendars;
using Monitor.Core.Sources;
using Monitor.Storage;

namespace Monitor.Server.Sources;

/// <summary>When a source is fetched (its cron schedule in the publisher's time zone) and when it needs attention next.</summary>
public static class SourceSchedule
{
    /// <summary>Why <paramref name="schedule"/> is not a five-field cron expression, or null.</summary>
    public static string? Problem(string? schedule)
    {
        try
        {
            CronExpression.Parse(schedule ?? "", CronFormat.Standard);
            return null;
        }
        catch (CronFormatException e)
        {
            return $"'schedule' '{schedule}' is not a five-field cron expression (minute hour day-of-month month day-of-week, such as \"30 16-23 * * 1-5\"): {e.Message}";
        }
    }

    /// <summary>The first fetch of <paramref name="definition"/> after <paramref name="after"/>, or null if the expression never fires again.</summary>
    public static DateTimeOffset? NextFetchAt(SourceDefinition definition, DateTimeOffset after) =>
        CronExpression.Parse(definition.Schedule, CronFormat.Standard)
            .GetNextOccurrence(after, TimeZoneInfo.FindSystemTimeZoneById(definition.TimeZone))?.ToUniversalTime();

    /// <summary>When the newest report of <paramref name="definition"/> is late, or null if it cannot be.</summary>
    public static DateTimeOffset? LateAt(SourceDefinition definition, DateOnly? lastActivityDate) =>
        lastActivityDate is { } date && definition.LateAfter is { } lateAfter && ExchangeCalendar.TryGet(definition.Calendar, out var calendar)
            ? SourceLateness.LateAt(date, lateAfter, calendar, TimeZoneInfo.FindSystemTimeZoneById(definition.TimeZone)).ToUniversalTime()
            : null;

    /// <summary>When the scheduler must look at the source again: its next fetch, or the moment it becomes late if sooner.</summary>
    public static DateTimeOffset? DueAt(SourceDefinition definition, SourceState state)
    {
        var lateAt = state.Late ? null : LateAt(definition, state.LastActivityDate);
        return (state.NextFetchAt, lateAt) switch
        {
            ({ } fetch, { } late) => fetch < late ? fetch : late,
            ({ } fetch, null) => fetch,
            (null, var late) => late,
        };
    }
}

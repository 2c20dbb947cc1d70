using System.Text.Json;
using Monitor.Core.Calendars;
using Monitor.Core.Notifications;

namespace Monitor.Core.Rules;

/// <summary>
/// A rule's <c>activeWhen</c> (docs/api.md, Rules): the times it evaluates in, written as a notification policy's time
/// interval without a name (recurring windows in a time zone, or an exchange calendar's sessions with
/// <c>when: open|closed</c>). Outside them the rule raises nothing, its open alert resolves, and its windows start empty
/// at the next active time, so no window spans a closed market. Kept with its JSON, which the rule is written back
/// with (and which two equal <see cref="RuleActiveTimes"/> share).
/// </summary>
public sealed class RuleActiveTimes : IEquatable<RuleActiveTimes>
{
    private RuleActiveTimes(TimeIntervalDefinition interval, string json)
    {
        Interval = interval;
        Json = json;
    }

    public TimeIntervalDefinition Interval { get; }

    /// <summary>The <c>activeWhen</c> object as written, without white space.</summary>
    public string Json { get; }

    /// <summary>Reads <c>activeWhen</c>; the problems carry paths under <paramref name="path"/>.</summary>
    public static (RuleActiveTimes? Times, IReadOnlyList<PolicyProblem> Problems) Read(JsonElement element, string path)
    {
        var (interval, problems) = NotificationPolicyReader.ReadTimeInterval(element, path);
        return (interval is null ? null : new RuleActiveTimes(interval, JsonSerializer.Serialize(element)), problems);
    }

    /// <summary>Reads <c>activeWhen</c> from its JSON text; throws on a problem (for definitions built in code and tests).</summary>
    public static RuleActiveTimes Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var (times, problems) = Read(document.RootElement, "activeWhen");
        return times ?? throw new FormatException(string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}")));
    }

    /// <summary>Whether the rule is active at <paramref name="at"/> (UTC ticks).</summary>
    public bool Contains(long at) => Interval.Contains(new DateTimeOffset(at, TimeSpan.Zero));

    /// <summary>
    /// The first whole minute after <paramref name="from"/>, up to <paramref name="to"/> (UTC ticks), at which the rule
    /// is not active, or <see cref="long.MinValue"/> when it is active at all of them. Time intervals change only on
    /// whole minutes, so these are the instants that tell whether it stayed active all the time in between.
    /// </summary>
    public long FirstOutside(long from, long to)
    {
        for (long minute = ((from / TimeSpan.TicksPerMinute) + 1) * TimeSpan.TicksPerMinute; minute <= to; minute += TimeSpan.TicksPerMinute)
        {
            if (!Contains(minute))
            {
                return minute;
            }
        }

        return long.MinValue;
    }

    public bool Equals(RuleActiveTimes? other) => other is not null && string.Equals(Json, other.Json, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as RuleActiveTimes);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Json);

    public override string ToString() => Json;
}

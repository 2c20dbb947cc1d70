using Monitor.Core.Market;
using Monitor.Core.Ports;

namespace Monitor.Storage;

/// <summary>
/// What both providers decide alike when they store or delete ticks. An instrument's mark (the highest index and seq
/// stored) says which ticks of an append are new: indices only grow, so those above it. A tick at or below it is a
/// retry, or one deleted since, and is not stored again; an append of such ticks alone leaves the mark as it is.
/// </summary>
internal static class TickMarks
{
    /// <summary>The ticks of an append (indices increasing) above <paramref name="mark"/>, and the mark once they are stored.</summary>
    public static ReadOnlySpan<StoredTick> Above(ReadOnlySpan<StoredTick> ticks, TickMark mark, out TickMark after)
    {
        int first = 0;
        while (first < ticks.Length && ticks[first].Index <= mark.LastIndex)
        {
            first++;
        }

        var fresh = ticks[first..];
        after = mark;
        foreach (ref readonly var tick in fresh)
        {
            after = new TickMark(tick.Index, Math.Max(after.LastSeq, tick.Seq));
        }

        return fresh;
    }

    /// <summary>
    /// The stored bars a deletion removes, per interval: from the bar the first removed tick is in (it held removed
    /// ticks) up to the end of the range. The mark's seq is then taken again from the ticks that remain; its index stays.
    /// </summary>
    public static IReadOnlyList<(BarInterval Interval, DateTimeOffset From, DateTimeOffset To)> BarsDeleted(TickDeletion deletion, IReadOnlyList<BarInterval> intervals)
    {
        ArgumentNullException.ThrowIfNull(deletion);
        ArgumentNullException.ThrowIfNull(intervals);
        return [.. intervals.Select(interval => (interval, interval.BarStart(deletion.From), deletion.To))];
    }
}

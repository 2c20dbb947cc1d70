using Monitor.Core.Market;

namespace Monitor.Core.Rules;

/// <summary>
/// Merges the ticks a rule over several instruments receives from their grains into the order a backtest reads them
/// in: each instrument's ticks in their stored order, and across instruments the earliest head first (ties by
/// instrument id). The grains send at their own pace, so a tick is released only once every instrument the rule
/// waits for has a tick queued: otherwise a lagging instrument's earlier ticks would arrive after the rule had
/// evaluated past them. An instrument that has sent nothing for <c>idleAfter</c> (a closed market, a stopped feed)
/// is not waited for; <see cref="Idle"/> names those a release would pass, so that the caller can first queue what
/// they stored and have not sent yet. Arrival stamps come from the caller's clock; the merge itself has none. Besides ticks it merges
/// the bars the instruments' pipelines closed, each at the place of the tick that closed it.
/// </summary>
public sealed class TickMerge
{
    private readonly Source[] _sources;

    /// <summary>A merge over <paramref name="instruments"/>; each is waited for as if it had sent something at <paramref name="createdAt"/>.</summary>
    public TickMerge(IEnumerable<InstrumentId> instruments, long createdAt)
    {
        _sources = [.. instruments.Distinct().OrderBy(id => id.Value, StringComparer.Ordinal).Select(id => new Source(id, createdAt))];
        if (_sources.Length == 0)
        {
            throw new ArgumentException("a merge needs at least one instrument", nameof(instruments));
        }
    }

    /// <summary>Ticks waiting for release.</summary>
    public int Queued => _sources.Sum(s => s.Queue.Count);

    /// <summary>Queues a tick or bar of one instrument (in that instrument's stored order).</summary>
    public void Add(in QueuedTick queued, long arrivedAt)
    {
        var source = Find(queued.Instrument)
            ?? throw new ArgumentException($"the merge does not read {queued.Instrument}", nameof(queued));
        source.Queue.Enqueue(queued);
        source.LastArrival = arrivedAt;
    }

    /// <summary>
    /// Releases ticks in merged order while every instrument that is not idle at <paramref name="now"/> has one
    /// queued; with <paramref name="idleAfter"/> zero nobody is waited for (a flush).
    /// </summary>
    public void Release(long now, long idleAfter, Action<QueuedTick> release)
    {
        while (true)
        {
            Source? next = null;
            foreach (var source in _sources)
            {
                if (source.Queue.Count == 0)
                {
                    if (now - source.LastArrival < idleAfter)
                    {
                        return;
                    }

                    continue;
                }

                if (next is null || source.Queue.Peek().Time < next.Queue.Peek().Time)
                {
                    next = source;
                }
            }

            if (next is null)
            {
                return;
            }

            release(next.Queue.Dequeue());
        }
    }

    /// <summary>
    /// The instruments a <see cref="Release"/> at <paramref name="now"/> would not wait for, having sent nothing for
    /// <paramref name="idleAfter"/>: it may release past them. None if it would release nothing (nothing is queued, or
    /// an instrument it waits for has nothing queued).
    /// </summary>
    public IReadOnlyList<InstrumentId> Idle(long now, long idleAfter)
    {
        if (Queued == 0)
        {
            return [];
        }

        List<InstrumentId>? idle = null;
        foreach (var source in _sources)
        {
            bool quiet = now - source.LastArrival >= idleAfter;
            if (!quiet && source.Queue.Count == 0)
            {
                return [];
            }

            if (quiet)
            {
                (idle ??= []).Add(source.Instrument);
            }
        }

        return idle ?? [];
    }

    /// <summary>Waits for <paramref name="instrument"/> as if it had sent something at <paramref name="at"/> (it is known to have more coming).</summary>
    public void Heard(InstrumentId instrument, long at)
    {
        var source = Find(instrument) ?? throw new ArgumentException($"the merge does not read {instrument}", nameof(instrument));
        source.LastArrival = Math.Max(source.LastArrival, at);
    }

    private Source? Find(InstrumentId instrument)
    {
        foreach (var source in _sources)
        {
            if (source.Instrument == instrument)
            {
                return source;
            }
        }

        return null;
    }

    private sealed class Source(InstrumentId instrument, long createdAt)
    {
        public InstrumentId Instrument { get; } = instrument;

        public Queue<QueuedTick> Queue { get; } = new();

        public long LastArrival { get; set; } = createdAt;
    }
}

/// <summary>
/// What waits in a <see cref="TickMerge"/> at the stored index of its tick: a tick, or a bar of the rule's interval
/// that closed at <see cref="Time"/> (the closing tick's time; the tick itself follows at the same index if the
/// rule reads it).
/// </summary>
public readonly record struct QueuedTick(InstrumentId Instrument, DateTimeOffset Time, long Index, Tick? Tick, Bar? Closed)
{
    public static QueuedTick Of(in Tick tick, long index) => new(tick.Instrument, tick.Time, index, tick, null);

    public static QueuedTick OfBar(InstrumentId instrument, DateTimeOffset closedAt, long index, in Bar closed) =>
        new(instrument, closedAt, index, null, closed);
}

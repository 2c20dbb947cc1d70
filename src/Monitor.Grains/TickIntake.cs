using Monitor.Core.Pipeline;
using Monitor.Core.Ports;
using Monitor.Grains.Rules;

namespace Monitor.Grains;

/// <summary>
/// Takes an instrument's ticks into its run and numbers them for the tick store: a tick that is not a duplicate gets
/// the next index, applied, or stored flagged late and not applied; the rule grains that read the instrument learn of
/// each (<see cref="RuleGrainFeed"/>). Indices are never reused, not even those of deleted ticks: rule grains read by index.
/// </summary>
internal sealed class TickIntake(InstrumentRun run, RuleGrainFeed feed)
{
    /// <summary>The index of the last tick stored, or numbered to be.</summary>
    public long LastIndex { get; private set; }

    /// <summary>Applies a batch in order; returns the ticks to store (duplicates are not) and what became of the batch.</summary>
    public (StoredTick[] ToStore, IngestCounts Counts) Take(TickBatch batch)
    {
        int accepted = 0, duplicates = 0, late = 0;
        // Sized for the batch and not kept: a list kept between calls would hold its largest batch's capacity in
        // every instrument for as long as it is active.
        var toStore = new StoredTick[batch.Ticks.Length];
        int stored = 0;
        foreach (var tick in batch.Ticks)
        {
            var disposition = run.Apply(tick);
            if (disposition == TickDisposition.Duplicate)
            {
                duplicates++;
                continue;
            }

            bool applied = disposition == TickDisposition.Applied;
            accepted += applied ? 1 : 0;
            late += applied ? 0 : 1;
            toStore[stored++] = new StoredTick(++LastIndex, tick.Time, tick.Price, tick.Volume, tick.Seq, Late: !applied);
            feed.Stored(tick, LastIndex, applied, run.LastClosed);
        }

        run.EndBatch();
        return (stored == toStore.Length ? toStore : toStore[..stored], new IngestCounts(accepted, duplicates, late));
    }

    /// <summary>
    /// On activation: replays the ticks stored after <paramref name="watermark"/> (the saved state's, or 0) and numbers on
    /// after the last index the store has given out; the rule grains are fed from there.
    /// </summary>
    public async Task ResumeAsync(ITickStore ticks, long watermark, CancellationToken cancellationToken)
    {
        var mark = await ticks.GetMarkAsync(run.Instrument, cancellationToken);
        long replayed = await run.ReplayTicksAsync(ticks, watermark, mark, cancellationToken);
        LastIndex = Math.Max(replayed, mark.LastIndex);
        feed.UpdateReaders(LastIndex);
    }

    /// <summary>Storing what was taken failed: the rule grains are fed nothing that may not be stored.</summary>
    public void Abandon() => feed.Restart(LastIndex);
}

using Microsoft.Extensions.Options;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Grains.Rules;

/// <summary>
/// What the grains that merge several instruments' feeds in event order share (the rule grain, the derived series
/// grain): state written behind, catching up on an input from the tick store, and the merged ticks released once the
/// inputs that lag have been quiet for <see cref="RuleGrainOptions.InputIdleAfter"/>.
/// </summary>
public abstract class TickMergeGrain(ITickStore tickStore, IOptions<RuleGrainOptions> options, TimeProvider clock) : Grain
{
    private static readonly TimeSpan IdleCheckInterval = TimeSpan.FromMilliseconds(500);

    private readonly List<QueuedTick> _released = [];

    protected WriteBehind StateWrites { get; private set; } = null!;

    protected TickMerge? Merge { get; set; }

    protected TimeProvider Clock => clock;

    protected ITickStore TickStore => tickStore;

    private long IdleAfterTicks => (long)(options.Value.InputIdleAfter.TotalSeconds * clock.TimestampFrequency);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        StateWrites = new WriteBehind(WriteStateAsync);
        await LoadAsync(cancellationToken);
        this.RegisterGrainTimer(StateWrites.FlushAsync, new GrainTimerCreationOptions(WriteBehind.Interval, WriteBehind.Interval));
        this.RegisterGrainTimer(ReleaseIdleAsync, new GrainTimerCreationOptions(IdleCheckInterval, IdleCheckInterval));
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (reason.ReasonCode != DeactivationReasonCode.ApplicationError)
        {
            await StateWrites.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Restores the grain's state and definition on activation.</summary>
    protected abstract Task LoadAsync(CancellationToken cancellationToken);

    protected abstract Task WriteStateAsync(CancellationToken cancellationToken);

    /// <summary>The last stored tick index of <paramref name="instrument"/> queued in the merge (or passed over as late).</summary>
    protected abstract long QueuedIndex(InstrumentId instrument);

    /// <summary>
    /// Queues the ticks of <paramref name="instrument"/> stored after <see cref="QueuedIndex"/> through
    /// <paramref name="throughIndex"/>, as its feed would have; false if it had to stop short (what it needs is not
    /// stored yet).
    /// </summary>
    protected abstract Task<bool> CatchUpAsync(InstrumentId instrument, long throughIndex, CancellationToken cancellationToken);

    /// <summary>Handles what the merge released, in merged order (possibly nothing).</summary>
    protected abstract Task ApplyAsync(IReadOnlyList<QueuedTick> released);

    /// <summary>
    /// Catches up on what the store holds of <paramref name="instrument"/> past what was queued, reading its ticks only
    /// if the store's mark (one row) says there are any; false if the catch-up stopped short.
    /// </summary>
    protected async Task<bool> CatchUpOnStoreAsync(InstrumentId instrument, CancellationToken cancellationToken)
    {
        var mark = await tickStore.GetMarkAsync(instrument, cancellationToken);
        return mark.LastIndex <= QueuedIndex(instrument) || await CatchUpAsync(instrument, mark.LastIndex, cancellationToken);
    }

    /// <summary>
    /// Hands every tick the merge can release to <see cref="ApplyAsync"/>. An input quiet for
    /// <see cref="RuleGrainOptions.InputIdleAfter"/> is not waited for, yet its feed may only be late (a busy silo) while
    /// its grain has stored its ticks. So before the merge releases past such an input, what the store holds of it past
    /// what was queued is queued too: the merge then releases in the order a backtest of the store reads, whatever the
    /// lag. An input with nothing stored past that is idle indeed and is passed.
    /// </summary>
    protected async Task ReleaseAsync()
    {
        if (Merge is null)
        {
            return;
        }

        long now = clock.GetTimestamp();
        foreach (var instrument in Merge.Idle(now, IdleAfterTicks))
        {
            if (!await CatchUpOnStoreAsync(instrument, CancellationToken.None))
            {
                // Stored, but not all of it can be queued yet: wait for it as for a feed.
                Merge.Heard(instrument, clock.GetTimestamp());
            }
        }

        // Released as of the time the idle inputs were caught up at: an input that fell quiet since was not.
        _released.Clear();
        Merge.Release(now, IdleAfterTicks, _released.Add);
        await ApplyAsync(_released);
    }

    private async Task ReleaseIdleAsync(CancellationToken cancellationToken)
    {
        if (Merge is { Queued: > 0 })
        {
            await ReleaseAsync();
        }
    }
}

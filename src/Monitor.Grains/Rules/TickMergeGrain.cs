using Microsoft.Extensions.Options;
using Monitor.Core.Rules;

namespace Monitor.Grains.Rules;

/// <summary>
/// What the grains that merge several instruments' feeds in event order share (the rule grain, the derived series
/// grain): state written behind, and the merged ticks released once the inputs that lag have been quiet for
/// <see cref="RuleGrainOptions.InputIdleAfter"/>.
/// </summary>
public abstract class TickMergeGrain(IOptions<RuleGrainOptions> options, TimeProvider clock) : Grain
{
    private static readonly TimeSpan IdleCheckInterval = TimeSpan.FromMilliseconds(500);

    protected WriteBehind StateWrites { get; private set; } = null!;

    protected TickMerge? Merge { get; set; }

    protected TimeProvider Clock => clock;

    protected long IdleAfterTicks => (long)(options.Value.InputIdleAfter.TotalSeconds * clock.TimestampFrequency);

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

    /// <summary>Handles every tick the merge can release, waiting at most <paramref name="idleAfter"/> timestamp ticks for a lagging input.</summary>
    protected abstract Task ReleaseAsync(long idleAfter);

    private async Task ReleaseIdleAsync(CancellationToken cancellationToken)
    {
        if (Merge is { Queued: > 0 })
        {
            await ReleaseAsync(IdleAfterTicks);
        }
    }
}

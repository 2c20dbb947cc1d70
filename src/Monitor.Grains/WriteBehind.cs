namespace Monitor.Grains;

/// <summary>
/// Grain state written behind: changes mark it dirty, and <see cref="FlushAsync"/>, on the grain's timer every
/// <see cref="Interval"/> and on deactivation, writes it if so. Never per tick: what a lost write misses is replayed
/// from the stores on activation.
/// </summary>
public sealed class WriteBehind(Func<CancellationToken, Task> write)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private bool _abandoned;

    public bool IsDirty { get; private set; }

    public void Changed() => IsDirty = !_abandoned;

    /// <summary>
    /// What is in memory has moved past what the stores hold (a write to them failed): it is never written from now on,
    /// not even on deactivation, so the next activation starts from the last state written and the stores.
    /// </summary>
    public void Abandon()
    {
        _abandoned = true;
        IsDirty = false;
    }

    /// <summary>Writes if something changed since the last write; a failed write stays due.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!IsDirty)
        {
            return;
        }

        await write(cancellationToken);
        IsDirty = false;
    }
}

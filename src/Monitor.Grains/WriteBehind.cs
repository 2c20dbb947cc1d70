namespace Monitor.Grains;

/// <summary>
/// Grain state written behind: changes mark it dirty, and <see cref="FlushAsync"/>, on the grain's timer every
/// <see cref="Interval"/> and on deactivation, writes it if so. Never per tick: what a lost write misses is replayed
/// from the stores on activation.
/// </summary>
public sealed class WriteBehind(Func<CancellationToken, Task> write)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    public bool IsDirty { get; private set; }

    public void Changed() => IsDirty = true;

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

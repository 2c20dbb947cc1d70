namespace Monitor.Grains;

/// <summary>
/// When an instrument grain last took something in (ticks, inventory, a rule change) and whether it has been idle for
/// <see cref="InstrumentGrainOptions.IdleAfter"/> since, so it deactivates and a catalog of thousands keeps only its
/// active instruments in memory.
/// </summary>
internal sealed class IdleWatch(TimeProvider clock, TimeSpan idleAfter)
{
    private long _lastActive = clock.GetTimestamp();

    public bool IsIdle => clock.GetElapsedTime(_lastActive) >= idleAfter;

    public void Active() => _lastActive = clock.GetTimestamp();
}

namespace Monitor.Grains;

/// <summary>
/// Runs an instrument grain's housekeeping timer every <see cref="Period"/> while rule grains read the instrument (they
/// are fed what is due, and a waiting quote is flushed should its own flush have been missed), and stops it when none
/// does: an instrument no rule grain reads has nothing due periodically, and thousands of them would otherwise cost
/// tens of thousands of timer turns a second.
/// </summary>
internal sealed class HousekeepingSchedule(Action<TimeSpan> changePeriod)
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    private bool _runs;

    /// <summary>Starts the timer when rule grains came to read the instrument, stops it when the last one went.</summary>
    public void Follow(bool ruleGrainsRead)
    {
        if (ruleGrainsRead != _runs)
        {
            _runs = ruleGrainsRead;
            changePeriod(_runs ? Period : Timeout.InfiniteTimeSpan);
        }
    }
}

namespace Monitor.Grains.Tests;

/// <summary>An instrument grain's housekeeping timer runs only while rule grains read the instrument.</summary>
public sealed class HousekeepingScheduleTests
{
    private readonly List<TimeSpan> _periods = [];

    [Fact]
    public void NoRuleGrainReading_LeavesTheTimerStopped()
    {
        var schedule = new HousekeepingSchedule(_periods.Add);

        schedule.Follow(ruleGrainsRead: false);

        Assert.Empty(_periods);
    }

    [Fact]
    public void RuleGrainsComingAndGoing_StartAndStopTheTimerOncePerChange()
    {
        var schedule = new HousekeepingSchedule(_periods.Add);

        schedule.Follow(ruleGrainsRead: true);
        schedule.Follow(ruleGrainsRead: true);
        schedule.Follow(ruleGrainsRead: false);
        schedule.Follow(ruleGrainsRead: false);
        schedule.Follow(ruleGrainsRead: true);

        Assert.Equal([HousekeepingSchedule.Period, Timeout.InfiniteTimeSpan, HousekeepingSchedule.Period], _periods);
    }
}

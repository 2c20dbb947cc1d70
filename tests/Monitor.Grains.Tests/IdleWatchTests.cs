using Microsoft.Extensions.Time.Testing;

namespace Monitor.Grains.Tests;

/// <summary>When an instrument grain counts as idle, on fake time and without a silo.</summary>
public sealed class IdleWatchTests
{
    private static readonly TimeSpan IdleAfter = TimeSpan.FromMinutes(15);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void NothingTakenIn_IsIdleOnceIdleAfterPassedSinceCreation()
    {
        var idle = new IdleWatch(_time, IdleAfter);

        _time.Advance(IdleAfter - TimeSpan.FromTicks(1));
        Assert.False(idle.IsIdle);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(idle.IsIdle);
    }

    [Fact]
    public void Activity_StartsTheIdleTimeAgain()
    {
        var idle = new IdleWatch(_time, IdleAfter);
        _time.Advance(IdleAfter);
        Assert.True(idle.IsIdle);

        idle.Active();

        Assert.False(idle.IsIdle);
        _time.Advance(IdleAfter / 2);
        Assert.False(idle.IsIdle);
        _time.Advance(IdleAfter / 2);
        Assert.True(idle.IsIdle);
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Ports;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Tests.Webhooks;

/// <summary>
/// The dispatcher's retry schedule on fake time: the store, the dispatcher's waits and the sender's timestamps all run
/// on a <see cref="FakeTimeProvider"/>, the jitter is injected, and the test moves time to each due attempt. The
/// endpoint is a real HTTP receiver on loopback.
/// </summary>
public sealed class WebhookRetryScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1.0, 1.1)] // the most the jitter adds: +10%
    [InlineData(0.0, 0.9)] // the most it takes away: -10%
    [InlineData(0.5, 1.0)]
    public async Task FailingEndpoint_EachRetryFallsDueAfterItsDelayTimesTheJitter(double random, double factor)
    {
        var clock = new FakeTimeProvider(Start);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (_, n) => Task.FromResult(n < 3 ? Results.StatusCode(500) : Results.NoContent());
        var options = DispatcherHarness.Options(o =>
        {
            o.RetrySchedule = RetrySchedule.Parse("0s,10m,1h");
            o.PollInterval = TimeSpan.FromHours(6);
        });
        await using var harness = await DispatcherHarness.StartAsync(options, clock: clock, jitter: () => random);
        string ruleId = TestAlerts.NewRuleId();
        var webhook = await harness.AddWebhookAsync(receiver.Url, ruleId);

        await harness.FireAsync(ruleId, Start);

        // The first attempt is due at once (0s); nothing else happens until time moves.
        var first = await harness.WaitForDeliveryAsync(webhook.Id, d => d.Attempts.Count == 1 && d.State == DeliveryState.Pending, "the first attempt recorded");
        var attempt = first.Attempts[0];
        Assert.Equal((Start, 500), (attempt.At, attempt.Status));
        AssertDue(first.NextAttemptAt, attempt, TimeSpan.FromMinutes(10) * factor);

        clock.Advance(first.NextAttemptAt - clock.GetUtcNow());
        var second = await harness.WaitForDeliveryAsync(webhook.Id, d => d.Attempts.Count == 2 && d.State == DeliveryState.Pending, "the second attempt recorded");
        attempt = second.Attempts[1];
        Assert.Equal((first.NextAttemptAt, 500), (attempt.At, attempt.Status));
        AssertDue(second.NextAttemptAt, attempt, TimeSpan.FromHours(1) * factor);

        clock.Advance(second.NextAttemptAt - clock.GetUtcNow());
        var delivered = await harness.WaitForDeliveryAsync(webhook.Id, d => d.State == DeliveryState.Delivered, "the third attempt delivered");
        Assert.Equal((second.NextAttemptAt, 204), (delivered.Attempts[2].At, delivered.Attempts[2].Status));
        Assert.All(await receiver.WaitForAsync(3), received => Assert.Equal(delivered.Id, received.Id));
    }

    /// <summary>A retry falls due the schedule's delay (with jitter) after the failed attempt ended; times are stored in microseconds.</summary>
    private static void AssertDue(DateTimeOffset nextAttemptAt, DeliveryAttempt after, TimeSpan delay)
    {
        var expected = after.At + TimeSpan.FromMilliseconds(after.DurationMs) + delay;
        Assert.InRange(nextAttemptAt, expected - TimeSpan.FromMilliseconds(0.01), expected + TimeSpan.FromMilliseconds(0.01));
    }
}

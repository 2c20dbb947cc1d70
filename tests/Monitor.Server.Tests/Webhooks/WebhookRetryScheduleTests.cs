using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Webhooks;
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
    private static readonly RetrySchedule Schedule = RetrySchedule.Parse("0s,10m,1h");

    private readonly FakeTimeProvider _clock = new(Start);

    [Theory]
    [InlineData(1.0, 1.1)] // the most the jitter adds: +10%
    [InlineData(0.0, 0.9)] // the most it takes away: -10%
    [InlineData(0.5, 1.0)]
    public async Task FailingEndpoint_EachRetryFallsDueAfterItsDelayTimesTheJitter(double random, double factor)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (_, n) => Task.FromResult(n < 3 ? Results.StatusCode(500) : Results.NoContent());
        await using var harness = await StartAsync(random);
        string ruleId = TestAlerts.NewRuleId();
        var webhook = await harness.AddWebhookAsync(receiver.Url, ruleId);

        await harness.FireAsync(ruleId, Start);

        // The first attempt is due at once (0s); nothing else happens until time moves.
        var first = await harness.WaitForDeliveryAsync(webhook.Id, d => d.Attempts.Count == 1 && d.State == DeliveryState.Pending, "the first attempt recorded");
        Assert.Equal((Start, 500), (first.Attempts[0].At, first.Attempts[0].Status));
        AssertDueAfterLastAttempt(first, Schedule[1] * factor);

        var second = await AttemptWhenDueAsync(harness, first, DeliveryState.Pending);
        Assert.Equal(500, second.Attempts[^1].Status);
        AssertDueAfterLastAttempt(second, Schedule[2] * factor);

        var delivered = await AttemptWhenDueAsync(harness, second, DeliveryState.Delivered);
        Assert.Equal(204, delivered.Attempts[^1].Status);
        Assert.All(await receiver.WaitForAsync(3), received => Assert.Equal(delivered.Id, received.Id));
    }

    [Fact]
    public async Task EndpointFailingEveryAttempt_IsGivenUpAtTheSchedulesLastAttempt_AndTheWebhookDisabled()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (_, _) => Task.FromResult(Results.StatusCode(503));
        await using var harness = await StartAsync(random: 0.0);
        string ruleId = TestAlerts.NewRuleId();
        var webhook = await harness.AddWebhookAsync(receiver.Url, ruleId);

        await harness.FireAsync(ruleId, Start);

        var first = await harness.WaitForDeliveryAsync(webhook.Id, d => d.Attempts.Count == 1, "the first attempt recorded");
        AssertDueAfterLastAttempt(first, Schedule[1] * 0.9);
        var second = await AttemptWhenDueAsync(harness, first, DeliveryState.Pending);
        AssertDueAfterLastAttempt(second, Schedule[2] * 0.9);

        // The third attempt is the schedule's last: its failure fails the delivery for good and disables the webhook.
        var failed = await AttemptWhenDueAsync(harness, second, DeliveryState.Failed);
        Assert.Equal([503, 503, 503], failed.Attempts.Select(a => a.Status));
        var disabled = await harness.Webhooks.GetAsync(webhook.Id);
        Assert.False(disabled!.Enabled);
        Assert.Contains($"failed all 3 attempts of the retry schedule (the last at {failed.Attempts[^1].At:O}", disabled.DisabledReason, StringComparison.Ordinal);

        // A day later the disabled webhook gets no delivery for a new alert, and the endpoint saw the three attempts only.
        _clock.Advance(TimeSpan.FromDays(1));
        await harness.FireAsync(ruleId, _clock.GetUtcNow());
        Assert.Single(await harness.Webhooks.ListDeliveriesAsync(webhook.Id, null, 10));
        Assert.Equal(3, receiver.Received.Count);
    }

    private Task<DispatcherHarness> StartAsync(double random) =>
        DispatcherHarness.StartAsync(
            DispatcherHarness.Options(o =>
            {
                o.RetrySchedule = Schedule;
                o.PollInterval = TimeSpan.FromHours(6); // no poll in between: each attempt is the one the schedule set
            }),
            clock: _clock,
            jitter: () => random);

    /// <summary>
    /// Moves fake time to <paramref name="pending"/>'s next attempt and waits for the dispatcher to record it: the attempt
    /// is made at exactly that time, and leaves the delivery in <paramref name="state"/>.
    /// </summary>
    private async Task<StoredDelivery> AttemptWhenDueAsync(DispatcherHarness harness, StoredDelivery pending, DeliveryState state)
    {
        var due = pending.NextAttemptAt;
        // Moved only once the dispatcher sleeps until that time: moved earlier, its sleep would start after the move.
        await Eventually.GetAsync(
            () => Task.FromResult(harness.Dispatcher.SleepingUntil), until => until == due, TimeSpan.FromSeconds(20), $"the dispatcher asleep until {due:O}");
        _clock.Advance(due - _clock.GetUtcNow());
        int attempts = pending.Attempts.Count + 1;
        var next = await harness.WaitForDeliveryAsync(
            pending.WebhookId, d => d.Id == pending.Id && d.Attempts.Count == attempts && d.State == state, $"attempt {attempts} recorded, the delivery {state}");
        Assert.Equal(due, next.Attempts[^1].At);
        return next;
    }

    /// <summary>A retry falls due the schedule's delay (with jitter) after the failed attempt ended; times are stored in microseconds.</summary>
    private static void AssertDueAfterLastAttempt(StoredDelivery delivery, TimeSpan delay)
    {
        var last = delivery.Attempts[^1];
        var expected = last.At + TimeSpan.FromMilliseconds(last.DurationMs) + delay;
        Assert.InRange(delivery.NextAttemptAt, expected - TimeSpan.FromMilliseconds(0.01), expected + TimeSpan.FromMilliseconds(0.01));
    }
}

using Monitor.Core.Webhooks;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Monitor.Core.Ports;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Tests.Webhooks;

/// <summary>The dispatcher against a real HTTP receiver on loopback, with a compressed retry schedule.</summary>
public sealed class WebhookDispatcherTests
{
    [Fact]
    public async Task FiringAlert_PostedOnceSignedPerStandardWebhooks()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var harness = await DispatcherHarness.StartAsync(DispatcherHarness.Options());
        string ruleId = TestAlerts.NewRuleId();
        var webhook = await harness.AddWebhookAsync(receiver.Url, ruleId);

        string alertId = await harness.FireAsync(ruleId);

        var received = Assert.Single(await receiver.WaitForAsync(1));
        Assert.True(StandardWebhooksVerifier.Verify(webhook.Secret, received), $"signature {received.Signature} does not verify");
        Assert.Equal("/hook", received.Path);
        Assert.InRange(long.Parse(received.Timestamp, CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var body = JsonNode.Parse(received.Body)!;
        Assert.Equal("alert.firing", body["type"]!.GetValue<string>());
        Assert.Equal(alertId, body["data"]!["alert"]!["id"]!.GetValue<string>());
        var delivery = await harness.WaitForDeliveryAsync(webhook.Id, d => d.State == DeliveryState.Delivered, "delivery recorded as delivered");
        Assert.Equal(received.Id, delivery.Id);
        Assert.Equal(200, Assert.Single(delivery.Attempts).Status);
    }

    [Fact]
    public async Task FailingEndpoint_RetriedOnTheScheduleWithTheSameIdUntilDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (_, n) => Task.FromResult(n < 3 ? Results.StatusCode(500) : Results.NoContent());
        await using var harness = await DispatcherHarness.StartAsync(DispatcherHarness.Options(o => o.RetrySchedule = RetrySchedule.Parse("0s,300ms,600ms,1s")));
        string ruleId = TestAlerts.NewRuleId();
        var webhook = await harness.AddWebhookAsync(receiver.Url, ruleId);

        await harness.FireAsync(ruleId);

        var delivery = await harness.WaitForDeliveryAsync(webhook.Id, d => d.State == DeliveryState.Delivered, "delivered on the third attempt");
        var received = receiver.Received;
        Assert.Equal(3, received.Count);
        Assert.All(received, r => Assert.Equal(delivery.Id, r.Id));
        Assert.All(received, r => Assert.True(StandardWebhooksVerifier.Verify(webhook.Secret, r)));
        Assert.Equal([500, 500, 204], delivery.Attempts.Select(a => a.Status));
        Assert.Equal("HTTP 500 Internal Server Error", delivery.Attempts[0].Error);
        // The schedule's delays, less 10% jitter, separate the attempts.
        Assert.True(received[1].At - received[0].At >= TimeSpan.FromMilliseconds(270), $"second attempt after {received[1].At - received[0].At}");
        Assert.True(received[2].At - received[1].At >= TimeSpan.FromMilliseconds(540), $"third attempt after {received[2].At - received[1].At}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RetryAfter_SecondsOrHttpDate_NextAttemptWaitsForIt(bool asDate)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (_, n) =>
        {
            if (n > 1)
            {
                return Task.FromResult(Results.Ok());
            }

            return Task.FromResult<IResult>(new RetryAfterResult(asDate ? DateTimeOffset.UtcNow.AddSeconds(3).ToString("R", CultureInfo.InvariantCulture) : "2"));
        };
        await using var harness = await DispatcherHarness.StartAsync(DispatcherHarness.Options(o => o.RetrySchedule = RetrySchedule.Parse("0s,10ms,10ms,1h")));
        string ruleId = TestAlerts.NewRuleId();
        var webhook = await harness.AddWebhookAsync(receiver.Url, ruleId);

        await harness.FireAsync(ruleId);

        var received = await receiver.WaitForAsync(2);
        // An HTTP date has whole seconds: three seconds ahead is at least two after the first attempt.
        Assert.True(received[1].At - received[0].At >= TimeSpan.FromSeconds(1.9), $"retried after {received[1].At - received[0].At}");
        var delivery = await harness.WaitForDeliveryAsync(webhook.Id, d => d.State == DeliveryState.Delivered, "delivered after Retry-After");
        Assert.Equal([503, 200], delivery.Attempts.Select(a => a.Status));
    }

    [Fact]
    public async Task Gone410_WebhookDisabledSayingWhyAndSentNothingMore()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (_, _) => Task.FromResult(Results.StatusCode(410));
        await using var harness = await DispatcherHarness.StartAsync(DispatcherHarness.Options());
        string ruleId = TestAlerts.NewRuleId();
        var webhook = await harness.AddWebhookAsync(receiver.Url, ruleId);

        await harness.FireAsync(ruleId);

        var delivery = await harness.WaitForDeliveryAsync(webhook.Id, d => d.State == DeliveryState.Failed, "failed on 410");
        Assert.Equal(410, Assert.Single(delivery.Attempts).Status);
        var disabled = await harness.Webhooks.GetAsync(webhook.Id);
        Assert.False(disabled!.Enabled);
        Assert.Contains("410 Gone", disabled.DisabledReason, StringComparison.Ordinal);
        await harness.FireAsync(ruleId);
        Assert.Single(await harness.Webhooks.ListDeliveriesAsync(webhook.Id, null, 10));
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task ScheduleExhausted_DeliveryFailedAndWebhookDisabled()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (_, _) => Task.FromResult(Results.StatusCode(502));
        await using var harness = await DispatcherHarness.StartAsync(DispatcherHarness.Options(o => o.RetrySchedule = RetrySchedule.Parse("0s,50ms,50ms")));
        string ruleId = TestAlerts.NewRuleId();
        var webhook = await harness.AddWebhookAsync(receiver.Url, ruleId);

        await harness.FireAsync(ruleId);

        var delivery = await harness.WaitForDeliveryAsync(webhook.Id, d => d.State == DeliveryState.Failed, "failed after the schedule");
        Assert.Equal([502, 502, 502], delivery.Attempts.Select(a => a.Status));
        var disabled = await harness.Webhooks.GetAsync(webhook.Id);
        Assert.False(disabled!.Enabled);
        Assert.Contains("all 3 attempts", disabled.DisabledReason, StringComparison.Ordinal);
        Assert.Equal(3, receiver.Received.Count);
    }

    [Fact]
    public async Task SlowEndpoint_AttemptTimesOutThenRetried()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = async (_, n) =>
        {
            if (n == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), receiver.Stopping);
            }

            return Results.Ok();
        };
        await using var harness = await DispatcherHarness.StartAsync(DispatcherHarness.Options(o => o.Timeout = TimeSpan.FromMilliseconds(500)));
        string ruleId = TestAlerts.NewRuleId();
        var webhook = await harness.AddWebhookAsync(receiver.Url, ruleId);

        await harness.FireAsync(ruleId);

        var delivery = await harness.WaitForDeliveryAsync(webhook.Id, d => d.State == DeliveryState.Delivered, "delivered after a timeout");
        Assert.Equal([null, 200], delivery.Attempts.Select(a => a.Status));
        Assert.Contains("no answer within the timeout (0.5 s)", delivery.Attempts[0].Error, StringComparison.Ordinal);
        Assert.Equal(2, receiver.Received.Select(r => r.Id).Count(id => id == delivery.Id));
    }

    [Fact]
    public async Task Redirect_NotFollowedAndCountsAsAFailure()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (r, _) => Task.FromResult(r.Path == "/hook" ? Results.Redirect("/elsewhere", permanent: false, preserveMethod: true) : Results.Ok());
        await using var harness = await DispatcherHarness.StartAsync(DispatcherHarness.Options(o => o.RetrySchedule = RetrySchedule.Parse("0s")));
        string ruleId = TestAlerts.NewRuleId();
        var webhook = await harness.AddWebhookAsync(receiver.Url, ruleId);

        await harness.FireAsync(ruleId);

        var delivery = await harness.WaitForDeliveryAsync(webhook.Id, d => d.State == DeliveryState.Failed, "failed on a redirect");
        var attempt = Assert.Single(delivery.Attempts);
        Assert.Equal(307, attempt.Status);
        Assert.Contains("redirect to /elsewhere not followed", attempt.Error, StringComparison.Ordinal);
        Assert.All(receiver.Received, r => Assert.Equal("/hook", r.Path));
    }

    [Fact]
    public async Task HangingEndpoint_OtherWebhooksDeliveredMeanwhile()
    {
        await using var hanging = await WebhookReceiver.StartAsync();
        hanging.Respond = async (_, _) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, hanging.Stopping);
            return Results.Ok();
        };
        await using var healthy = await WebhookReceiver.StartAsync();
        await using var harness = await DispatcherHarness.StartAsync(DispatcherHarness.Options(o => o.Timeout = TimeSpan.FromSeconds(60)));
        string ruleId = TestAlerts.NewRuleId();
        var stuck = await harness.AddWebhookAsync(hanging.Url, ruleId);
        var fine = await harness.AddWebhookAsync(healthy.Url, ruleId);

        await harness.FireAsync(ruleId);
        await hanging.WaitForAsync(1);
        await harness.FireAsync(ruleId, DateTimeOffset.UtcNow.AddSeconds(1));

        await healthy.WaitForAsync(2);
        await harness.WaitForDeliveryAsync(fine.Id, d => d.State == DeliveryState.Delivered, "the healthy endpoint's deliveries recorded");
        var stuckDeliveries = await harness.Webhooks.ListDeliveriesAsync(stuck.Id, null, 10);
        Assert.Contains(stuckDeliveries, d => d.State == DeliveryState.Pending && d.Attempts.Count == 0);
    }

    [Fact]
    public async Task SilencedAlert_NotSentWhileOthersAre()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var harness = await DispatcherHarness.StartAsync(DispatcherHarness.Options());
        string silencedRule = TestAlerts.NewRuleId();
        string otherRule = TestAlerts.NewRuleId();
        await harness.AddWebhookAsync(receiver.Url, silencedRule, otherRule);
        var now = DateTimeOffset.UtcNow;
        await harness.Store.Silences.CreateAsync(new SilenceRequest(silencedRule, null, now.AddHours(-1), now.AddHours(1), "known roll", "ops"), now);

        string silenced = await harness.FireAsync(silencedRule, now);
        string sent = await harness.FireAsync(otherRule, now);

        var received = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Contains(sent, received.Body, StringComparison.Ordinal);
        Assert.True((await harness.Store.Alerts.GetAsync(silenced))!.Silenced);
    }

    [Fact]
    public async Task RotatedSecret_SignedWithTheNewAndTheOldSecret()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var harness = await DispatcherHarness.StartAsync(DispatcherHarness.Options());
        string ruleId = TestAlerts.NewRuleId();
        var webhook = await harness.AddWebhookAsync(receiver.Url, ruleId);
        var now = DateTimeOffset.UtcNow;
        var rotated = await harness.Webhooks.RotateSecretAsync(webhook.Id, WebhookSecret.Generate(), now.AddHours(24), now);

        await harness.FireAsync(ruleId);

        var received = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal(2, received.Signature.Split(' ').Length);
        Assert.True(StandardWebhooksVerifier.Verify(rotated!.Secret, received));
        Assert.True(StandardWebhooksVerifier.Verify(webhook.Secret, received));
    }

    [Fact]
    public async Task GuardOn_TargetResolvingToLoopback_RefusedAtConnectTime()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var harness = await DispatcherHarness.StartAsync(DispatcherHarness.Options(o =>
        {
            o.AllowPrivateNetworks = false;
            o.RetrySchedule = RetrySchedule.Parse("0s");
        }));
        string ruleId = TestAlerts.NewRuleId();
        // Stored directly, as if the name had resolved to a public address when the webhook was created (DNS rebinding).
        var webhook = await harness.AddWebhookAsync(receiver.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal), ruleId);

        await harness.FireAsync(ruleId);

        var delivery = await harness.WaitForDeliveryAsync(webhook.Id, d => d.State == DeliveryState.Failed, "refused");
        var attempt = Assert.Single(delivery.Attempts);
        Assert.Null(attempt.Status);
        Assert.Contains("loopback", attempt.Error, StringComparison.Ordinal);
        Assert.Contains("refused", attempt.Error, StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
    }

    /// <summary>503 with a <c>Retry-After</c> header.</summary>
    private sealed class RetryAfterResult(string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = 503;
            httpContext.Response.Headers.RetryAfter = value;
            return Task.CompletedTask;
        }
    }
}

using Monitor.Core.Webhooks;
using System.Text;
using Microsoft.Extensions.Configuration;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Tests.Webhooks;

public sealed class WebhookSignatureTests
{
    // The Standard Webhooks test vector: TestWebhookSign in libraries/go/webhook_test.go of
    // https://github.com/standard-webhooks/standard-webhooks (commit 449485caf9c0303530c19524fbe4096680aafcf1).
    private const string VectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string VectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long VectorTimestamp = 1614265330;
    private const string VectorBody = """{"test": 2432232314}""";
    private const string VectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    [Fact]
    public void Verifier_SpecificationTestVector_Accepts()
    {
        Assert.True(StandardWebhooksVerifier.Verify(VectorSecret, VectorId, "1614265330", VectorBody, VectorSignature));
        Assert.False(StandardWebhooksVerifier.Verify(VectorSecret, VectorId, "1614265331", VectorBody, VectorSignature));
        Assert.False(StandardWebhooksVerifier.Verify(VectorSecret, VectorId, "1614265330", VectorBody + " ", VectorSignature));
    }

    [Fact]
    public void Sign_SpecificationTestVector_GivesThePublishedSignature()
    {
        string signature = WebhookSecret.Sign(WebhookSecret.Key(VectorSecret), VectorId, VectorTimestamp, Encoding.UTF8.GetBytes(VectorBody));

        Assert.Equal(VectorSignature, signature);
    }

    [Fact]
    public void Generate_SecretsAreWhsecBase64Of32RandomBytes()
    {
        var secrets = Enumerable.Range(0, 50).Select(_ => WebhookSecret.Generate()).ToList();

        Assert.All(secrets, s => Assert.StartsWith("whsec_", s, StringComparison.Ordinal));
        Assert.All(secrets, s => Assert.Equal(32, Convert.FromBase64String(s["whsec_".Length..]).Length));
        Assert.Equal(secrets.Count, secrets.Distinct().Count());
    }

    [Fact]
    public void SigningSecrets_AfterRotation_BothUntilTheOldOneExpires()
    {
        var now = DateTimeOffset.UtcNow;
        var webhook = new Webhook("w", "https://example.com", null, new WebhookFilter([], [], [], []), "whsec_new", "whsec_old", now.AddHours(24), true, null, null, now, now);

        Assert.Equal(["whsec_new", "whsec_old"], webhook.SigningSecretsAt(now.AddHours(23.9)));
        Assert.Equal(["whsec_new"], webhook.SigningSecretsAt(now.AddHours(24)));
        Assert.Equal(["whsec_new"], (webhook with { PreviousSecret = null, PreviousSecretExpiresAt = null }).SigningSecretsAt(now));
    }

    [Theory]
    [InlineData("0s,5s,5m,30m,2h,5h,10h,14h,20h,24h", null)]
    [InlineData("0s, 250ms ,1.5s,00:00:02", null)]
    [InlineData("0s,5x", "Monitor:Webhooks:RetrySchedule")]
    [InlineData("", "Monitor:Webhooks:RetrySchedule")]
    [InlineData("0s,,5s", "Monitor:Webhooks:RetrySchedule")]
    public void Options_RetrySchedule_ValidatedNamingTheKey(string schedule, string? problemKey)
    {
        var problems = new WebhookOptions { RetrySchedule = RetrySchedule.Parse(schedule) }.Validate().ToList();

        if (problemKey is null)
        {
            Assert.Empty(problems);
        }
        else
        {
            Assert.Contains(problems, p => p.StartsWith(problemKey, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Options_DefaultsAndBadTimeout_AsTheContractSays()
    {
        var defaults = new WebhookOptions();

        Assert.Equal([0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400], defaults.RetrySchedule.Select(d => d.TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(15), defaults.Timeout);
        Assert.False(defaults.AllowPrivateNetworks);
        Assert.Contains(new WebhookOptions { Timeout = TimeSpan.Zero }.Validate(), p => p.StartsWith("Monitor:Webhooks:Timeout", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_BoundFromConfiguration_ReadTheDocumentedDurationForms()
    {
        var options = Bind(new() { ["RetrySchedule"] = "0s, 5s,5m", ["Timeout"] = "15s", ["PollInterval"] = "00:00:02" });

        Assert.Equal([0, 5, 300], options.RetrySchedule.Select(d => d.TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(15), options.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(2), options.PollInterval);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Options_BadScheduleOrTimeout_NamesTheKey()
    {
        Assert.Contains(Bind(new() { ["RetrySchedule"] = "0s,5x" }).Validate(), p => p.StartsWith("Monitor:Webhooks:RetrySchedule '0s,5x'", StringComparison.Ordinal));
        var refused = Assert.Throws<InvalidOperationException>(() => Bind(new() { ["Timeout"] = "soon" }));
        Assert.Contains("Monitor:Webhooks:Timeout", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RetryPolicy_OutcomesForSuccessGoneRetryAfterAndTheLastAttempt()
    {
        var schedule = new[] { TimeSpan.Zero, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1) };
        var policy = new WebhookRetryPolicy(schedule, () => 1.0);
        var at = DateTimeOffset.UtcNow;
        var first = new ClaimedDelivery("msg_1", "w", WebhookEvents.Firing, "a", "{}", AttemptCount: 0);
        AttemptResult Result(int? status, TimeSpan? retryAfter = null) => new(at, status, TimeSpan.FromSeconds(1), status is >= 200 and < 300 ? null : "failed", retryAfter);

        Assert.Equal(DeliveryState.Delivered, policy.Decide(first, Result(204)).State);
        var gone = policy.Decide(first, Result(410));
        Assert.Equal(DeliveryState.Failed, gone.State);
        Assert.Contains("410", gone.DisableWebhook, StringComparison.Ordinal);
        Assert.Equal(at.AddSeconds(1 + 11), policy.Decide(first, Result(500)).NextAttemptAt); // 10 s + 10% jitter
        Assert.Equal(at.AddSeconds(1 + 30), policy.Decide(first, Result(503, TimeSpan.FromSeconds(30))).NextAttemptAt);
        Assert.Equal(at.AddSeconds(1 + 60), policy.Decide(first, Result(503, TimeSpan.FromDays(3))).NextAttemptAt); // capped at the longest delay
        var last = policy.Decide(first with { AttemptCount = 2 }, Result(null));
        Assert.Equal((DeliveryState.Failed, (DateTimeOffset?)null), (last.State, last.NextAttemptAt));
        Assert.Contains("all 3 attempts", last.DisableWebhook, StringComparison.Ordinal);
    }

    private static WebhookOptions Bind(Dictionary<string, string?> settings)
    {
        DurationConverter.Register();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"{WebhookOptions.Section}:{s.Key}", s.Value)))
            .Build();
        return configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>() ?? new WebhookOptions();
    }
}

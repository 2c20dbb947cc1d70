using Monitor.Core.Webhooks;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Tests.Webhooks;

/// <summary>Deliveries to receivers that close connections: each attempt must be answered the first time.</summary>
public sealed class GuardedHttpTests
{
    [Theory]
    [InlineData("1.0")] // closes after each response, without saying so
    [InlineData("1.1")] // keeps connections alive, but closes one just as the next request comes
    public async Task ReceiverThatClosesConnections_GetsEveryDeliveryOnTheFirstAttempt(string version)
    {
        await using var receiver = new ClosingReceiver(version);
        using var sender = new WebhookSender(new WebhookAddressGuard(allowPrivateNetworks: true), TimeSpan.FromSeconds(30), TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        var webhook = new Webhook("w", receiver.Url.ToString(), null, new WebhookFilter([], [], [], []), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null, null, true, null, null, now, now);

        var attempts = new List<AttemptResult>();
        for (int i = 0; i < 4; i++)
        {
            attempts.Add(await sender.SendAsync(webhook, new ClaimedDelivery($"msg_{i}", "w", "alert.firing", $"alert-{i}", "{}", 0), CancellationToken.None));
        }

        Assert.All(attempts, a => Assert.True(a.Succeeded, $"attempt failed: {a.Error}"));
        Assert.Equal(4, receiver.Answered);
        // To an HTTP/1.0 server no request goes out on a connection it answered; to the other, the two that did were sent again.
        Assert.Equal(version == "1.0" ? 0 : 2, receiver.Unanswered);
    }
}

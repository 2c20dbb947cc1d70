using Monitor.Core.Webhooks;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Server.Tests.Webhooks;

namespace Monitor.Server.Tests.Notifications;

/// <summary>
/// Notifications through the outbox to real receivers on loopback: local Slack, Teams and Telegram services that check
/// each request against the shape the service documents, a real SMTP server with STARTTLS and AUTH (aiosmtpd), and a
/// webhook endpoint checking Standard Webhooks signatures.
/// </summary>
public sealed class ChannelDeliveryTests
{
    [Fact]
    public async Task Slack_DefaultMessage_TextAndBlocksAsSlackDocumentsThem()
    {
        await using var chat = await ChatServices.StartAsync();
        await using var harness = await NotificationHarness.StartAsync(Policy(("desk-slack", new { slack = new { url = chat.SlackUrl } })));
        var notification = NotificationHarness.Notification("desk-slack", "silver-squeeze");

        await harness.Outbox.EnqueueAsync([notification]);

        var request = Assert.Single(await chat.WaitForAsync("slack", 1));
        Assert.Equal("[FIRING:2] silver-squeeze", request.Body["text"]!.GetValue<string>());
        var blocks = request.Body["blocks"]!.AsArray();
        Assert.Equal(["header", "section", "section", "context"], blocks.Select(b => b!["type"]!.GetValue<string>()));
        Assert.Contains("COMEX:SI above 80", blocks[1]!["text"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var stored = await harness.WaitForAsync(notification.Id, n => n.State == DeliveryState.Delivered, "recorded as delivered");
        Assert.Equal(200, Assert.Single(stored.Attempts).Status);
        Assert.Equal(notification.Alerts.Select(a => a.Alert.Id), stored.AlertIds);
    }

    [Fact]
    public async Task Teams_AdaptiveCardMessage_AcceptedByTheIncomingWebhook()
    {
        await using var chat = await ChatServices.StartAsync();
        await using var harness = await NotificationHarness.StartAsync(Policy(("desk-teams", new { teams = new { url = chat.TeamsUrl } })));
        var notification = NotificationHarness.Notification("desk-teams", "copper-drain", alerts: 1, NotificationStatus.Resolved);

        await harness.Outbox.EnqueueAsync([notification]);

        var request = Assert.Single(await chat.WaitForAsync("teams", 1));
        Assert.Equal(ChatServices.TeamsPath, request.Path);
        var card = request.Body["attachments"]![0]!["content"]!;
        Assert.Equal("[RESOLVED:1] copper-drain", card["body"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("Good", card["body"]![0]!["color"]!.GetValue<string>());
        Assert.Equal(202, Assert.Single((await harness.WaitForAsync(notification.Id, n => n.State == DeliveryState.Delivered, "delivered")).Attempts).Status);
    }

    [Fact]
    public async Task Telegram_SendMessage_ChatIdAndTextThroughTheConfiguredApiBase()
    {
        await using var chat = await ChatServices.StartAsync();
        await using var harness = await NotificationHarness.StartAsync(Policy(
            ("desk-telegram", new { telegram = new { botToken = ChatServices.BotToken, chatId = "-100123", apiBase = chat.BaseAddress.ToString() } })));
        var notification = NotificationHarness.Notification("desk-telegram", "gold-ratio");

        await harness.Outbox.EnqueueAsync([notification]);

        var request = Assert.Single(await chat.WaitForAsync("telegram", 1));
        Assert.Equal($"/bot{ChatServices.BotToken}/sendMessage", request.Path);
        Assert.Equal(-100123, request.Body["chat_id"]!.GetValue<long>());
        Assert.StartsWith("[FIRING:2] gold-ratio\n\n- [warning] firing: gold-ratio name", request.Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        await harness.WaitForAsync(notification.Id, n => n.State == DeliveryState.Delivered, "delivered");
    }

    [Fact]
    public async Task Email_StartTlsAndLogin_OneMessagePerNotificationWithTextAndHtml()
    {
        await using var smtp = await SmtpServer.StartAsync();
        await using var harness = await NotificationHarness.StartAsync(Policy(("ops-mail", Email(smtp, SmtpServer.Password))));
        var first = NotificationHarness.Notification("ops-mail", "silver-squeeze");
        var second = NotificationHarness.Notification("ops-mail", "copper-drain", alerts: 1);

        await harness.Outbox.EnqueueAsync([first, second]);

        var messages = await smtp.WaitForAsync(2);
        await harness.WaitForAsync(second.Id, n => n.State == DeliveryState.Delivered, "second delivered");
        var message = Assert.Single(messages, m => m.MessageId == $"{first.Id}@monitor");
        Assert.Equal("[FIRING:2] silver-squeeze", message.Subject);
        Assert.Equal(["ops@example.com", "desk@example.com"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("monitor@example.com", message.From.Mailboxes.Single().Address);
        Assert.Contains("silver-squeeze name: COMEX:SI above 80", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("<td>silver-squeeze name</td>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Equal(250, Assert.Single((await harness.Store.Notifications.GetAsync(first.Id))!.Attempts).Status);
        Assert.Equal(2, smtp.Messages.Count);
    }

    [Fact]
    public async Task Webhook_ById_SignedStandardWebhooksDeliveryWithTheNotificationsId()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        string placeholder = Guid.NewGuid().ToString();
        await using var harness = await NotificationHarness.StartAsync(Policy(("risk-hook", new { webhook = new { id = placeholder } })));
        var webhook = await harness.Store.Webhooks.CreateAsync(
            new WebhookRequest(receiver.Url, null, new WebhookFilter([], [], [], WebhookEvents.Default), Server.Webhooks.WebhookSecret.Generate()), DateTimeOffset.UtcNow);
        harness.Policy.Current = NotificationHarness.Read(Policy(("risk-hook", new { webhook = new { id = webhook.Id } })));
        var notification = NotificationHarness.Notification("risk-hook", "silver-squeeze");

        await harness.Outbox.EnqueueAsync([notification]);

        var received = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal(notification.Id, received.Id);
        Assert.True(StandardWebhooksVerifier.Verify(webhook.Secret, received));
        var body = JsonNode.Parse(received.Body)!;
        Assert.Equal("notification.firing", body["type"]!.GetValue<string>());
        Assert.Equal(2, body["data"]!["notification"]!["alerts"]!.AsArray().Count);
    }

    [Fact]
    public async Task Template_ReplacesTheDefaultMessage()
    {
        await using var chat = await ChatServices.StartAsync();
        string policy = Policy(
            ("desk-slack", new { slack = new { url = chat.SlackUrl } }),
            templates: new { desk_slack = "{{ notification.status | upcase }} {{ alert.ruleName }}: {% for a in alerts %}{{ a.instruments | join: '/' }};{% endfor %}" });
        await using var harness = await NotificationHarness.StartAsync(policy);

        await harness.Outbox.EnqueueAsync([NotificationHarness.Notification("desk-slack", "silver-squeeze")]);

        var request = Assert.Single(await chat.WaitForAsync("slack", 1));
        Assert.Equal("FIRING silver-squeeze name: COMEX:SI;ETF:SLV;", request.Body["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task RefusedLoginRejectedTokenAndUnknownSlackUrl_EachNamedInTheLog_OthersDeliveredAndNoSecretLogged()
    {
        await using var chat = await ChatServices.StartAsync();
        await using var smtp = await SmtpServer.StartAsync();
        const string wrongToken = "999999:wrong-token-Zz";
        const string wrongPassword = "wrong-pass-41d2";
        string unknownSlack = new Uri(chat.BaseAddress, "/services/T000/B000/GONE-5e1").ToString();
        await using var harness = await NotificationHarness.StartAsync(Policy(
            ("good-slack", new { slack = new { url = chat.SlackUrl } }),
            ("gone-slack", new { slack = new { url = unknownSlack } }),
            ("bad-telegram", new { telegram = new { botToken = wrongToken, chatId = "42", apiBase = chat.BaseAddress.ToString() } }),
            ("bad-mail", Email(smtp, wrongPassword))));
        var good = NotificationHarness.Notification("good-slack", "r1");
        var gone = NotificationHarness.Notification("gone-slack", "r1");
        var telegram = NotificationHarness.Notification("bad-telegram", "r1");
        var mail = NotificationHarness.Notification("bad-mail", "r1");

        await harness.Outbox.EnqueueAsync([good, gone, telegram, mail]);

        await harness.WaitForAsync(good.Id, n => n.State == DeliveryState.Delivered, "the good receiver still delivered");
        string goneError = Failure(await harness.WaitForAsync(gone.Id, n => n.State == DeliveryState.Failed, "unknown Slack URL failed"));
        string tokenError = Failure(await harness.WaitForAsync(telegram.Id, n => n.State == DeliveryState.Failed, "rejected token failed"));
        string loginError = Failure(await harness.WaitForAsync(mail.Id, n => n.State == DeliveryState.Failed, "refused login failed"));
        Assert.Contains("HTTP 404", goneError, StringComparison.Ordinal);
        Assert.Contains("no_service", goneError, StringComparison.Ordinal);
        Assert.Contains("the incoming webhook URL is wrong or was removed", goneError, StringComparison.Ordinal);
        Assert.Contains("Telegram bot 999999", tokenError, StringComparison.Ordinal);
        Assert.Contains("rejected the bot token", tokenError, StringComparison.Ordinal);
        Assert.Contains($"refused the login of user '{SmtpServer.User}'", loginError, StringComparison.Ordinal);
        Assert.Empty(smtp.Messages);
        var logged = string.Join("\n", harness.Logs.Lines);
        Assert.Contains(telegram.Id, logged, StringComparison.Ordinal);
        foreach (string secret in (string[])[wrongToken, "wrong-token-Zz", wrongPassword, "GONE-5e1", "XXXX"])
        {
            Assert.DoesNotContain(secret, logged, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, goneError + tokenError + loginError, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FailingReceiver_RetriedOnTheScheduleOnFakeTime_SameNotificationUntilDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (_, n) => Task.FromResult(n < 3 ? Microsoft.AspNetCore.Http.Results.StatusCode(503) : Microsoft.AspNetCore.Http.Results.Ok());
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await using var harness = await NotificationHarness.StartAsync(
            Policy(("flaky-teams", new { teams = new { url = receiver.Url } })), clock, retrySchedule: "0s,30s,10m,1h");
        var notification = NotificationHarness.Notification("flaky-teams", "r1");

        await harness.Outbox.EnqueueAsync([notification]);
        var start = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var afterFirst = await harness.WaitForAsync(notification.Id, n => n.Attempts.Count == 1, "first attempt");
        await harness.WaitForSleepUntilAsync(afterFirst.NextAttemptAt);
        clock.Advance(afterFirst.NextAttemptAt - clock.GetUtcNow());
        var afterSecond = await harness.WaitForAsync(notification.Id, n => n.Attempts.Count == 2, "second attempt");
        await harness.WaitForSleepUntilAsync(afterSecond.NextAttemptAt);
        clock.Advance(afterSecond.NextAttemptAt - clock.GetUtcNow());
        var delivered = await harness.WaitForAsync(notification.Id, n => n.State == DeliveryState.Delivered, "delivered on the third attempt");

        // Each retry is due the schedule's delay (jitter fixed at none) after its attempt ended; an attempt lasts wall time.
        var attempts = delivered.Attempts;
        Assert.InRange((afterFirst.NextAttemptAt - (attempts[0].At + TimeSpan.FromMilliseconds(attempts[0].DurationMs) + TimeSpan.FromSeconds(30))).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
        Assert.InRange((afterSecond.NextAttemptAt - (attempts[1].At + TimeSpan.FromMilliseconds(attempts[1].DurationMs) + TimeSpan.FromMinutes(10))).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
        Assert.Equal([start, afterFirst.NextAttemptAt, afterSecond.NextAttemptAt], delivered.Attempts.Select(a => a.At));
        Assert.Equal([503, 503, 200], delivered.Attempts.Select(a => a.Status));
        Assert.Equal(3, receiver.Received.Count);
    }

    [Fact]
    public async Task ReceiverRemovedFromThePolicy_PendingNotificationFailsSayingSo()
    {
        await using var chat = await ChatServices.StartAsync();
        await using var harness = await NotificationHarness.StartAsync(Policy(("desk-slack", new { slack = new { url = chat.SlackUrl } })));
        await harness.Dispatcher.StopAsync(CancellationToken.None);
        var notification = NotificationHarness.Notification("desk-slack", "r1");
        await harness.Outbox.EnqueueAsync([notification]);
        harness.Policy.Current = NotificationHarness.Read(Policy(("other", new { slack = new { url = chat.SlackUrl } })));

        await harness.Dispatcher.StartAsync(CancellationToken.None);

        var failed = await harness.WaitForAsync(notification.Id, n => n.State == DeliveryState.Failed, "failed");
        Assert.Contains("receiver desk-slack is not in the policy in force", Failure(failed), StringComparison.Ordinal);
        Assert.Empty(chat.Accepted);
    }

    private static string Failure(StoredNotification notification) => notification.Attempts[^1].Error ?? "";

    private static object Email(SmtpServer smtp, string password) => new
    {
        email = new
        {
            to = new[] { "ops@example.com", "desk@example.com" },
            from = "monitor@example.com",
            smtp = new { host = SmtpServer.Host, port = smtp.Port, startTls = true, username = SmtpServer.User, password, caCertificate = smtp.CertificatePem },
        },
    };

    /// <summary>A policy whose root route sends to the first receiver; template keys are written with '_' for '-'.</summary>
    internal static string Policy(params (string Name, object Kind)[] receivers) => Policy(receivers, null);

    internal static string Policy((string Name, object Kind) receiver, object templates) => Policy([receiver], templates);

    private static string Policy((string Name, object Kind)[] receivers, object? templates)
    {
        var list = new JsonArray();
        foreach (var (name, kind) in receivers)
        {
            var receiver = JsonSerializer.SerializeToNode(kind)!.AsObject();
            receiver.Insert(0, "name", name);
            list.Add(receiver);
        }

        var policy = new JsonObject { ["receivers"] = list, ["route"] = new JsonObject { ["receiver"] = receivers[0].Name } };
        if (templates is not null)
        {
            var map = new JsonObject();
            foreach (var property in JsonSerializer.SerializeToNode(templates)!.AsObject())
            {
                map[property.Key.Replace('_', '-')] = property.Value!.DeepClone();
            }

            policy["templates"] = map;
        }

        return policy.ToJsonString();
    }
}

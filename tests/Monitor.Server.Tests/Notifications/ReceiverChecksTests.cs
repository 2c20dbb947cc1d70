using System.Text.Json;
using Monitor.Core.Notifications;
using Monitor.Notifications;

namespace Monitor.Server.Tests.Notifications;

/// <summary>What applying a policy checks of its receivers and templates, and how secrets are kept out of what is returned.</summary>
public sealed class ReceiverChecksTests
{
    [Fact]
    public void BadSettings_EachProblemAtItsPath()
    {
        var policy = NotificationHarness.Read("""
            {"receivers":[
              {"name":"s","slack":{"url":"ftp://hooks.example.com/x","channel":"#desk"}},
              {"name":"m","email":{"to":["ops@example.com","not an address"],"from":"monitor@example.com",
                 "smtp":{"host":"smtp.example.com","port":70000,"username":"u"}}},
              {"name":"t","telegram":{"botToken":"no-colon","chatId":"desk"}},
              {"name":"w","webhook":{}}],
             "route":{"receiver":"s"}}
            """);

        var problems = ReceiverChecks.All.SelectMany(c => c.Check(policy)).Select(p => p.ToString()).ToList();

        Assert.Equal(
            [
                "error: receivers[0].slack.url: must be an absolute http or https URL",
                "error: receivers[0].slack.channel: is not a setting of this receiver kind (known: sendResolved, url)",
                "error: receivers[1].email.to[1]: \"not an address\" is not an email address",
                "error: receivers[1].email.smtp.port: must be a port number from 1 to 65535 (587 for STARTTLS, 465 for TLS)",
                "error: receivers[1].email.smtp: 'username' and 'password' go together: give both to authenticate, or neither",
                "error: receivers[2].telegram.botToken: is not a bot token: the Bot API's tokens read <bot id>:<secret>, as BotFather gives them",
                "error: receivers[2].telegram.chatId: must be the chat's numeric id (-100... for a group or channel) or a channel's @username",
                "error: receivers[3].webhook.id: is required",
            ],
            problems);
    }

    [Theory]
    [InlineData("{{ alert.ruleName ", "the template of receiver 'desk' does not parse")]
    [InlineData("{{ alert.rulename }}", "the template of receiver 'desk' cannot render a firing notification: Undefined variable 'rulename'")]
    [InlineData("{% for a in alerts %}{{ a.nope }}{% endfor %}", "Undefined variable 'nope'")]
    [InlineData("{{ alert.message | shout }}", "Undefined filter 'shout'")]
    public void BadTemplate_ErrorNamingTheReceiver(string template, string expected)
    {
        var policy = NotificationHarness.Read(Policy(template));

        var problem = Assert.Single(new TemplateCheck().Check(policy));

        Assert.Equal("templates.desk", problem.Path);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_EveryDocumentedFieldReads()
    {
        const string template = """
            {{ notification.id }} {{ notification.receiver }} {{ notification.status }} {{ notification.reason }} {{ notification.groupKey }}
            {{ notification.groupLabels.ruleId }} {{ notification.at | date: '%Y-%m-%d' }} {{ notification.firing }} {{ notification.resolved }}
            {% for a in alerts %}{{ a.id }} {{ a.ruleId }} {{ a.ruleName }} {{ a.type }} {{ a.severity }} {{ a.instruments | join: ',' }} {{ a.state }}
            {{ a.direction }} {{ a.startedAt }} {{ a.firedAt }} {{ a.resolvedAt }} {{ a.message }} {{ a.values.priceChangePct | round: 1 }}
            {{ a.acknowledgedBy }} {{ a.acknowledgedAt }} {{ a.silenced }}{% endfor %}{{ alert.message }}
            """;

        Assert.Empty(new TemplateCheck().Check(NotificationHarness.Read(Policy(template))));
        string rendered = NotificationTemplates.Render(template, NotificationHarness.Notification("desk", "silver-squeeze"));
        Assert.Contains("silver-squeeze name", rendered, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_ThenKeepSecrets_SecretsHiddenAndRestoredByReceiverName()
    {
        var secrets = new ReceiverSecretMask();
        var stored = JsonDocument.Parse("""
            {"receivers":[{"name":"s","slack":{"url":"https://hooks.slack.com/services/T/B/SECRET1"}},
              {"name":"m","email":{"to":["a@example.com"],"from":"b@example.com","smtp":{"host":"h","username":"u","password":"SECRET2"}}},
              {"name":"t","telegram":{"botToken":"1:SECRET3","chatId":"1"}},{"name":"w","webhook":{"id":"x"}}],"route":{"receiver":"s"}}
            """).RootElement;

        var masked = secrets.Mask(stored);
        var kept = secrets.KeepSecrets(stored, masked);
        var renamed = secrets.KeepSecrets(stored, JsonDocument.Parse(masked.GetRawText().Replace("\"name\":\"t\"", "\"name\":\"t2\"", StringComparison.Ordinal)).RootElement);

        Assert.DoesNotContain("SECRET", masked.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(3, masked.GetRawText().Split(ReceiverSecretMask.Masked).Length - 1);
        Assert.Equal(stored.GetRawText().Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal), kept.GetRawText());
        Assert.DoesNotContain("SECRET3", renamed.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("SECRET1", renamed.GetRawText(), StringComparison.Ordinal);
    }

    private static string Policy(string template) => JsonSerializer.Serialize(new
    {
        receivers = new[] { new { name = "desk" } },
        route = new { receiver = "desk" },
        templates = new Dictionary<string, string> { ["desk"] = template },
    });
}

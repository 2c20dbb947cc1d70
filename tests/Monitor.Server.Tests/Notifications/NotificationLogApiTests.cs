using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Core.Ports;

namespace Monitor.Server.Tests.Notifications;

/// <summary>
/// <c>/api/v1/notifications/log</c>: the outbox listed with every attempt, filtered by receiver and time, one read by
/// id, and one sent again (same id, a new attempt) through the server's dispatcher to a local Slack and Teams.
/// </summary>
public sealed class NotificationLogApiTests : IAsyncLifetime, IDisposable
{
    private readonly MonitorServerFactory _server = new(new() { ["Monitor:Webhooks:AllowPrivateNetworks"] = "true" });
    private ChatServices _chat = null!;

    public async Task InitializeAsync() => _chat = await ChatServices.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _chat.DisposeAsync();
    }

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task ListedByReceiverAndTime_ReadById_ResentWithTheSameIdAndANewAttempt()
    {
        var admin = _server.CreateClient(MonitorServerFactory.AdminKey);
        await (await admin.PutAsync("/api/v1/notifications", new StringContent($$$"""
            {"receivers":[{"name":"desk-slack","slack":{"url":"{{{_chat.SlackUrl}}}"}},{"name":"desk-teams","teams":{"url":"{{{_chat.TeamsUrl}}}"}}],
             "route":{"receiver":"desk-slack"}}
            """, Encoding.UTF8, "application/json"))).OkJsonAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var slack = NotificationHarness.Notification("desk-slack", "silver-squeeze");
        var teams = NotificationHarness.Notification("desk-teams", "copper-drain", alerts: 1);

        await _server.Services.GetRequiredService<INotificationOutbox>().EnqueueAsync([slack, teams]);

        await Eventually.GetAsync(
            async () => (await admin.GetJsonAsync("/api/v1/notifications/log")).AsArray(),
            log => log.Count == 2 && log.All(n => n!["state"]!.GetValue<string>() == "delivered"),
            TimeSpan.FromSeconds(30),
            "both delivered");
        var listed = Assert.Single((await admin.GetJsonAsync("/api/v1/notifications/log?receiver=desk-slack")).AsArray())!;
        Assert.Equal(slack.Id, listed["id"]!.GetValue<string>());
        Assert.Equal("slack", listed["kind"]!.GetValue<string>());
        Assert.Equal("firing", listed["status"]!.GetValue<string>());
        Assert.Equal(slack.GroupKey, listed["group"]!.GetValue<string>());
        Assert.Equal(slack.Alerts.Select(a => a.Alert.Id), listed["alerts"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(200, Assert.Single(listed["attempts"]!.AsArray())!["status"]!.GetValue<int>());
        Assert.Equal(2, (await admin.GetJsonAsync($"/api/v1/notifications/log?from={Uri.EscapeDataString(before.ToString("O"))}")).AsArray().Count);
        Assert.Empty((await admin.GetJsonAsync($"/api/v1/notifications/log?to={Uri.EscapeDataString(before.ToString("O"))}")).AsArray());
        Assert.Equal(teams.Id, (await admin.GetJsonAsync($"/api/v1/notifications/log/{teams.Id}"))["id"]!.GetValue<string>());

        var resent = await admin.PostAsync($"/api/v1/notifications/log/{slack.Id}/resend", null);

        Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode);
        Assert.Equal("pending", (await resent.JsonAsync())["state"]!.GetValue<string>());
        var requests = await _chat.WaitForAsync("slack", 2);
        Assert.Equal(requests[0].Body.ToJsonString(), requests[1].Body.ToJsonString());
        var again = await Eventually.GetAsync(
            () => admin.GetJsonAsync($"/api/v1/notifications/log/{slack.Id}"),
            n => n["state"]!.GetValue<string>() == "delivered" && n["attempts"]!.AsArray().Count == 2,
            TimeSpan.FromSeconds(30),
            "the resent notification delivered again");
        Assert.All(again["attempts"]!.AsArray(), a => Assert.Equal(200, a!["status"]!.GetValue<int>()));
        Assert.Single(_chat.Accepted, r => r.Service == "teams");
    }

    [Fact]
    public async Task UnknownIdAndBadQuery_404And400NamingTheProblem()
    {
        var admin = _server.CreateClient(MonitorServerFactory.AdminKey);

        await (await admin.PostAsync("/api/v1/notifications/log/ntf_nothing/resend", null)).AssertProblemAsync(404, "no notification 'ntf_nothing'");
        await (await admin.GetAsync("/api/v1/notifications/log/ntf_nothing")).AssertProblemAsync(404, "GET /api/v1/notifications/log lists them");
        await (await admin.GetAsync("/api/v1/notifications/log?limit=0")).AssertProblemAsync(400, "'limit' must be from 1");
        await (await admin.GetAsync("/api/v1/notifications/log?from=yesterday")).AssertProblemAsync(400, "from");
    }
}

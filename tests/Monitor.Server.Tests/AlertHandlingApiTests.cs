using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Server.Tests;

/// <summary>
/// Assigning, shelving and commenting on alerts, and acknowledging or shelving a notification group as a whole, over
/// the real store: SQLite on the shared server, PostgreSQL in <see cref="AlertHandlingPostgresTests"/>.
/// </summary>
public abstract class AlertHandlingScenarios
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-16T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    protected abstract MonitorServerFactory Server { get; }

    [Fact]
    public async Task AssignShelveComment_AreShownOnTheAlertAndKeptInItsHistoryWithNameAndKey()
    {
        var alert = await RecordFiringAsync(NewRuleId(), "ETF:SLV");
        var reader = Server.CreateClient(MonitorServerFactory.ReadKey);
        var admin = Server.CreateClient(MonitorServerFactory.AdminKey);
        var until = DateTimeOffset.UtcNow.AddHours(2);

        var assigned = await (await reader.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/assign", new { by = "Dana", assignee = "Lee" })).OkJsonAsync();
        var shelved = await (await reader.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/shelve", new { by = "Dana", until, comment = "waiting for the LME report" })).OkJsonAsync();
        var commented = await reader.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/comments", new { by = "Lee", text = "SLV outflow confirmed\nby the trust's page" });
        await (await admin.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/ack", new { by = "Lee" })).OkJsonAsync();
        await (await admin.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/assign", new { by = "Lee", assignee = (string?)null })).OkJsonAsync();

        Assert.Equal("Lee", assigned["assignment"]!["assignee"]!.GetValue<string>());
        Assert.Equal("reader", assigned["assignment"]!["byKey"]!.GetValue<string>());
        Assert.Equal(until.ToUnixTimeMilliseconds(), shelved["shelf"]!["until"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds());
        Assert.Equal(HttpStatusCode.Created, commented.StatusCode);
        Assert.Equal(1, (await commented.JsonAsync())["commentCount"]!.GetValue<int>());

        var one = await reader.GetJsonAsync($"/api/v1/alerts/{alert.Id}");
        Assert.Null(one["assignment"]);
        Assert.Equal("Dana", one["shelf"]!["by"]!.GetValue<string>());
        var activity = one["activity"]!.AsArray();
        Assert.Equal(["assigned", "shelved", "comment", "acknowledged", "unassigned"], activity.Select(a => a!["kind"]!.GetValue<string>()));
        Assert.Equal(["reader", "reader", "reader", "ops", "ops"], activity.Select(a => a!["byKey"]!.GetValue<string>()));
        Assert.Equal("SLV outflow confirmed\nby the trust's page", activity[2]!["text"]!.GetValue<string>());
        Assert.Equal("waiting for the LME report", activity[1]!["text"]!.GetValue<string>());

        var listed = Assert.Single((await reader.GetJsonAsync($"/api/v1/alerts?ruleId={alert.RuleId}")).AsArray())!;
        Assert.Equal(1, listed["commentCount"]!.GetValue<int>());
        Assert.NotNull(listed["shelf"]);
        Assert.Null(listed["activity"]);

        var unshelved = await (await reader.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/unshelve", new { by = "Dana" })).OkJsonAsync();
        Assert.Null(unshelved["shelf"]);
        Assert.Equal("unshelved", unshelved["activity"]!.AsArray()[^1]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task WorkingOnAlerts_NeedsAKeyWithTheReadRole()
    {
        var alert = await RecordFiringAsync(NewRuleId(), "COMEX:SI");
        string[] routes = ["assign", "shelve", "unshelve", "comments", "ack"];
        object body = new { by = "Head of Risk", assignee = "x", until = DateTimeOffset.UtcNow.AddHours(1), text = "x" };

        foreach (string route in routes)
        {
            await (await Server.CreateClient((string?)null).PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/{route}", body)).AssertProblemAsync(401, "API key");
            await (await Server.CreateClient("not-a-key").PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/{route}", body)).AssertProblemAsync(401, "not valid");
        }

        await (await Server.CreateClient((string?)null).PostAsJsonAsync("/api/v1/notifications/groups/grp_0/ack", body)).AssertProblemAsync(401, "API key");
        var view = await Server.CreateClient((string?)null).GetJsonAsync($"/api/v1/alerts/{alert.Id}");
        Assert.Null(view["assignment"]);
        Assert.Null(view["acknowledgedBy"]);
        Assert.Equal(0, view["commentCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task BadInput_Is400NamingTheFieldAndChangesNothing()
    {
        var alert = await RecordFiringAsync(NewRuleId(), "COMEX:GC");
        var reader = Server.CreateClient(MonitorServerFactory.ReadKey);
        string path = $"/api/v1/alerts/{alert.Id}";
        var now = DateTimeOffset.UtcNow;

        await (await reader.PostAsJsonAsync($"{path}/assign", new { assignee = "Lee" })).AssertProblemAsync(400, "'by' is required");
        await (await reader.PostAsJsonAsync($"{path}/assign", new { by = new string('x', 101), assignee = "Lee" })).AssertProblemAsync(400, "at most 100");
        await (await reader.PostAsJsonAsync($"{path}/assign", new { by = "Dana", assignee = "Lee\u0000Admin" })).AssertProblemAsync(400, "control characters");
        await (await reader.PostAsJsonAsync($"{path}/shelve", new { by = "Dana" })).AssertProblemAsync(400, "'until' is required");
        await (await reader.PostAsJsonAsync($"{path}/shelve", new { by = "Dana", until = now.AddMinutes(-1) })).AssertProblemAsync(400, "after now");
        await (await reader.PostAsJsonAsync($"{path}/shelve", new { by = "Dana", until = now.AddDays(8) })).AssertProblemAsync(400, "at most 7 days");
        await (await reader.PostAsJsonAsync($"{path}/comments", new { by = "Dana", text = "  " })).AssertProblemAsync(400, "'text' is required");
        await (await reader.PostAsJsonAsync($"{path}/comments", new { by = "Dana", text = new string('x', 2001) })).AssertProblemAsync(400, "at most 2000");
        await (await reader.PostAsync($"{path}/comments", new StringContent("{\"by\":\"Dana\",\"text\":", Encoding.UTF8, "application/json"))).AssertProblemAsync(400, "");
        await (await reader.PostAsJsonAsync("/api/v1/alerts/no-such-alert/comments", new { by = "Dana", text = "hello" })).AssertProblemAsync(404, "no-such-alert");
        await (await reader.PostAsJsonAsync("/api/v1/notifications/groups/grp_0000/shelve", new { by = "Dana", until = now.AddHours(1) })).AssertProblemAsync(404, "grp_0000");

        var view = await reader.GetJsonAsync(path);
        Assert.Empty(view["activity"]!.AsArray());
        Assert.Null(view["shelf"]);
    }

    [Fact]
    public async Task Comments_BeyondTheLimit_Are409()
    {
        var alert = await RecordFiringAsync(NewRuleId(), "NYMEX:PL");
        var store = Server.Services.GetRequiredService<IAlertStore>();
        for (int i = 0; i < Api.AlertHandlingApi.MaxComments; i++)
        {
            await store.RecordActivityAsync(alert.Id, new AlertActivity(AlertActivityKind.Comment, Start.AddSeconds(i), "bot", "reader", $"note {i}"));
        }

        var response = await Server.CreateClient(MonitorServerFactory.ReadKey).PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/comments", new { by = "Dana", text = "one more" });

        await response.AssertProblemAsync(409, $"{Api.AlertHandlingApi.MaxComments} comments");
    }

    [Fact]
    public async Task Group_AsThePolicyFormsIt_IsAcknowledgedAndShelvedAsAWhole()
    {
        string ruleId = NewRuleId();
        var admin = Server.CreateClient(MonitorServerFactory.AdminKey);
        var reader = Server.CreateClient(MonitorServerFactory.ReadKey);
        var policy = await admin.PutAsync("/api/v1/notifications", new StringContent($$$"""
            {"receivers":[{"name":"desk","slack":{"url":"https://hooks.example.invalid/services/T0/B0/x"}}],
             "route":{"receiver":"desk","groupBy":["ruleId"],"groupWait":"0s","routes":[{"matchers":["ruleId={{{ruleId}}}"],"groupBy":["ruleId"]}]}}
            """, Encoding.UTF8, "application/json"));
        await policy.OkJsonAsync();
        try
        {
            var first = await RecordFiringAsync(ruleId, "COMEX:SI");
            var second = await RecordFiringAsync(ruleId, "ETF:SLV");
            var group = await Eventually.GetAsync(
                async () => (await reader.GetJsonAsync("/api/v1/notifications/groups")).AsArray().FirstOrDefault(g => g!["labels"]!["ruleId"]?.GetValue<string>() == ruleId),
                g => g?["members"]!.AsArray().Count == 2,
                TimeSpan.FromSeconds(30),
                "the policy runner groups both alerts");
            string id = group!["id"]!.GetValue<string>();
            Assert.StartsWith("grp_", id, StringComparison.Ordinal);
            // Both started together: by id.
            Assert.Equal(new[] { first.Id, second.Id }.Order(StringComparer.Ordinal), group["members"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));

            var acked = await (await reader.PostAsJsonAsync($"/api/v1/notifications/groups/{id}/ack", new { by = "Dana", comment = "on it" })).OkJsonAsync();
            Assert.All(acked["members"]!.AsArray(), m => Assert.Equal("Dana", m!["acknowledgedBy"]!.GetValue<string>()));
            Assert.All(acked["members"]!.AsArray(), m => Assert.Equal("reader", m!["acknowledgedByKey"]!.GetValue<string>()));

            var until = DateTimeOffset.UtcNow.AddHours(1);
            var shelved = await (await reader.PostAsJsonAsync($"/api/v1/notifications/groups/{id}/shelve", new { by = "Dana", until })).OkJsonAsync();
            Assert.All(shelved["members"]!.AsArray(), m => Assert.Equal("Dana", m!["shelf"]!["by"]!.GetValue<string>()));
            var history = (await reader.GetJsonAsync($"/api/v1/alerts/{first.Id}"))["activity"]!.AsArray();
            Assert.Equal(["acknowledged", "shelved"], history.Select(a => a!["kind"]!.GetValue<string>()));

            var unshelved = await (await reader.PostAsJsonAsync($"/api/v1/notifications/groups/{id}/unshelve", new { by = "Dana" })).OkJsonAsync();
            Assert.All(unshelved["members"]!.AsArray(), m => Assert.Null(m!["shelf"]));
        }
        finally
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v1/notifications")).StatusCode);
        }
    }

    private static string NewRuleId() => "handling-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Records a pending-then-firing episode, as a rule grain would.</summary>
    private async Task<Alert> RecordFiringAsync(string ruleId, string instrument)
    {
        var pending = new Alert(
            AlertId.Create(ruleId, [instrument], Start), ruleId, "Silver up while SLV drains", RuleType.PriceFlowDivergence, AlertSeverity.Warning,
            [instrument], AlertState.Pending, "bearish", Start, null, null, $"{instrument} +21.4% over 15d", new Dictionary<string, double> { ["priceChangePct"] = 21.4 });
        var firing = pending with { State = AlertState.Firing, FiredAt = Start.AddDays(1) };
        await Server.Services.GetRequiredService<IAlertStore>().AppendTransitionsAsync([
            new AlertTransition(null, AlertState.Pending, Start, pending),
            new AlertTransition(AlertState.Pending, AlertState.Firing, Start.AddDays(1), firing)]);
        return firing;
    }
}

[Collection(ServerCollection.Name)]
public sealed class AlertHandlingApiTests(MonitorServerFactory server) : AlertHandlingScenarios
{
    protected override MonitorServerFactory Server => server;
}

/// <summary>The same on PostgreSQL: one database and server for the class.</summary>
public sealed class AlertHandlingPostgresTests(AlertHandlingPostgresTests.PostgresServer fixture) : AlertHandlingScenarios, IClassFixture<AlertHandlingPostgresTests.PostgresServer>
{
    protected override MonitorServerFactory Server => fixture.Server;

    public sealed class PostgresServer : IAsyncLifetime
    {
        private string _database = "";

        public MonitorServerFactory Server { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _database = await TestPostgres.CreateDatabaseAsync("monitor_handling");
            Server = new MonitorServerFactory(new Dictionary<string, string>
            {
                ["Monitor:Storage:Provider"] = "postgres",
                ["ConnectionStrings:Monitor"] = _database,
            });
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(_database);
        }
    }
}

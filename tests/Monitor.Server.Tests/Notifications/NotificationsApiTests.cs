using System.Net;
using System.Text;

namespace Monitor.Server.Tests.Notifications;

/// <summary><c>/api/v1/notifications</c> on the shared server. A policy changes where every alert goes, so a test that
/// applies one removes it before it ends (tests of one collection run one at a time).</summary>
[Collection(ServerCollection.Name)]
public sealed class NotificationsApiTests(MonitorServerFactory server)
{
    private const string Valid = """
        {"receivers":[{"name":"desk"},{"name":"ops","sendResolved":false}],
         "route":{"receiver":"desk","groupBy":["ruleId"],"routes":[{"matchers":["severity=critical"],"receiver":"ops"},{"matchers":["labelNoRuleHas=precious"]}]}}
        """;

    private readonly HttpClient _admin = server.CreateClient(MonitorServerFactory.AdminKey);

    [Fact]
    public async Task PutGetDelete_AppliesThePolicyWithItsWarningsThenRemovesIt()
    {
        try
        {
            var applied = await (await _admin.PutAsync("/api/v1/notifications", Json(Valid))).OkJsonAsync();

            Assert.True(applied["applied"]!.GetValue<bool>());
            var warning = Assert.Single(applied["warnings"]!.AsArray())!;
            Assert.Equal("route.routes[1].matchers[0]", warning["path"]!.GetValue<string>());
            var stored = await _admin.GetJsonAsync("/api/v1/notifications");
            Assert.Equal("ops", stored["route"]!["routes"]![0]!["receiver"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.OK, (await server.CreateClient(MonitorServerFactory.ReadKey).GetAsync("/api/v1/notifications/groups")).StatusCode);
        }
        finally
        {
            Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/api/v1/notifications")).StatusCode);
        }

        await (await _admin.GetAsync("/api/v1/notifications")).AssertProblemAsync(404, "No notification policy is in force");
    }

    [Fact]
    public async Task BadPolicy_Is400NamingEveryProblemByPathAndChangesNothing()
    {
        var response = await _admin.PutAsync("/api/v1/notifications", Json("""
            {"receivers":[{"name":"desk"}],"route":{"receiver":"nobody","routes":[{"matchers":["severity=critical"],"muteTimeIntervals":["weekends"]}]},
             "timeIntervals":[{"name":"weekends","weekdays":["saturday","sunday"],"timeZone":"Europe/Atlantis"}]}
            """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.JsonAsync();
        var errors = problem["errors"]!.AsObject();
        Assert.Contains("route.receiver", errors.Select(e => e.Key));
        Assert.Contains("timeIntervals[0].timeZone", errors.Select(e => e.Key));
        Assert.Contains("Europe/Atlantis", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await (await _admin.GetAsync("/api/v1/notifications")).AssertProblemAsync(404, "No notification policy");
    }

    [Fact]
    public async Task DryRun_ChecksWithoutApplying()
    {
        var checkedOnly = await (await _admin.PutAsync("/api/v1/notifications?dryRun=true", Json(Valid))).OkJsonAsync();

        Assert.False(checkedOnly["applied"]!.GetValue<bool>());
        await (await _admin.GetAsync("/api/v1/notifications")).AssertProblemAsync(404, "No notification policy");
    }

    [Fact]
    public async Task MatcherOnAStoredRulesLabel_NoWarning_OnALabelNoRuleHas_AWarning()
    {
        string label = "book" + Guid.NewGuid().ToString("N")[..8];
        (await _admin.PostJsonAsync("/api/v1/rules", $$$"""
            {"id":"{{{label}}}-rule","type":"threshold","labels":{"{{{label}}}":"metals"},"params":{"input":"COMEX:SI","op":"above","value":1000}}
            """)).EnsureSuccessStatusCode();

        var checkedOnly = await (await _admin.PutAsync("/api/v1/notifications?dryRun=true", Json($$$"""
            {"receivers":[{"name":"desk"}],"route":{"receiver":"desk","groupBy":["{{{label}}}"],
             "routes":[{"matchers":["{{{label}}}=metals"]},{"matchers":["{{{label}}}x=metals"]}]}}
            """))).OkJsonAsync();

        var warning = Assert.Single(checkedOnly["warnings"]!.AsArray())!;
        Assert.Equal("route.routes[1].matchers[0]", warning["path"]!.GetValue<string>());
        Assert.Contains($"no rule has the label '{label}x'", warning["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadKey_CannotChangeThePolicy()
    {
        var response = await server.CreateClient(MonitorServerFactory.ReadKey).PutAsync("/api/v1/notifications", Json(Valid));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}

using System.Net;
using System.Text.Json.Nodes;

namespace Monitor.Server.Tests.Webhooks;

/// <summary><c>/api/v1/webhooks</c> on the shared server, whose SSRF guard is on (the default). Targets are public IP
/// literals, so nothing needs DNS; nothing is sent to them (no alert matches their rule ids).</summary>
[Collection(ServerCollection.Name)]
public sealed class WebhooksApiTests(MonitorServerFactory server)
{
    private const string PublicUrl = "https://93.184.215.14/hooks/monitor";

    private readonly HttpClient _admin = server.CreateClient(MonitorServerFactory.AdminKey);

    [Fact]
    public async Task Create_Returns201WithTheSecretOnceThenListsWithoutIt()
    {
        var response = await _admin.PostJsonAsync("/api/v1/webhooks", $$$"""
            {"url":"{{{PublicUrl}}}","description":"desk bot","filter":{"ruleIds":["{{{TestAlerts.NewRuleId()}}}"],"instruments":["COMEX:SI"],"severities":["critical"]}}
            """);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.OkJsonAsync();
        string id = created["id"]!.GetValue<string>();
        Assert.Equal($"/api/v1/webhooks/{id}", response.Headers.Location!.ToString());
        string secret = created["secret"]!.GetValue<string>();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.InRange(Convert.FromBase64String(secret["whsec_".Length..]).Length, 24, 32);
        Assert.Equal(PublicUrl, created["url"]!.GetValue<string>());
        Assert.True(created["enabled"]!.GetValue<bool>());
        Assert.Equal(["alert.firing", "alert.resolved"], created["filter"]!["events"]!.AsArray().Select(e => e!.GetValue<string>()));

        var listed = (await _admin.GetJsonAsync("/api/v1/webhooks")).AsArray().Single(w => w!["id"]!.GetValue<string>() == id)!;
        Assert.Null(listed["secret"]);
        Assert.Null((await _admin.GetJsonAsync($"/api/v1/webhooks/{id}"))["secret"]);
        Assert.Equal("desk bot", listed["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task RotateSecret_NewSecretShownOldOneKeptFor24Hours()
    {
        var created = await CreateAsync();

        var rotated = await (await _admin.PostAsync($"/api/v1/webhooks/{created["id"]}/rotate-secret", null)).OkJsonAsync();

        Assert.StartsWith("whsec_", rotated["secret"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEqual(created["secret"]!.GetValue<string>(), rotated["secret"]!.GetValue<string>());
        var expires = rotated["previousSecretExpiresAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
    }

    [Fact]
    public async Task PatchAndDelete_DisableReenableThenGone()
    {
        string id = (await CreateAsync())["id"]!.GetValue<string>();

        var disabled = await (await _admin.PatchAsync($"/api/v1/webhooks/{id}", Json("""{"enabled":false}"""))).OkJsonAsync();
        var enabled = await (await _admin.PatchAsync($"/api/v1/webhooks/{id}", Json("""{"enabled":true,"description":"back"}"""))).OkJsonAsync();
        var deleted = await _admin.DeleteAsync($"/api/v1/webhooks/{id}");

        Assert.False(disabled["enabled"]!.GetValue<bool>());
        Assert.Equal("disabled through the API", disabled["disabledReason"]!.GetValue<string>());
        Assert.True(enabled["enabled"]!.GetValue<bool>());
        Assert.Null(enabled["disabledReason"]);
        Assert.Equal("back", enabled["description"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await _admin.GetAsync($"/api/v1/webhooks/{id}")).AssertProblemAsync(404, "no webhook");
        await (await _admin.DeleteAsync($"/api/v1/webhooks/{id}")).AssertProblemAsync(404, "no webhook");
    }

    [Theory]
    [InlineData("ftp://93.184.215.14/x", "absolute http or https URL")]
    [InlineData("/relative/path", "absolute http or https URL")]
    [InlineData("http://127.0.0.1:8080/hook", "loopback")]
    [InlineData("http://localhost/hook", "loopback")]
    [InlineData("http://[::1]/hook", "loopback")]
    [InlineData("http://10.0.0.5/hook", "private")]
    [InlineData("http://172.20.1.1/hook", "private")]
    [InlineData("http://192.168.0.10/hook", "private")]
    [InlineData("http://169.254.1.1/hook", "link-local")]
    [InlineData("http://[fe80::1]/hook", "link-local")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "metadata")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/", "metadata")]
    [InlineData("http://100.64.1.1/hook", "carrier-grade NAT")]
    [InlineData("http://[fd12:3456::1]/hook", "unique-local")]
    [InlineData("http://[::ffff:127.0.0.1]/hook", "IPv4-mapped")]
    [InlineData("http://[::ffff:169.254.169.254]/hook", "metadata")]
    [InlineData("http://0.0.0.0/hook", "unspecified")]
    [InlineData("http://224.0.0.1/hook", "multicast")]
    [InlineData("http://255.255.255.255/hook", "broadcast")]
    public async Task Create_RefusedUrl_400SayingWhy(string url, string why)
    {
        var response = await _admin.PostJsonAsync("/api/v1/webhooks", $$"""{"url":"{{url}}"}""");

        await response.AssertProblemAsync(400, why);
    }

    [Fact]
    public async Task Create_BadFilter_400ListingEveryProblem()
    {
        var response = await _admin.PostJsonAsync("/api/v1/webhooks", $$$"""
            {"url":"{{{PublicUrl}}}","filter":{"instruments":["nope"],"severities":["loud"],"events":["alert.exploded"]}}
            """);

        string detail = (await response.JsonAsync())["detail"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'filter.instruments'", detail, StringComparison.Ordinal);
        Assert.Contains("'filter.severities' has 'loud'", detail, StringComparison.Ordinal);
        Assert.Contains("'filter.events' has 'alert.exploded'", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_BodyThatIsNotJson_415Problem()
    {
        var response = await _admin.PostAsync("/api/v1/webhooks", new StringContent($"url={PublicUrl}", System.Text.Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Routes_NeedTheAdminRole()
    {
        var reader = server.CreateClient(MonitorServerFactory.ReadKey);
        var anonymous = server.CreateClient((string?)null);

        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/api/v1/webhooks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/api/v1/webhooks", Json($$"""{"url":"{{PublicUrl}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/webhooks")).StatusCode);
    }

    [Fact]
    public async Task Deliveries_UnknownWebhookOrDeliveryOrBadQuery_ClearProblems()
    {
        string id = (await CreateAsync())["id"]!.GetValue<string>();

        await (await _admin.GetAsync("/api/v1/webhooks/nope/deliveries")).AssertProblemAsync(404, "no webhook 'nope'");
        await (await _admin.GetAsync($"/api/v1/webhooks/{id}/deliveries?state=lost")).AssertProblemAsync(400, "pending, delivered, failed");
        await (await _admin.PostAsync($"/api/v1/webhooks/{id}/deliveries/msg_x/redeliver", null)).AssertProblemAsync(404, "no delivery 'msg_x'");
        await (await _admin.PostAsync($"/api/v1/webhooks/{id}/deliveries/redeliver-failed", Json("{}"))).AssertProblemAsync(400, "'to' after 'from'");
        Assert.Empty((await _admin.GetJsonAsync($"/api/v1/webhooks/{id}/deliveries")).AsArray());
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private async Task<JsonNode> CreateAsync() =>
        await (await _admin.PostJsonAsync("/api/v1/webhooks", $$$"""{"url":"{{{PublicUrl}}}","filter":{"ruleIds":["{{{TestAlerts.NewRuleId()}}}"]}}""")).OkJsonAsync();
}

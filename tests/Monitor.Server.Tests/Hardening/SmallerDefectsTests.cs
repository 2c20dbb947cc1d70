using System.Net.Http.Json;
using Monitor.Server.Hosting;

namespace Monitor.Server.Tests.Hardening;

[Collection(ServerCollection.Name)]
public sealed class SmallerDefectsTests(MonitorServerFactory server)
{
    private readonly HttpClient _admin = server.CreateClient(MonitorServerFactory.AdminKey);

    [Fact]
    public async Task ParallelCreatesOfOneRuleId_OneIs201AndTheOthers409()
    {
        string id = "race-" + Guid.NewGuid().ToString("N")[..8];
        var responses = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => _admin.PostJsonAsync("/api/v1/rules", $$$"""
            {"id":"{{{id}}}","name":"racer {{{i}}}","type":"threshold","severity":"info","interval":"1m","params":{"input":"COMEX:SI","op":"above","value":{{{i}}}}}
            """)));

        var created = Assert.Single(responses, r => (int)r.StatusCode == 201);
        Assert.All(responses.Where(r => r != created), r => Assert.Equal(409, (int)r.StatusCode));
        string winner = (await created.OkJsonAsync())["name"]!.GetValue<string>();
        Assert.Equal(winner, (await _admin.GetJsonAsync($"/api/v1/rules/{id}"))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task SilenceOnAnUnknownInstrument_IsRefused()
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/silences",
            new { instrument = "COMEX:NOPE", startsAt = DateTimeOffset.UtcNow, endsAt = DateTimeOffset.UtcNow.AddHours(1) });
        await response.AssertProblemAsync(400, "no instrument 'COMEX:NOPE'");
    }

    [Fact]
    public async Task SilenceMatchingEverything_NeedsItsConfirmation()
    {
        var unconfirmed = await _admin.PostAsJsonAsync("/api/v1/silences",
            new { startsAt = DateTimeOffset.UtcNow.AddYears(5), endsAt = DateTimeOffset.UtcNow.AddYears(5).AddHours(1), comment = "all" });
        await unconfirmed.AssertProblemAsync(400, "matchEverything");

        var confirmed = await _admin.PostAsJsonAsync("/api/v1/silences",
            new { startsAt = DateTimeOffset.UtcNow.AddYears(5), endsAt = DateTimeOffset.UtcNow.AddYears(5).AddHours(1), comment = "all", matchEverything = true });
        Assert.Equal(201, (int)confirmed.StatusCode);
        await _admin.DeleteAsync($"/api/v1/silences/{(await confirmed.OkJsonAsync())["id"]!.GetValue<string>()}");
    }

    [Fact]
    public async Task WebhookUrlWithUserInfo_IsRefusedWithoutEchoingThePassword()
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://alice:S3cretPass@example.com/gone?token=abc" });
        await response.AssertProblemAsync(400, "user name or password");
        Assert.DoesNotContain("S3cretPass", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://alice:S3cretPass@host.example/gone?token=abc&x=1", "http://host.example/gone?token=***&x=***")]
    [InlineData("https://host.example:8443/hook", "https://host.example:8443/hook")]
    [InlineData("not a url", "(not a URL)")]
    public void LoggedUrl_LeavesOutUserInfoAndQueryValues(string url, string logged)
    {
        Assert.Equal(logged, LoggedUrl.Redact(url));
    }
}

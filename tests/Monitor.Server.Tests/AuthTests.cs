namespace Monitor.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class AuthTests(MonitorServerFactory server)
{
    private const string Tick = """[{"instrument":"ETF:SMH","ts":"2026-01-14T15:30:00Z","price":250}]""";

    [Fact]
    public async Task IngestWithoutKey_Is401SayingHowToSendOne()
    {
        var response = await server.CreateClient((string?)null).PostJsonAsync("/api/v1/ticks", Tick);
        await response.AssertProblemAsync(401, "X-Api-Key");
    }

    [Fact]
    public async Task IngestWithWrongKey_Is401()
    {
        var response = await server.CreateClient("not-a-key-of-ours-at-all").PostJsonAsync("/api/v1/ticks", Tick);
        await response.AssertProblemAsync(401, "not valid");
    }

    [Fact]
    public async Task IngestWithReadKey_Is403()
    {
        var response = await server.CreateClient(MonitorServerFactory.ReadKey).PostJsonAsync("/api/v1/ticks", Tick);
        await response.AssertProblemAsync(403, "role");
    }

    [Fact]
    public async Task BearerIngestKey_IsAccepted()
    {
        var client = server.CreateClient((string?)null);
        client.DefaultRequestHeaders.Authorization = new("Bearer", MonitorServerFactory.IngestKey);
        var response = await client.PostJsonAsync("/api/v1/ticks", Tick);
        Assert.True(response.IsSuccessStatusCode);
    }

    [Fact]
    public async Task AdminKey_MayIngest()
    {
        var response = await server.CreateClient(MonitorServerFactory.AdminKey).PostJsonAsync("/api/v1/ticks", Tick);
        Assert.True(response.IsSuccessStatusCode);
    }

    [Fact]
    public async Task ReadingWithoutKey_IsAllowedByDefault()
    {
        var response = await server.CreateClient((string?)null).GetAsync("/api/v1/instruments");
        Assert.True(response.IsSuccessStatusCode);
    }

    [Fact]
    public async Task ReadingWithoutKey_Is401WhenAnonymousReadIsOff()
    {
        using var closed = new MonitorServerFactory(new() { ["Monitor:Auth:AnonymousRead"] = "false" });
        var anonymous = await closed.CreateClient((string?)null).GetAsync("/api/v1/instruments");
        await anonymous.AssertProblemAsync(401, "API key");
        var reader = await closed.CreateClient(MonitorServerFactory.ReadKey).GetAsync("/api/v1/instruments");
        Assert.True(reader.IsSuccessStatusCode);
    }

    [Fact]
    public async Task HealthAndOpenApi_AreServed()
    {
        var client = server.CreateClient((string?)null);
        Assert.True((await client.GetAsync("/health/live")).IsSuccessStatusCode);
        Assert.True((await client.GetAsync("/health/ready")).IsSuccessStatusCode);
        var openApi = await client.GetJsonAsync("/openapi/v1.json");
        Assert.NotNull(openApi["paths"]!["/api/v1/ticks"]);
    }

    [Fact]
    public async Task UnknownRoute_Is404ProblemDetails()
    {
        var response = await server.CreateClient((string?)null).GetAsync("/api/v1/nothing-here");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

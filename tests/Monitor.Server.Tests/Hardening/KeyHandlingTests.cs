namespace Monitor.Server.Tests.Hardening;

/// <summary>Keys: a wrong one is refused everywhere, keys in URLs only for the hub, acknowledging needs one.</summary>
[Collection(ServerCollection.Name)]
public sealed class KeyHandlingTests(MonitorServerFactory server)
{
    private const string Rule = """
        {"id":"token-in-url","name":"x","type":"threshold","severity":"info","interval":"1m","params":{"input":"COMEX:SI","op":"above","value":1}}
        """;

    [Theory]
    [InlineData("/api/v1/instruments")]
    [InlineData("/api/v1/instruments/COMEX:SI")]
    [InlineData("/api/v1/instruments/COMEX:SI/bars")]
    [InlineData("/api/v1/rules")]
    [InlineData("/api/v1/alerts")]
    [InlineData("/api/v1/silences")]
    public async Task WrongKey_Is401EvenWhereReadingNeedsNone(string path)
    {
        var response = await server.CreateClient("not-a-key-of-ours-at-all").GetAsync(path);
        await response.AssertProblemAsync(401, "not valid");
    }

    [Fact]
    public async Task AccessTokenInTheQuery_AuthenticatesNothingButTheHub()
    {
        var anonymous = server.CreateClient((string?)null);
        var rule = await anonymous.PostJsonAsync($"/api/v1/rules?access_token={MonitorServerFactory.AdminKey}", Rule);
        await rule.AssertProblemAsync(401, "API key");

        var negotiate = await anonymous.PostAsync($"/hubs/market/negotiate?negotiateVersion=1&access_token={MonitorServerFactory.ReadKey}", null);
        Assert.True(negotiate.IsSuccessStatusCode, $"{(int)negotiate.StatusCode}");
        var wrong = await anonymous.PostAsync("/hubs/market/negotiate?negotiateVersion=1&access_token=not-a-key-of-ours-at-all", null);
        Assert.Equal(401, (int)wrong.StatusCode);
    }

    [Fact]
    public async Task AcknowledgingWithoutAKey_Is401()
    {
        var response = await server.CreateClient((string?)null).PostJsonAsync("/api/v1/alerts/any/ack", """{"by":"Head of Risk"}""");
        await response.AssertProblemAsync(401, "API key");
    }
}

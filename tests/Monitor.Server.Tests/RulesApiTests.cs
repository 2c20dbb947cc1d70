using System.Net;
using System.Text;

namespace Monitor.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class RulesApiTests(MonitorServerFactory server)
{
    private const string Divergence = """
        {"id":"silver-etf-divergence","name":"Silver up while SLV drains","type":"priceFlowDivergence",
         "severity":"warning","interval":"1d","pendingBars":0,"keepFiringBars":0,
         "params":{"price":"COMEX:SI","flow":"ETF:SLV/holdings","window":"P15D","minPriceChangePct":20,"minFlowChangePct":1.5}}
        """;

    private readonly HttpClient _admin = server.CreateClient(MonitorServerFactory.AdminKey);

    [Fact]
    public async Task ContractExample_IsCreatedListedChangedAndDeleted()
    {
        var created = await _admin.PostAsync("/api/v1/rules", Json(Divergence));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/rules/silver-etf-divergence", created.Headers.Location?.OriginalString);
        var body = await created.OkJsonAsync();
        Assert.Equal("ETF:SLV/holdings", body["params"]!["flow"]!.GetValue<string>());

        var again = await _admin.PostAsync("/api/v1/rules", Json(Divergence));
        await again.AssertProblemAsync(409, "PUT");

        var reader = server.CreateClient((string?)null);
        var list = (await reader.GetJsonAsync("/api/v1/rules")).AsArray();
        Assert.Contains(list, r => r!["id"]!.GetValue<string>() == "silver-etf-divergence");

        var changed = await _admin.PutAsync("/api/v1/rules/silver-etf-divergence", Json(Divergence.Replace("\"minPriceChangePct\":20", "\"minPriceChangePct\":15", StringComparison.Ordinal)));
        Assert.Equal(15, (await changed.OkJsonAsync())["params"]!["minPriceChangePct"]!.GetValue<double>());

        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/api/v1/rules/silver-etf-divergence")).StatusCode);
        await (await reader.GetAsync("/api/v1/rules/silver-etf-divergence")).AssertProblemAsync(404, "silver-etf-divergence");
    }

    [Fact]
    public async Task PutOfANewId_CreatesItTakingTheIdFromThePath()
    {
        var response = await _admin.PutAsync("/api/v1/rules/gold-rsi-high", Json("""
            {"type":"threshold","severity":"info","params":{"input":"COMEX:GC@rsi(14)","op":"above","value":70}}
            """));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("gold-rsi-high", (await response.OkJsonAsync())["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task InvalidRule_Is400NamingEveryProblemByField()
    {
        var response = await _admin.PostAsync("/api/v1/rules", Json("""
            {"id":"bad","type":"priceFlowDivergence","params":{"price":"COMEX:SI","flow":"ETF:SLV/stash","window":"P15X","minPriceChangePct":"lots"}}
            """));
        await response.AssertProblemAsync(400, "params.window");
        var errors = (await response.JsonAsync())["errors"]!.AsObject();
        Assert.Contains("params.window", errors.Select(e => e.Key));
        Assert.Contains("params.minPriceChangePct", errors.Select(e => e.Key));
    }

    [Fact]
    public async Task InvalidExpression_Is400WithItsPositionAndNothingIsStored()
    {
        var response = await _admin.PostAsync("/api/v1/rules", Json("""
            {"id":"ounces-plus-dollars","type":"expression","params":{"condition":"COMEX:SI + ETF:SLV/holdings > 5"}}
            """));

        await response.AssertProblemAsync(400, "params.condition");
        var errors = (await response.JsonAsync())["errors"]!["params.condition"]!.AsArray().Select(e => e!.GetValue<string>());
        Assert.Contains(errors, e => e.StartsWith("at position 10 ('+'): cannot add a price", StringComparison.Ordinal));
        await (await _admin.GetAsync("/api/v1/rules/ounces-plus-dollars")).AssertProblemAsync(404, "ounces-plus-dollars");
    }

    [Fact]
    public async Task ExpressionRule_IsStoredAndReadBackAsWritten()
    {
        const string condition = "pctChange(COMEX:SI, P10D) >= 8 and pctChange(ETF:SLV/holdings, P10D) <= -1 and perDay([COMEX:SI/registered], P10D) < -1000000";
        var created = await _admin.PutAsync("/api/v1/rules/silver-squeeze", Json($$$"""
            {"name":"Silver up, SLV and COMEX draining","type":"expression","severity":"warning","interval":"1d",
             "params":{"condition":"{{{condition}}}","message":"SLV {pctChange(ETF:SLV/holdings, P10D)}%"}}
            """));

        var body = await created.OkJsonAsync();
        Assert.Equal(condition, body["params"]!["condition"]!.GetValue<string>());
        Assert.Equal("SLV {pctChange(ETF:SLV/holdings, P10D)}%", body["params"]!["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/api/v1/rules/silver-squeeze")).StatusCode);
    }

    [Fact]
    public async Task MismatchedIds_MalformedJsonAndWrongRoles_AreRefused()
    {
        await (await _admin.PutAsync("/api/v1/rules/one", Json("""{"id":"two","type":"threshold","params":{"input":"COMEX:GC","op":"above","value":1}}"""))).AssertProblemAsync(400, "path");
        await (await _admin.PostAsync("/api/v1/rules", Json("{\"id\":"))).AssertProblemAsync(400, "not valid JSON");
        await (await server.CreateClient(MonitorServerFactory.ReadKey).PostAsync("/api/v1/rules", Json(Divergence))).AssertProblemAsync(403, "role");
        await (await _admin.PostAsync("/api/v1/rules", new StringContent(Divergence, Encoding.UTF8, "text/plain"))).AssertProblemAsync(415, "application/json");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}

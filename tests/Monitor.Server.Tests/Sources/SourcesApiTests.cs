using System.Net;
using System.Text.Json.Nodes;

namespace Monitor.Server.Tests.Sources;

/// <summary><c>/api/v1/sources</c>: definitions, validation, roles and the address guard.</summary>
[Collection(ServerCollection.Name)]
public sealed class SourcesApiTests(MonitorServerFactory server)
{
    private const string Valid =
        """{"id":"ID","kind":"cme-stocks","url":"https://www.cmegroup.com/delivery_reports/Silver_stocks.xls","schedule":"30 16-23 * * 1-5","timeZone":"America/Chicago","enabled":false}""";

    private readonly HttpClient _admin = server.CreateClient(MonitorServerFactory.AdminKey);

    [Fact]
    public async Task CreateGetReplaceDelete_RoundTripsTheDefinitionWithTheKindsDefaults()
    {
        string id = NewId();

        var created = await _admin.PostJsonAsync("/api/v1/sources", Valid.Replace("ID", id, StringComparison.Ordinal));
        var got = await _admin.GetJsonAsync($"/api/v1/sources/{id}");
        var replaced = await (await _admin.PutAsync($"/api/v1/sources/{id}", Json(Valid.Replace("ID", id, StringComparison.Ordinal).Replace("\"enabled\":false", "\"enabled\":true,\"lateAfter\":\"P2D\"", StringComparison.Ordinal)))).OkJsonAsync();
        var listed = (JsonArray)await server.CreateClient(MonitorServerFactory.ReadKey).GetJsonAsync("/api/v1/sources");
        var deleted = await _admin.DeleteAsync($"/api/v1/sources/{id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/sources/{id}", created.Headers.Location!.ToString());
        Assert.Equal(("cme-stocks", "P1DT6H", "cme", false), (got["kind"]!.GetValue<string>(), got["lateAfter"]!.GetValue<string>(), got["calendar"]!.GetValue<string>(), got["enabled"]!.GetValue<bool>()));
        Assert.Equal(System.Text.Json.JsonValueKind.Object, got["mapping"]!.GetValueKind());
        Assert.Null(got["status"]!["nextFetchAt"]);
        Assert.Equal(("P2D", true), (replaced["lateAfter"]!.GetValue<string>(), replaced["enabled"]!.GetValue<bool>()));
        Assert.NotNull(replaced["status"]!["nextFetchAt"]);
        Assert.Contains(listed, s => s!["id"]!.GetValue<string>() == id);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await _admin.GetAsync($"/api/v1/sources/{id}")).AssertProblemAsync(404, $"There is no source '{id}'");
    }

    [Theory]
    [InlineData("\"kind\":\"cme-stocks\"", "\"kind\":\"excel\"", "'kind' must be one of cme-stocks, lme-stocks, spdr-gld, cftc-cot, csv")]
    [InlineData("30 16-23 * * 1-5", "every day", "'schedule' 'every day' is not a five-field cron expression")]
    [InlineData("America/Chicago", "Chicago", "'timeZone' 'Chicago' is not an IANA time zone")]
    [InlineData("https://www.cmegroup.com", "ftp://www.cmegroup.com", "'url' must be an absolute http or https URL")]
    [InlineData("\"enabled\":false", "\"enabled\":false,\"lateAfter\":\"P1M\"", "'lateAfter' 'P1M' uses months")]
    [InlineData("\"enabled\":false", "\"enabled\":false,\"calendar\":\"tse\"", "'calendar' must be one of cme, lme, nyse, weekdays")]
    [InlineData("\"enabled\":false", "\"enabled\":false,\"mapping\":[1]", "'mapping' must be a JSON object")]
    public async Task Create_InvalidField_400NamingIt(string replace, string with, string detail)
    {
        var response = await _admin.PostJsonAsync("/api/v1/sources", Valid.Replace("ID", NewId(), StringComparison.Ordinal).Replace(replace, with, StringComparison.Ordinal));

        await response.AssertProblemAsync(400, detail);
    }

    [Fact]
    public async Task Create_ExistingId_409()
    {
        string body = Valid.Replace("ID", NewId(), StringComparison.Ordinal);
        await _admin.PostJsonAsync("/api/v1/sources", body);

        await (await _admin.PostJsonAsync("/api/v1/sources", body)).AssertProblemAsync(409, "exists already");
    }

    [Fact]
    public async Task Create_LoopbackAddressWithoutAllowPrivateNetworks_400NamingTheSetting()
    {
        var response = await _admin.PostJsonAsync("/api/v1/sources", Valid.Replace("ID", NewId(), StringComparison.Ordinal)
            .Replace("https://www.cmegroup.com", "http://127.0.0.1:9", StringComparison.Ordinal));

        await response.AssertProblemAsync(400, "Monitor:Sources:AllowPrivateNetworks is false");
    }

    [Fact]
    public async Task ReadKey_ListsButCannotChangeOrFetch()
    {
        var reader = server.CreateClient(MonitorServerFactory.ReadKey);

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/v1/sources")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostJsonAsync("/api/v1/sources", Valid.Replace("ID", NewId(), StringComparison.Ordinal))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/api/v1/sources/any/fetch", null)).StatusCode);
    }

    [Fact]
    public async Task Fetch_UnknownSource_404()
    {
        await (await _admin.PostAsync("/api/v1/sources/no-such-source/fetch", null)).AssertProblemAsync(404, "There is no source 'no-such-source'");
    }

    private static string NewId() => $"t-{Guid.NewGuid():N}"[..14];

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}

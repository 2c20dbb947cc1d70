using System.Globalization;
using System.Text.Json.Nodes;

namespace Monitor.Server.Tests;

/// <summary>
/// <c>activeWhen</c> through the rules API, live and in a backtest of the stored rules: a 15-minute percent move on an
/// ETF, once always active and once only in NYSE Arca's session, over Friday 24 January 2025's last half hour at 100 and
/// Monday 27 January's first half hour at 112, then 126 from 09:45 New York.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class RuleActiveWhenTests(MonitorServerFactory server)
{
    private static readonly DateTimeOffset FridayLastHalfHour = new(2025, 1, 24, 20, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MondayOpen = new(2025, 1, 27, 14, 30, 0, TimeSpan.Zero);

    private readonly HttpClient _admin = server.CreateClient(MonitorServerFactory.AdminKey);

    [Fact]
    public async Task SessionRule_NoWeekendGapAlert_LiveAndBacktestRaiseTheSameAlerts()
    {
        string suffix = Guid.NewGuid().ToString("N")[..8];
        string instrument = $"AW:{suffix.ToUpperInvariant()}";
        string always = $"aw-always-{suffix}", session = $"aw-session-{suffix}";
        (await _admin.PutAsync($"/api/v1/instruments/{instrument}", new StringContent(
            """{"name":"activeWhen test","kind":"etf","currency":"USD","unit":"USD/share","intervals":["1m"]}""",
            System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        (await _admin.PostJsonAsync("/api/v1/rules", Move(always, instrument, ""))).EnsureSuccessStatusCode();
        var created = await (await _admin.PostJsonAsync("/api/v1/rules", Move(session, instrument, ""","activeWhen":{"calendar":"nyse-arca","when":"open"}"""))).OkJsonAsync();
        Assert.Equal("nyse-arca", created["activeWhen"]!["calendar"]!.GetValue<string>());

        var ticks = Minutes(instrument, FridayLastHalfHour, 30, 100)
            .Concat(Minutes(instrument, MondayOpen, 15, 112)).Concat(Minutes(instrument, MondayOpen.AddMinutes(15), 16, 126)).ToArray();
        (await _admin.PostItemsAsync("/api/v1/ticks", ticks)).EnsureSuccessStatusCode();

        var live = await Eventually.GetAsync(
            async () => (await _admin.GetJsonAsync($"/api/v1/alerts?instrument={instrument}")).AsArray(),
            alerts => alerts.Count == 2,
            TimeSpan.FromSeconds(20),
            "both rules' alerts stored");
        // Always active: Monday's first bar against Friday's close, as if a minute had passed. In session: the windows
        // start again on Monday, and only the move inside Monday's session fires.
        Assert.Equal(MondayOpen.AddMinutes(1), FiredAt(live, always));
        Assert.Equal(MondayOpen.AddMinutes(16), FiredAt(live, session));
        var differences = AlertParity.Differences(
            await AlertParity.BacktestAlertsAsync(_admin, [always, session]), await AlertParity.LiveAlertsAsync(_admin, $"instrument={instrument}"));
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [Fact]
    public async Task BadActiveWhen_Is400NamingEachField()
    {
        var response = await _admin.PostJsonAsync("/api/v1/rules", Move(
            "aw-bad", "ETF:SLV", ""","activeWhen":{"calendar":"nasdaq","when":"open","weekdays":["funday"],"timeZone":"Mars/Olympus"}"""));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync())["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["activeWhen.calendar", "activeWhen.timeZone"], errors);
    }

    private static string Move(string id, string instrument, string activeWhen) => $$$"""
        {"id":"{{{id}}}","type":"percentMove","interval":"1m"{{{activeWhen}}},"params":{"input":"{{{instrument}}}","window":"PT15M","minPct":10}}
        """;

    /// <summary>A tick ten seconds into each of <paramref name="count"/> minutes from <paramref name="from"/>.</summary>
    private static IEnumerable<object> Minutes(string instrument, DateTimeOffset from, int count, double price) =>
        Enumerable.Range(0, count).Select(i => TestApi.Tick(instrument, from.AddMinutes(i).AddSeconds(10).ToString("O", CultureInfo.InvariantCulture), price));

    private static DateTimeOffset FiredAt(JsonArray alerts, string ruleId) => DateTimeOffset.Parse(
        alerts.Single(a => a!["ruleId"]!.GetValue<string>() == ruleId)!["firedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);
}

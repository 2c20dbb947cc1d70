using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Monitor.Server.Tests.Sources;

/// <summary>
/// The server in-process on a fake clock, with a publisher's web server on loopback. Nothing here waits on the wall
/// clock for time to pass: a test moves the fake clock (<see cref="AdvanceTo"/>) and waits, with a deadline, for what
/// the scheduler does at that time.
/// </summary>
internal sealed class SourceHarness : IAsyncDisposable
{
    /// <summary>Tuesday 13 January 2026, 14:00 in Chicago.</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 13, 20, 0, 0, TimeSpan.Zero);

    /// <summary>Every weekday at 16:00 in Chicago: the first fetch is at <see cref="Start"/> plus two hours.</summary>
    public const string Schedule = "0 16 * * 1-5";

    private SourceHarness(FakeTimeProvider clock, PublisherServer publisher, MonitorServerFactory server)
    {
        Clock = clock;
        Publisher = publisher;
        Server = server;
        Admin = server.CreateClient(MonitorServerFactory.AdminKey);
    }

    public FakeTimeProvider Clock { get; }

    public PublisherServer Publisher { get; }

    public MonitorServerFactory Server { get; }

    public HttpClient Admin { get; }

    public static async Task<SourceHarness> StartAsync(params (string Key, string Value)[] settings)
    {
        var clock = new FakeTimeProvider(Start);
        var publisher = await PublisherServer.StartAsync();
        var overrides = new Dictionary<string, string>
        {
            ["Monitor:Sources:AllowPrivateNetworks"] = "true",
            ["Monitor:Sources:Timeout"] = "60s",
            ["Monitor:Sources:RetrySchedule"] = "30s,2m",
        };
        foreach (var (key, value) in settings)
        {
            overrides[key] = value;
        }

        var server = new MonitorServerFactory(overrides, services => services.AddSingleton<TimeProvider>(clock));
        server.CreateClient().Dispose(); // starts the host
        return new SourceHarness(clock, publisher, server);
    }

    /// <summary>The SPDR Gold Trust's archive in its layout: one row per (date, ounces in the trust).</summary>
    public static byte[] HoldingsCsv(params (string Date, double Ounces)[] rows) =>
        Encoding.UTF8.GetBytes("Date,GLD Close,Total Net Asset Value Ounces in the Trust as at 4.15 p.m. NYT\n"
            + string.Concat(rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Date},400.10,{r.Ounces}\n"))));

    /// <summary>Creates a <c>spdr-gld</c> source served at <paramref name="path"/>; returns its definition as stored.</summary>
    public async Task<JsonNode> AddHoldingsSourceAsync(string id, string path, string? lateAfter = null, bool enabled = true)
    {
        string body = $$"""
            {"id":"{{id}}","kind":"spdr-gld","url":"{{Publisher.Url(path)}}","schedule":"{{Schedule}}","timeZone":"America/Chicago",
             "enabled":{{(enabled ? "true" : "false")}}{{(lateAfter is null ? "" : $",\"lateAfter\":\"{lateAfter}\"")}}}
            """;
        var response = await Admin.PostJsonAsync("/api/v1/sources", body);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    public async Task<JsonNode> StatusAsync(string id) => (await Admin.GetJsonAsync($"/api/v1/sources/{id}"))["status"]!;

    /// <summary>Moves the fake clock to <paramref name="time"/> and waits until the source's status satisfies <paramref name="done"/>.</summary>
    public async Task<JsonNode> AdvanceToAsync(DateTimeOffset time, string id, Func<JsonNode, bool> done, string because)
    {
        AdvanceTo(time);
        return await Eventually.GetAsync(() => StatusAsync(id), done, TimeSpan.FromSeconds(20), because);
    }

    public void AdvanceTo(DateTimeOffset time)
    {
        Assert.True(time >= Clock.GetUtcNow(), $"the clock is at {Clock.GetUtcNow():O} already");
        Clock.SetUtcNow(time);
    }

    public async Task<JsonArray> InventoryAsync(string from, string to) =>
        (JsonArray)await Admin.GetJsonAsync($"/api/v1/instruments/ETF:GLD/inventory/holdings?from={from}&to={to}");

    public static DateTimeOffset Time(JsonNode? node) => DateTimeOffset.Parse(node!.GetValue<string>(), CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
        await Publisher.DisposeAsync();
    }
}

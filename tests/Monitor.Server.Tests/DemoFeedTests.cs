namespace Monitor.Server.Tests;

/// <summary>The built-in simulated feed: a fresh start shows every instrument live, with history behind it.</summary>
public sealed class DemoFeedTests
{
    [Fact]
    public async Task FreshStart_ShowsEveryInstrumentWithBackfilledBarsAndInventory()
    {
        await using var server = new MonitorServerFactory(new()
        {
            ["Monitor:DemoFeed:Enabled"] = "true",
            ["Monitor:DemoFeed:Backfill"] = "00:30:00",
            ["Monitor:DemoFeed:TicksPerSecond"] = "100",
        });
        var read = server.CreateClient((string?)null);

        var instruments = await Eventually.GetAsync(
            async () => (await read.GetJsonAsync("/api/v1/instruments")).AsArray(),
            list => list.All(i => i!["last"] is not null && i["changePct"] is not null),
            TimeSpan.FromSeconds(30),
            "every instrument has a price and a change");
        Assert.Equal(25, instruments.Count);

        var bars = await Eventually.GetAsync(
            async () => (await read.GetJsonAsync("/api/v1/instruments/COMEX:SI/bars?interval=1m")).AsArray(),
            list => list.Count >= 29,
            TimeSpan.FromSeconds(30),
            "half an hour of backfilled minute bars");
        Assert.InRange(bars.Count, 29, 32);
        Assert.All(bars, b => Assert.True(b!["low"]!.GetValue<double>() <= b["high"]!.GetValue<double>()));

        var silver = await Eventually.GetAsync(
            () => read.GetJsonAsync("/api/v1/instruments/COMEX:SI"),
            s => s["inventory"]?["registered"] is not null,
            because: "COMEX silver registered stocks published");
        Assert.Equal("oz", silver["inventory"]!["registered"]!["unit"]!.GetValue<string>());
    }

    [Fact]
    public void InvalidSimulatorSettings_StopTheServerAtStartNamingTheKey()
    {
        using var server = new MonitorServerFactory(new()
        {
            ["Monitor:DemoFeed:Enabled"] = "true",
            ["Monitor:DemoFeed:TicksPerSecond"] = "-5",
        });
        var error = Assert.ThrowsAny<Exception>(() => server.CreateClient());
        Assert.Contains("Monitor:DemoFeed", error.ToString(), StringComparison.Ordinal);
    }
}

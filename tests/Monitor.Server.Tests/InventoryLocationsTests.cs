using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Monitor.Server.Tests;

/// <summary>Inventory by location through the ingest route, the reading routes and the hub.</summary>
[Collection(ServerCollection.Name)]
public sealed class InventoryLocationsTests(MonitorServerFactory server)
{
    [Fact]
    public async Task ValuesWithLocations_ReadByLocationIgnoringCaseListedAndShownBesideTheTotal()
    {
        var ingest = server.CreateClient(MonitorServerFactory.IngestKey);
        var body = await (await ingest.PostJsonAsync("/api/v1/inventory", """
            [
              {"instrument":"COMEX:GC","series":"eligible","asOf":"2026-01-14","publishedAt":"2026-01-15T01:00:00Z","quantity":300,"unit":"koz"},
              {"instrument":"COMEX:GC","series":"eligible","location":"  JP MORGAN CHASE BANK NA ","asOf":"2026-01-14","publishedAt":"2026-01-15T01:00:00Z","quantity":200,"unit":"koz"},
              {"instrument":"COMEX:GC","series":"eligible","location":"Brinks Inc","asOf":"2026-01-14","publishedAt":"2026-01-15T01:00:00Z","quantity":100,"unit":"koz"},
              {"instrument":"COMEX:GC","series":"eligible","location":"BRINKS INC","asOf":"2026-01-15","publishedAt":"2026-01-16T01:00:00Z","quantity":90,"unit":"koz"},
              {"instrument":"COMEX:GC","series":"eligible","location":"Bad\u0007Bell","asOf":"2026-01-14","quantity":1,"unit":"oz"},
              {"instrument":"COMEX:GC","series":"eligible","location":7,"asOf":"2026-01-14","quantity":1,"unit":"oz"}
            ]
            """)).OkJsonAsync();

        Assert.Equal(4, body["accepted"]!.GetValue<int>());
        var rejected = body["rejected"]!.AsArray();
        Assert.Equal([4, 5], rejected.Select(r => r!["index"]!.GetValue<int>()));
        Assert.Contains("'location'", rejected[0]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("'location' must be a string", rejected[1]!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var reader = server.CreateClient((string?)null);
        var total = Assert.Single((await reader.GetJsonAsync("/api/v1/instruments/COMEX:GC/inventory/eligible")).AsArray())!;
        Assert.Null(total["location"]);
        Assert.Equal(300_000, total["quantity"]!.GetValue<double>(), 6);
        var brinks = (await reader.GetJsonAsync("/api/v1/instruments/COMEX:GC/inventory/eligible?location=brinks%20inc")).AsArray();
        Assert.Equal(["2026-01-14", "2026-01-15"], brinks.Select(v => v!["asOf"]!.GetValue<string>()));
        Assert.Equal(["Brinks Inc", "BRINKS INC"], brinks.Select(v => v!["location"]!.GetValue<string>()));
        Assert.Single((await reader.GetJsonAsync("/api/v1/instruments/COMEX:GC/inventory/eligible?location=JP+MORGAN+CHASE+BANK+NA")).AsArray());
        Assert.Empty((await reader.GetJsonAsync("/api/v1/instruments/COMEX:GC/inventory/eligible?location=Nowhere")).AsArray());

        var locations = (await reader.GetJsonAsync("/api/v1/instruments/COMEX:GC/inventory/eligible/locations")).AsArray();
        Assert.Equal(["BRINKS INC", "JP MORGAN CHASE BANK NA"], locations.Select(v => v!["location"]!.GetValue<string>()));
        Assert.Equal([90_000d, 200_000d], locations.Select(v => Math.Round(v!["quantity"]!.GetValue<double>(), 6)));
        Assert.Empty((await reader.GetJsonAsync("/api/v1/instruments/COMEX:GC/inventory/registered/locations")).AsArray());
        await (await reader.GetAsync("/api/v1/instruments/COMEX:GC/inventory/stash/locations")).AssertProblemAsync(404, "stash");

        var instrument = await reader.GetJsonAsync("/api/v1/instruments/COMEX:GC");
        Assert.Equal(300_000, instrument["inventory"]!["eligible"]!["quantity"]!.GetValue<double>(), 6);
        Assert.Equal(2, instrument["inventoryLocations"]!["eligible"]!.AsArray().Count);
    }

    [Fact]
    public async Task HubInventoryMessages_CarryTheLocation_RepeatSendsNothing_RestatementIsMarked()
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.Server.BaseAddress, "/hubs/market"), options =>
            {
                options.HttpMessageHandlerFactory = _ => server.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
            })
            .Build();
        var messages = new List<JsonElement>();
        connection.On<JsonElement>("Inventory", m =>
        {
            lock (messages)
            {
                messages.Add(m);
            }
        });
        await connection.StartAsync();
        await connection.InvokeAsync("SubscribeInstruments", new[] { "NYMEX:PA" });
        var ingest = server.CreateClient(MonitorServerFactory.IngestKey);
        string Item(string asOf, double quantity) =>
            $$"""[{"instrument":"NYMEX:PA","series":"registered","location":"Loomis International","asOf":"{{asOf}}","quantity":{{quantity}},"unit":"oz"}]""";

        // The relay registers shortly after start: post fresh dates until one arrives, then a marker whose message
        // comes after every earlier one (the grain sends in order).
        int day = 1;
        await Eventually.GetAsync(
            async () =>
            {
                await ingest.PostJsonAsync("/api/v1/inventory", Item($"2025-03-{day++:00}", 5000));
                return Count();
            },
            n => n > 0,
            because: "an Inventory message for NYMEX:PA");
        await ingest.PostJsonAsync("/api/v1/inventory", Item("2025-04-01", 5000));
        long marker = (await WaitForAsync(m => m.GetProperty("asOf").GetString() == "2025-04-01", "the marker")).GetProperty("seq").GetInt64();

        var repeat = await (await ingest.PostJsonAsync("/api/v1/inventory", Item("2025-03-01", 5000))).OkJsonAsync();
        var restated = await (await ingest.PostJsonAsync("/api/v1/inventory", Item("2025-03-01", 5100))).OkJsonAsync();

        Assert.Equal((0, 1), (repeat["accepted"]!.GetValue<int>(), repeat["duplicates"]!.GetValue<int>()));
        Assert.Equal((1, 0), (restated["accepted"]!.GetValue<int>(), restated["duplicates"]!.GetValue<int>()));
        var message = await WaitForAsync(m => m.GetProperty("restated").GetBoolean(), "the restatement's message");
        lock (messages)
        {
            // The repeat sent nothing: the restatement is the one message after the marker.
            Assert.Equal([marker + 1], messages.Select(m => m.GetProperty("seq").GetInt64()).Where(seq => seq > marker));
            Assert.False(messages[0].GetProperty("restated").GetBoolean());
        }

        Assert.Equal("Loomis International", message.GetProperty("location").GetString());
        Assert.Equal("2025-03-01", message.GetProperty("asOf").GetString());
        Assert.Equal(5100, message.GetProperty("quantity").GetDouble());

        Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, string because) => Eventually.GetAsync(
            () =>
            {
                lock (messages)
                {
                    return Task.FromResult(messages.FirstOrDefault(match));
                }
            },
            m => m.ValueKind == JsonValueKind.Object,
            because: because);

        int Count()
        {
            lock (messages)
            {
                return messages.Count;
            }
        }
    }
}

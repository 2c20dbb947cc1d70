using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Monitor.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class HubTests(MonitorServerFactory server)
{
    [Fact]
    public async Task PostedTick_ReachesASubscribedClientAsAQuote()
    {
        await using var connection = Connect();
        var quotes = new List<JsonElement>();
        connection.On<JsonElement>("Quote", q =>
        {
            lock (quotes)
            {
                quotes.Add(q);
            }
        });
        await connection.StartAsync();
        await connection.InvokeAsync("SubscribeInstruments", new[] { "ETF:SIL" });

        var ingest = server.CreateClient(MonitorServerFactory.IngestKey);
        var quote = await Eventually.GetAsync(
            async () =>
            {
                // The relay registers shortly after start: keep posting until a quote arrives.
                await ingest.PostItemsAsync("/api/v1/ticks", TestApi.Tick("ETF:SIL", DateTimeOffset.UtcNow.ToString("O"), 42.5));
                lock (quotes)
                {
                    return quotes.LastOrDefault();
                }
            },
            q => q.ValueKind == JsonValueKind.Object,
            because: "a Quote for ETF:SIL");

        Assert.Equal("ETF:SIL", quote.GetProperty("instrument").GetString());
        Assert.Equal(42.5, quote.GetProperty("price").GetDouble());
        Assert.True(quote.GetProperty("seq").GetInt64() > 0);
        Assert.Equal("1m", quote.GetProperty("bar").GetProperty("interval").GetString());
        var snapshot = await server.CreateClient((string?)null).GetJsonAsync("/api/v1/instruments/ETF:SIL");
        Assert.True(snapshot["seq"]!.GetValue<long>() >= quote.GetProperty("seq").GetInt64(), "the snapshot is at or past the last quote");
    }

    [Fact]
    public async Task ClientAskingForQuoteBatches_GetsQuotesMessagesAndNoQuote_BesideAClientThatGetsQuote()
    {
        await using var batching = Connect("?quotes=batched");
        await using var single = Connect();
        var batches = new List<JsonElement>();
        var singles = new List<JsonElement>();
        batching.On<JsonElement>("Quotes", q => Add(batches, q));
        batching.On<JsonElement>("Quote", q => Add(batches, q));
        single.On<JsonElement>("Quote", q => Add(singles, q));
        foreach (var connection in new[] { batching, single })
        {
            await connection.StartAsync();
            await connection.InvokeAsync("SubscribeInstruments", new[] { "ETF:URA" });
        }

        var ingest = server.CreateClient(MonitorServerFactory.IngestKey);
        await Eventually.GetAsync(
            async () =>
            {
                await ingest.PostItemsAsync("/api/v1/ticks", TestApi.Tick("ETF:URA", DateTimeOffset.UtcNow.ToString("O"), 31.25));
                lock (batches)
                {
                    lock (singles)
                    {
                        return batches.Count > 0 && singles.Count > 0;
                    }
                }
            },
            received => received,
            because: "quotes for ETF:URA on both connections");

        lock (batches)
        {
            Assert.All(batches, message => Assert.Equal(JsonValueKind.Array, message.ValueKind));
            var quote = batches.SelectMany(message => message.EnumerateArray()).First();
            Assert.Equal("ETF:URA", quote.GetProperty("instrument").GetString());
            Assert.Equal(31.25, quote.GetProperty("price").GetDouble());
            Assert.True(quote.GetProperty("seq").GetInt64() > 0);
        }

        lock (singles)
        {
            Assert.Equal("ETF:URA", singles[0].GetProperty("instrument").GetString());
        }
    }

    [Fact]
    public async Task SubscribingToAnUnknownInstrument_FailsWithAClearMessage()
    {
        await using var connection = Connect();
        await connection.StartAsync();
        var error = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("SubscribeInstruments", new[] { "COMEX:SI", "XX:NOPE" }));
        Assert.Contains("unknown instrument 'XX:NOPE'", error.Message);
    }

    private static void Add(List<JsonElement> messages, JsonElement message)
    {
        lock (messages)
        {
            messages.Add(message);
        }
    }

    private HubConnection Connect(string query = "") => new HubConnectionBuilder()
        .WithUrl(new Uri(server.Server.BaseAddress, "/hubs/market" + query), options =>
        {
            options.HttpMessageHandlerFactory = _ => server.Server.CreateHandler();
            options.Transports = HttpTransportType.LongPolling;
        })
        .Build();
}

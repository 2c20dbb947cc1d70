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
    public async Task SubscribingToAnUnknownInstrument_FailsWithAClearMessage()
    {
        await using var connection = Connect();
        await connection.StartAsync();
        var error = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("SubscribeInstruments", new[] { "COMEX:SI", "XX:NOPE" }));
        Assert.Contains("unknown instrument 'XX:NOPE'", error.Message);
    }

    private HubConnection Connect() => new HubConnectionBuilder()
        .WithUrl(new Uri(server.Server.BaseAddress, "/hubs/market"), options =>
        {
            options.HttpMessageHandlerFactory = _ => server.Server.CreateHandler();
            options.Transports = HttpTransportType.LongPolling;
        })
        .Build();
}

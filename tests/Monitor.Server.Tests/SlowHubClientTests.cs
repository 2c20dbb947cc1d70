using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Monitor.Server.Tests;

/// <summary>
/// A hub client that stops reading, against the server as a process (real sockets, so its writes really back up):
/// it must cost no one else anything. Before the fix, the relay's group send waited on it and every client's quotes
/// stopped with its.
/// </summary>
public sealed class SlowHubClientTests : IDisposable
{
    private const string Watched = "COMEX:SI";
    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-slow-hub-client-").FullName;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClientThatStopsReading_IsDisconnectedAndLoggedWhileOthersKeepReceivingQuotes(bool batchedQuotes)
    {
        await using var server = await ServerProcess.StartAsync(_directory, "--Monitor:Hub:ClientQueueLimit=20");

        // The kernel buffers megabytes for a socket before the server's writes to it wait: with 200 more
        // instruments the stalled client's share of the quotes fills that within a few dozen rounds.
        using var admin = server.CreateClient(TestApiKeys.Admin);
        await Parallel.ForEachAsync(Enumerable.Range(1, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
            (await admin.PutAsync($"/api/v1/instruments/LOAD:I{i:000}", JsonContent.Create(new { name = $"Load {i}", kind = "future", currency = "USD", unit = "USD/t" }), cancellationToken)).EnsureSuccessStatusCode());
        string[] instruments = [.. (await admin.GetJsonAsync("/api/v1/instruments")).AsArray().Select(i => i!["id"]!.GetValue<string>())];

        using var stalled = await StalledHubClient.ConnectAsync(server.BaseAddress, instruments, batchedQuotes);
        var prices = new ConcurrentDictionary<double, bool>();
        await using var reading = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/market"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .Build();
        reading.On<JsonElement>("Quote", quote => prices[quote.GetProperty("price").GetDouble()] = true);
        await reading.StartAsync();
        await reading.InvokeAsync("SubscribeInstruments", new[] { Watched });

        // Rounds of one tick per instrument. Each round's quote must reach the client that reads, while the stalled
        // client's buffers fill, when it is disconnected, and after.
        using var ingest = server.CreateClient(TestApiKeys.Ingest);
        int roundsAfterDisconnect = 0;
        for (int round = 1; roundsAfterDisconnect < 3; round++)
        {
            Assert.True(round <= 300, "the client that stopped reading was never disconnected");
            double price = 1000 + round;
            string ts = DateTimeOffset.UtcNow.ToString("O");
            var response = await ingest.PostItemsAsync("/api/v1/ticks", [.. instruments.Select(id => TestApi.Tick(id, ts, id == Watched ? price : 50 + round))]);
            response.EnsureSuccessStatusCode();
            await Eventually.GetAsync(() => Task.FromResult(prices.ContainsKey(price)), received => received, because: $"round {round}'s {Watched} quote reaches the client that reads");
            if (server.Output.Contains("stopped reading", StringComparison.Ordinal))
            {
                roundsAfterDisconnect++;
            }
        }

        Assert.Contains("Hub connection", server.Output);
        await Eventually.GetAsync(() => stalled.PingAsync(), alive => !alive, because: "the server closed the stalled connection");
        Assert.Equal(HubConnectionState.Connected, reading.State);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp directory is cleaned by the OS.
        }
    }
}

using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Monitor.Server.Tests;

/// <summary><c>GET /api/v1/ticks/stream</c> against a real server process, with a raw WebSocket client.</summary>
public sealed class TickStreamTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-03-02T14:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-stream-").FullName;
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(_directory, "--Monitor:Ingest:StreamWindow=2");

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Batch_IsAcknowledgedAsStored_AndSurvivesKillNine()
    {
        var ticks = Ticks("COMEX:SI", first: 1, count: 5);
        await using (var stream = await StreamClient.ConnectAsync(_server.BaseAddress))
        {
            Assert.Equal(2, stream.Ready["window"]!.GetValue<int>());
            await stream.SendAsync(Batch(7, ticks));
            var ack = await stream.ReceiveAsync();
            Assert.Equal("ack", ack["type"]!.GetValue<string>());
            Assert.Equal(7, ack["batch"]!.GetValue<long>());
            Assert.Equal(5, ack["accepted"]!.GetValue<int>());
        }

        // Acknowledged means durable: after SIGKILL the restarted server has every tick (sending them again finds duplicates).
        var address = _server.BaseAddress;
        await _server.KillAsync();
        await _server.DisposeAsync();
        _server = await ServerProcess.StartAsync(_directory, address, "--Monitor:Ingest:StreamWindow=2");
        var again = await (await _server.CreateClient(TestApiKeys.Ingest).PostItemsAsync("/api/v1/ticks", ticks)).OkJsonAsync();
        Assert.Equal(0, again["accepted"]!.GetValue<int>());
        Assert.Equal(5, again["duplicates"]!.GetValue<int>());
    }

    [Fact]
    public async Task BadItems_AreRejectedOneByOneWithTheErrorsOfThePostRoute()
    {
        object[] items =
        [
            TestApi.Tick("COMEX:GC", Start.ToString("O"), 2000, 1, 1),
            TestApi.Tick("NOPE:XX", Start.ToString("O"), 10, 1, 2),
            TestApi.Tick("COMEX:GC", Start.AddSeconds(1).ToString("O"), -3, 1, 3),
            new { instrument = "COMEX:GC", ts = "yesterday", price = 1 },
            "not an object",
            TestApi.Tick("COMEX:GC", Start.AddSeconds(2).ToString("O"), 2001, 1, 4),
        ];
        await using var stream = await StreamClient.ConnectAsync(_server.BaseAddress);
        await stream.SendAsync(Batch(1, items));
        var ack = await stream.ReceiveAsync();

        var posted = await (await _server.CreateClient(TestApiKeys.Ingest).PostItemsAsync("/api/v1/ticks", items)).OkJsonAsync();
        Assert.Equal(2, ack["accepted"]!.GetValue<int>());
        Assert.Equal(posted["rejected"]!.ToJsonString(), ack["rejected"]!.ToJsonString());
        Assert.Equal(new[] { 1, 2, 3, 4 }, ack["rejected"]!.AsArray().Select(r => r!["index"]!.GetValue<int>()));
        Assert.Equal(2, posted["duplicates"]!.GetValue<int>());
    }

    [Fact]
    public async Task UnreadableMessages_AreAnsweredWithAProblem_AndTheStreamGoesOn()
    {
        await using var stream = await StreamClient.ConnectAsync(_server.BaseAddress);
        await stream.SendAsync("{\"batch\":1,\"ticks\":[");
        var malformed = await stream.ReceiveAsync();
        await stream.SendAsync("{\"ticks\":[]}");
        var unnumbered = await stream.ReceiveAsync();
        await stream.SendAsync(new string(' ', 4 * 1024 * 1024 + 1));
        var tooLarge = await stream.ReceiveAsync();
        await stream.SendAsync(Batch(4, Ticks("ETF:SLV", first: 1, count: 2)));
        var ack = await stream.ReceiveAsync();

        Assert.Equal(("error", 400, 1L), (malformed["type"]!.GetValue<string>(), malformed["status"]!.GetValue<int>(), malformed["message"]!.GetValue<long>()));
        Assert.Contains("not valid JSON", malformed["detail"]!.GetValue<string>());
        Assert.Equal(400, unnumbered["status"]!.GetValue<int>());
        Assert.Contains("'batch'", unnumbered["detail"]!.GetValue<string>());
        Assert.Equal(413, tooLarge["status"]!.GetValue<int>());
        Assert.Equal(("ack", 4L, 2), (ack["type"]!.GetValue<string>(), ack["message"]!.GetValue<long>(), ack["accepted"]!.GetValue<int>()));
    }

    [Fact]
    public async Task ClientThatReadsNoAcknowledgement_IsNotReadFurther_UntilItReadsThemAll()
    {
        // Each batch's acknowledgement is large (10,000 rejected items, about 1 MB): unread, they fill the socket buffers,
        // the server cannot send and so holds its window full, and reads no more; the client's sends stop completing.
        const int Batches = 150;
        string batchOfBadItems(int n) =>
            $"{{\"batch\":{n},\"ticks\":[" + string.Join(",", Enumerable.Repeat("{\"instrument\":\"NOPE:XX\"}", 10_000)) + "]}";
        await using var stream = await StreamClient.ConnectAsync(_server.BaseAddress);
        int sent = 0;
        var sending = Task.Run(async () =>
        {
            for (int n = 1; n <= Batches; n++)
            {
                await stream.SendAsync(batchOfBadItems(n));
                Interlocked.Increment(ref sent);
            }
        });

        // The sends stall well before all are out: no send completes for three seconds.
        int stalledAt = await Eventually.GetAsync(
            async () =>
            {
                int before = Volatile.Read(ref sent);
                await Task.WhenAny(sending, Task.Delay(TimeSpan.FromSeconds(3)));
                return Volatile.Read(ref sent) == before && !sending.IsCompleted ? before : -1;
            },
            n => n >= 0,
            TimeSpan.FromSeconds(120),
            "the client's sends stall while it reads no acknowledgement");
        Assert.InRange(stalledAt, 2, Batches - 1);

        // Reading the answers lets the server go on: every batch is answered, each item rejected.
        for (int n = 1; n <= Batches; n++)
        {
            var ack = await stream.ReceiveAsync();
            Assert.Equal(("ack", (long)n), (ack["type"]!.GetValue<string>(), ack["batch"]!.GetValue<long>()));
            Assert.Equal(10_000, ack["rejected"]!.AsArray().Count);
        }

        await sending;
    }

    [Fact]
    public async Task PlainRequest_IsAnsweredWithAProblem_AndAKeyIsNeeded()
    {
        var plain = await _server.CreateClient(TestApiKeys.Ingest).GetAsync("/api/v1/ticks/stream");
        await plain.AssertProblemAsync(400, "WebSocket");

        using var socket = new ClientWebSocket();
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(StreamClient.UriOf(_server.BaseAddress), CancellationToken.None));
        Assert.Contains("401", refused.Message);
    }

    private static object[] Ticks(string instrument, int first, int count) =>
        [.. Enumerable.Range(first, count).Select(i => TestApi.Tick(instrument, Start.AddSeconds(i).ToString("O"), 30 + (i * 0.01), 1, i))];

    private static string Batch(long batch, object[] ticks) =>
        new JsonObject { ["batch"] = batch, ["ticks"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(ticks)) }.ToJsonString();

    /// <summary>A tick stream connection with the ingest key; the server's <c>ready</c> is read on connecting.</summary>
    private sealed class StreamClient : IAsyncDisposable
    {
        private readonly ClientWebSocket _socket = new();

        public JsonNode Ready { get; private set; } = null!;

        public static Uri UriOf(Uri server) => new($"ws://{server.Authority}/api/v1/ticks/stream");

        public static async Task<StreamClient> ConnectAsync(Uri server)
        {
            var client = new StreamClient();
            client._socket.Options.SetRequestHeader("X-Api-Key", TestApiKeys.Ingest);
            await client._socket.ConnectAsync(UriOf(server), CancellationToken.None);
            client.Ready = await client.ReceiveAsync();
            Assert.Equal("ready", client.Ready["type"]!.GetValue<string>());
            return client;
        }

        public Task SendAsync(string json) =>
            _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        public async Task<JsonNode> ReceiveAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var message = new MemoryStream();
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, timeout.Token);
                Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    return JsonNode.Parse(message.ToArray())!;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }

            _socket.Dispose();
        }
    }
}

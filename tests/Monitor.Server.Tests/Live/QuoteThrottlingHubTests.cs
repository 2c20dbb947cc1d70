using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Monitor.Server.Live;

namespace Monitor.Server.Tests.Live;

/// <summary>
/// What the hub sends plain <c>Quote</c> and <c>?quotes=batched</c> connections, to real SignalR clients of the real
/// server with a fake clock: the throttle's alone (a quote after the first waits while it stands still, and moving it
/// on by one interval lets the newest go), or the whole server's (a quote waits in its batch until the clock moves).
/// </summary>
public sealed class QuoteThrottlingHubTests
{
    private const string Instrument = "ETF:SIL";

    [Fact]
    public async Task PlainClient_GetsTheNewestQuoteOncePerInterval_WithPrevSeqOverTheQuotesLeftOut_WhileTheBatchedClientGetsEveryOne()
    {
        var throttleClock = new FakeTimeProvider();
        await using var server = new MonitorServerFactory(
            new(), services => services.AddSingleton(s => ActivatorUtilities.CreateInstance<MarketHubLifetimeManager>(s, (TimeProvider)throttleClock)));
        var plain = new Received();
        var batched = new Received();
        await using var plainConnection = Connect(server, "");
        await using var batchedConnection = Connect(server, "?quotes=batched");
        plainConnection.On<JsonElement>("Quote", plain.Add);
        batchedConnection.On<JsonElement>("Quotes", quotes => batched.AddAll(quotes.EnumerateArray()));
        foreach (var connection in new[] { plainConnection, batchedConnection })
        {
            await connection.StartAsync();
            await connection.InvokeAsync("SubscribeInstruments", new[] { Instrument });
        }

        // The first quote that reaches the hub goes to the plain client at once (the relay registers shortly after start).
        var ingest = server.CreateClient(MonitorServerFactory.IngestKey);
        double price = 40;
        var first = await Eventually.GetAsync(
            async () =>
            {
                await PostAsync(ingest, price += 0.25);
                return plain.Count;
            },
            count => count > 0,
            because: "a first Quote on the plain connection");
        Assert.Equal(1, first);
        long firstSeq = plain.Single().GetProperty("seq").GetInt64();

        // More ticks, while the throttle's clock stands still: the batched client gets them, the plain one nothing.
        for (int i = 0; i < 3; i++)
        {
            await PostAsync(ingest, price += 0.25);
        }

        double last = price;
        await Eventually.GetAsync(() => Task.FromResult(batched.Prices()), prices => prices.Contains(last), because: "the last tick on the batched connection");
        Assert.Single(plain.All());

        // One interval on: the next push sends the newest quote, saying which seq the plain client saw before it.
        throttleClock.Advance(QuoteThrottle.Interval);
        await Eventually.GetAsync(() => Task.FromResult(plain.Count), count => count == 2, because: "the waiting quote on the plain connection");
        var second = plain.All()[1];
        var batchedSeqs = batched.All().Select(q => q.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(last, second.GetProperty("price").GetDouble());
        Assert.Equal(batchedSeqs[^1], second.GetProperty("seq").GetInt64());
        Assert.Equal(firstSeq, second.GetProperty("prevSeq").GetInt64());
        Assert.True(second.GetProperty("seq").GetInt64() > firstSeq + 1, "quotes were left out between the two");

        // The batched client missed none: consecutive seqs, and no prevSeq on its quotes.
        Assert.Equal(Enumerable.Range(0, batchedSeqs.Count).Select(i => batchedSeqs[0] + i), batchedSeqs);
        Assert.All(batched.All(), quote => Assert.False(quote.TryGetProperty("prevSeq", out _)));
        Assert.False(plain.All()[0].TryGetProperty("prevSeq", out _));
    }

    [Fact]
    public async Task BatchedClient_GetsAnInventoryMessageAfterTheQuotesThatCameBeforeIt_SoItsSeqIsNoGap()
    {
        // The whole server on a fake clock that stands still between pushes: a quote waits in the batch until the clock moves.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = new MonitorServerFactory(new(), services => services.AddSingleton<TimeProvider>(clock));
        var received = new List<(string Kind, long Seq)>();
        await using var batched = Connect(server, "?quotes=batched");
        batched.On<JsonElement>("Quotes", quotes =>
        {
            lock (received)
            {
                received.AddRange(quotes.EnumerateArray().Select(q => ("quote", q.GetProperty("seq").GetInt64())));
            }
        });
        batched.On<JsonElement>("Inventory", inventory =>
        {
            lock (received)
            {
                received.Add(("inventory", inventory.GetProperty("seq").GetInt64()));
            }
        });
        await batched.StartAsync();
        await batched.InvokeAsync("SubscribeInstruments", new[] { "LME:AH" });

        var ingest = server.CreateClient(MonitorServerFactory.IngestKey);
        double price = 2500;
        await Eventually.GetAsync(
            async () =>
            {
                await ingest.PostItemsAsync("/api/v1/ticks", TestApi.Tick("LME:AH", clock.GetUtcNow().ToString("O"), price += 1));
                clock.Advance(TimeSpan.FromMilliseconds(20));
                lock (received)
                {
                    return received.Count;
                }
            },
            count => count > 0,
            because: "a first Quotes message");

        // A tick whose quote waits for the next push, then an inventory value: its message must not overtake the quote.
        (await ingest.PostItemsAsync("/api/v1/ticks", TestApi.Tick("LME:AH", clock.GetUtcNow().ToString("O"), price + 1))).EnsureSuccessStatusCode();
        string asOf = clock.GetUtcNow().AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        (await ingest.PostJsonAsync("/api/v1/inventory", $$"""[{"instrument":"LME:AH","series":"stocks","asOf":"{{asOf}}","quantity":550,"unit":"kt"}]""")).EnsureSuccessStatusCode();
        // Both leave the silo through its relay outbox, which sends on the (fake) clock's push interval.
        var messages = await Eventually.GetAsync(
            () =>
            {
                clock.Advance(TimeSpan.FromMilliseconds(20));
                lock (received)
                {
                    return Task.FromResult(received.ToList());
                }
            },
            list => list.Any(m => m.Kind == "inventory"),
            because: "the Inventory message");

        int at = messages.FindIndex(m => m.Kind == "inventory");
        Assert.True(at > 0, "a quote came first");
        Assert.Equal(("quote", messages[at].Seq - 1), messages[at - 1]);
        Assert.Equal(Enumerable.Range(0, at + 1).Select(i => messages[0].Seq + i), messages.Take(at + 1).Select(m => m.Seq));
    }

    private static Task PostAsync(HttpClient ingest, double price) =>
        ingest.PostItemsAsync("/api/v1/ticks", TestApi.Tick(Instrument, DateTimeOffset.UtcNow.ToString("O"), price));

    private static HubConnection Connect(MonitorServerFactory server, string query) => new HubConnectionBuilder()
        .WithUrl(new Uri(server.Server.BaseAddress, "/hubs/market" + query), options =>
        {
            options.HttpMessageHandlerFactory = _ => server.Server.CreateHandler();
            options.Transports = HttpTransportType.LongPolling;
        })
        .Build();

    /// <summary>Quotes received on one connection, in order; safe to add to from the connection's thread.</summary>
    private sealed class Received
    {
        private readonly List<JsonElement> _quotes = [];

        public int Count
        {
            get
            {
                lock (_quotes)
                {
                    return _quotes.Count;
                }
            }
        }

        public void Add(JsonElement quote) => AddAll([quote]);

        public void AddAll(IEnumerable<JsonElement> quotes)
        {
            lock (_quotes)
            {
                _quotes.AddRange(quotes.Select(q => q.Clone()));
            }
        }

        public List<JsonElement> All()
        {
            lock (_quotes)
            {
                return [.. _quotes];
            }
        }

        public JsonElement Single() => Assert.Single(All());

        public List<double> Prices() => All().ConvertAll(q => q.GetProperty("price").GetDouble());
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Monitor.Cli.Tests;

/// <summary>One request as the receiver saw it, in arrival order.</summary>
public sealed record ReceivedRequest(string Path, string? ApiKey, string? ContentType, byte[] Body);

/// <summary>
/// How the receiver's stand-in for <c>/hubs/market</c> answers: a quote per instrument of every tick batch (in a
/// <c>Quotes</c> message of its own, as to a connection that asks for quote batches),
/// carrying the ts of that instrument's newest tick in it, sent before the POST is answered. Optionally also one
/// quote per instrument with a ts no feed posted (before its first echo), and a seq that skips a number once per
/// instrument (at its second echo).
/// </summary>
public sealed record QuoteEcho(bool ForeignQuotes = false, bool SkipSeqOnce = false)
{
    public static readonly DateTimeOffset ForeignTs = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
}

/// <summary>
/// A stand-in for the server's ingest routes on 127.0.0.1 and a free port: records every request and answers like
/// <c>POST /api/v1/ticks</c> does (everything accepted), or with a fixed problem when told to; with a
/// <see cref="QuoteEcho"/>, also a SignalR hub at <c>/hubs/market</c> that echoes quotes.
/// </summary>
public sealed class FeedReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly TaskCompletionSource _firstTicks = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly QuoteEcho? _echo;
    private readonly EchoHubState _hub = new();

    private FeedReceiver(bool inventoryRoute, int? ticksStatus, QuoteEcho? echo)
    {
        _echo = echo;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (echo is not null)
        {
            builder.Services.AddSignalR();
            builder.Services.AddSingleton(_hub);
        }

        _app = builder.Build();
        _app.MapPost("/api/v1/ticks", async (HttpRequest request) =>
        {
            var received = await RecordAsync(request);
            _firstTicks.TrySetResult();
            if (ticksStatus is { } status)
            {
                return Results.Problem(title: "Unauthorized", detail: "the API key is not valid; pass a key with the ingest role", statusCode: status);
            }

            if (_echo is not null)
            {
                await EchoQuotesAsync(request.HttpContext.RequestServices.GetRequiredService<IHubContext<EchoHub>>(), received.Body);
            }

            return Accepted(received.Body);
        });
        if (inventoryRoute)
        {
            _app.MapPost("/api/v1/inventory", async (HttpRequest request) => Accepted((await RecordAsync(request)).Body));
        }

        if (echo is not null)
        {
            _app.MapHub<EchoHub>("/hubs/market");
        }
    }

    public IReadOnlyCollection<ReceivedRequest> Requests => _requests;

    public Uri Url => new(_app.Urls.First());

    /// <summary>The instruments hub clients subscribed to.</summary>
    public IReadOnlyCollection<string> Subscribed => _hub.Subscribed.Keys.ToList();

    /// <summary>Quotes echoed for posted batches: one per instrument per batch.</summary>
    public int EchoedQuotes => _hub.Echoed;

    /// <summary>Quotes sent with <see cref="QuoteEcho.ForeignTs"/>.</summary>
    public int ForeignQuotes => _hub.Foreign;

    /// <summary>Seq numbers skipped.</summary>
    public int SkippedSeqs => _hub.Skipped;

    public static async Task<FeedReceiver> StartAsync(bool inventoryRoute = true, int? ticksStatus = null, QuoteEcho? echo = null)
    {
        var receiver = new FeedReceiver(inventoryRoute, ticksStatus, echo);
        await receiver._app.StartAsync();
        return receiver;
    }

    /// <summary>Completes when the first tick batch has arrived, or fails after <paramref name="deadline"/>.</summary>
    public Task WaitForTicksAsync(TimeSpan deadline) => _firstTicks.Task.WaitAsync(deadline);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static IResult Accepted(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return Results.Json(new { accepted = document.RootElement.GetArrayLength(), duplicates = 0, late = 0, rejected = Array.Empty<object>() });
    }

    private async Task<ReceivedRequest> RecordAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var received = new ReceivedRequest(request.Path, request.Headers["X-Api-Key"].FirstOrDefault(), request.ContentType, body.ToArray());
        _requests.Enqueue(received);
        return received;
    }

    /// <summary>A quote per instrument in the batch (one poster sends all of an instrument's batches, so its seq stays in order).</summary>
    private async Task EchoQuotesAsync(IHubContext<EchoHub> hub, byte[] body)
    {
        List<(string Instrument, DateTimeOffset Ts, double Price)> ticks;
        using (var document = JsonDocument.Parse(body))
        {
            ticks = [.. document.RootElement.EnumerateArray().Select(t =>
                (t.GetProperty("instrument").GetString()!, t.GetProperty("ts").GetDateTimeOffset(), t.GetProperty("price").GetDouble()))];
        }

        foreach (var newest in ticks.GroupBy(t => t.Instrument).Select(g => g.MaxBy(t => t.Ts)))
        {
            var group = hub.Clients.Group(EchoHub.Group(newest.Instrument));
            var state = _hub.Instruments.GetOrAdd(newest.Instrument, _ => new EchoedInstrument());
            if (_echo!.ForeignQuotes && state.Quotes == 0)
            {
                await group.SendAsync("Quotes", new[] { Quote(newest.Instrument, QuoteEcho.ForeignTs, newest.Price, ++state.Seq) });
                Interlocked.Increment(ref _hub.Foreign);
            }

            if (_echo.SkipSeqOnce && state.Quotes == 1)
            {
                state.Seq++;
                Interlocked.Increment(ref _hub.Skipped);
            }

            await group.SendAsync("Quotes", new[] { Quote(newest.Instrument, newest.Ts, newest.Price, ++state.Seq) });
            state.Quotes++;
            Interlocked.Increment(ref _hub.Echoed);
        }
    }

    /// <summary>Shaped as the server's <c>Quote</c> (docs/api.md, Hub).</summary>
    private static object Quote(string instrument, DateTimeOffset ts, double price, long seq) => new
    {
        instrument,
        ts,
        price,
        changePct = 0.5,
        bar = new { interval = "1m", ts = new DateTimeOffset(ts.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero), open = price, high = price, low = price, close = price, volume = 1.0 },
        indicators = new Dictionary<string, double> { ["rsi(14)"] = 50 },
        seq,
    };

    private sealed class EchoedInstrument
    {
        public long Seq { get; set; }

        public int Quotes { get; set; }
    }

    private sealed class EchoHubState
    {
#pragma warning disable CA1051 // Fields, so that Interlocked can update them.
        public int Echoed;
        public int Foreign;
        public int Skipped;
#pragma warning restore CA1051

        public ConcurrentDictionary<string, bool> Subscribed { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, EchoedInstrument> Instruments { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>The hub's subscription method; quotes go to a group per instrument, as on the server.</summary>
    private sealed class EchoHub(EchoHubState state) : Hub
    {
        public static string Group(string instrument) => "instrument:" + instrument;

        public async Task SubscribeInstruments(string[] ids)
        {
            foreach (string id in ids)
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, Group(id));
                state.Subscribed[id] = true;
            }
        }
    }
}

using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;

namespace Monitor.Cli.Feed;

/// <summary>
/// Clients of the server's <c>/hubs/market</c> (docs/api.md, Hub), one or more connections each subscribed to the
/// instruments being fed and taking quote batches (<c>?quotes=batched</c>, a <c>Quotes</c> message per push); hands
/// every quote (and the seq of every <c>Inventory</c> message) to a <see cref="HubLatencyTracker"/>, which tracks each
/// connection on its own. The first connection is SignalR's own .NET client, so what the figures rest on is read as
/// any SignalR client reads it; the others are <see cref="LeanHubConnection"/>s, which read only what they measure, so
/// that a thousand of them on the same machine leave the CPU to the server they measure. The API key goes along (as the
/// access token, or the <c>X-Api-Key</c> header), in case reading needs one.
/// </summary>
internal sealed class MarketHubListener : IAsyncDisposable
{
    public const string HubPath = "hubs/market";

    /// <summary>Quotes come as one <c>Quotes</c> message per push.</summary>
    public const string BatchedQuotes = "?quotes=batched";

    /// <summary>Connections opened at once while connecting many.</summary>
    private const int ConnectingAtOnce = 16;

    private readonly HubConnection _connection;
    private readonly LeanHubConnection?[] _lean;
    private readonly TextWriter _output;
    private volatile bool _stopping;
    private int _connectionsLost;

    private MarketHubListener(HubConnection connection, int leanConnections, HubLatencyTracker tracker, TextWriter output)
    {
        _connection = connection;
        _lean = new LeanHubConnection?[leanConnections];
        Tracker = tracker;
        _output = output;
    }

    /// <summary>What the quotes received so far show.</summary>
    public HubLatencyTracker Tracker { get; }

    /// <summary>Whether a connection closed before the feed ended (its quotes after that were missed).</summary>
    public bool ConnectionLost => ConnectionsLost > 0;

    /// <summary>Connections that closed before the feed ended.</summary>
    public int ConnectionsLost => Volatile.Read(ref _connectionsLost);

    /// <summary>Connects as many clients as <paramref name="tracker"/> tracks and subscribes each; throws when one fails (the hub's own message is in the exception).</summary>
    /// <param name="output">Must be safe to write from several threads.</param>
    public static async Task<MarketHubListener> ConnectAsync(
        Uri baseUrl, string apiKey, IReadOnlyList<string> instruments, HubLatencyTracker tracker, TextWriter output, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, HubPath + BatchedQuotes), options => options.AccessTokenProvider = () => Task.FromResult<string?>(apiKey))
            .Build();
        var listener = new MarketHubListener(connection, tracker.Clients - 1, tracker, output);
        connection.On<QuoteMessage[]>("Quotes", quotes =>
        {
            long arrivedAt = Stopwatch.GetTimestamp();
            foreach (var quote in quotes)
            {
                tracker.RecordQuote(quote.Instrument, quote.Ts, quote.Seq, arrivedAt);
            }
        });
        connection.On<SequencedMessage>("Inventory", message =>
        {
            if (message.Seq is { } seq)
            {
                tracker.RecordSeq(message.Instrument, seq);
            }
        });
        connection.Closed += error => listener.OnClosedAsync(error?.Message);

        try
        {
            await connection.StartAsync(cancellationToken);
            await connection.InvokeAsync("SubscribeInstruments", instruments.ToArray(), cancellationToken);
            await Parallel.ForEachAsync(
                Enumerable.Range(0, listener._lean.Length),
                new ParallelOptions { MaxDegreeOfParallelism = ConnectingAtOnce, CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    var lean = await LeanHubConnection.ConnectAsync(baseUrl, apiKey, instruments, tracker, client: i + 1, token);
                    lean.Closed += reason => listener.OnClosedAsync(reason);
                    listener._lean[i] = lean;
                });
            return listener;
        }
        catch
        {
            await listener.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        await _connection.DisposeAsync();
        foreach (var lean in _lean)
        {
            if (lean is not null)
            {
                await lean.DisposeAsync();
            }
        }
    }

    private Task OnClosedAsync(string? reason)
    {
        if (!_stopping)
        {
            Interlocked.Increment(ref _connectionsLost);
            _output.WriteLine($"warning: {HubPath} closed a connection{(reason is null ? "" : $": {reason}")}; its quotes from now on are missed");
        }

        return Task.CompletedTask;
    }

    /// <summary>The fields of a <c>Quote</c> the latency needs; the rest is ignored.</summary>
    private sealed record QuoteMessage(string Instrument, DateTimeOffset Ts, long Seq);

    /// <summary>The fields of an <c>Inventory</c> message that matter for seq gaps.</summary>
    private sealed record SequencedMessage(string Instrument, long? Seq);
}

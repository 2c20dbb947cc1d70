using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;

namespace Monitor.Cli.Feed;

/// <summary>
/// A SignalR client of the server's <c>/hubs/market</c> (docs/api.md, Hub), subscribed to the instruments being
/// fed; hands every <c>Quote</c> (and the seq of every <c>Inventory</c> message) to a <see cref="HubLatencyTracker"/>.
/// The API key goes along as the access token, in case reading needs one.
/// </summary>
internal sealed class MarketHubListener : IAsyncDisposable
{
    public const string HubPath = "hubs/market";

    private readonly HubConnection _connection;
    private readonly TextWriter _output;
    private volatile bool _stopping;
    private volatile bool _connectionLost;

    private MarketHubListener(HubConnection connection, HubLatencyTracker tracker, TextWriter output)
    {
        _connection = connection;
        Tracker = tracker;
        _output = output;
    }

    /// <summary>What the quotes received so far show.</summary>
    public HubLatencyTracker Tracker { get; }

    /// <summary>Whether the connection closed before the feed ended (quotes after that were missed).</summary>
    public bool ConnectionLost => _connectionLost;

    /// <summary>Connects and subscribes; throws when either fails (the hub's own message is in the exception).</summary>
    /// <param name="output">Must be safe to write from several threads.</param>
    public static async Task<MarketHubListener> ConnectAsync(
        Uri baseUrl, string apiKey, IReadOnlyList<string> instruments, HubLatencyTracker tracker, TextWriter output, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, HubPath), options => options.AccessTokenProvider = () => Task.FromResult<string?>(apiKey))
            .Build();
        connection.On<QuoteMessage>("Quote", quote => tracker.RecordQuote(quote.Instrument, quote.Ts, quote.Seq, Stopwatch.GetTimestamp()));
        connection.On<SequencedMessage>("Inventory", message =>
        {
            if (message.Seq is { } seq)
            {
                tracker.RecordSeq(message.Instrument, seq);
            }
        });
        var listener = new MarketHubListener(connection, tracker, output);
        connection.Closed += listener.OnClosedAsync;
        try
        {
            await connection.StartAsync(cancellationToken);
            await connection.InvokeAsync("SubscribeInstruments", instruments.ToArray(), cancellationToken);
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
    }

    private Task OnClosedAsync(Exception? error)
    {
        if (!_stopping)
        {
            _connectionLost = true;
            _output.WriteLine($"warning: {HubPath} closed the connection{(error is null ? "" : $": {error.Message}")}; quotes from now on are missed");
        }

        return Task.CompletedTask;
    }

    /// <summary>The fields of a <c>Quote</c> the latency needs; the rest is ignored.</summary>
    private sealed record QuoteMessage(string Instrument, DateTimeOffset Ts, long Seq);

    /// <summary>The fields of an <c>Inventory</c> message that matter for seq gaps.</summary>
    private sealed record SequencedMessage(string Instrument, long? Seq);
}

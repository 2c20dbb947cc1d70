using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Monitor.Cluster.Tests;

/// <summary>One <c>Quote</c> as a hub client received it.</summary>
internal sealed record ReceivedQuote(string Instrument, long Seq, DateTimeOffset At);

/// <summary>
/// A real SignalR client on one silo, subscribed to instruments and to alerts, recording every quote with its
/// arrival time and every alert push as "transition alertId".
/// </summary>
internal sealed class HubListener : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly ConcurrentQueue<ReceivedQuote> _quotes = new();
    private readonly ConcurrentQueue<string> _alerts = new();

    private HubListener(HubConnection connection)
    {
        _connection = connection;
        _connection.On<JsonElement>("Quote", quote => _quotes.Enqueue(new ReceivedQuote(
            quote.GetProperty("instrument").GetString()!, quote.GetProperty("seq").GetInt64(), DateTimeOffset.UtcNow)));
        _connection.On<JsonElement>("Alert", push => _alerts.Enqueue(
            $"{push.GetProperty("transition").GetString()} {push.GetProperty("alert").GetProperty("id").GetString()}"));
    }

    public IReadOnlyList<ReceivedQuote> Quotes => [.. _quotes];

    public IReadOnlyList<string> Alerts => [.. _alerts];

    public static async Task<HubListener> StartAsync(ServerProcess silo, IReadOnlyList<string> instruments)
    {
        var listener = new HubListener(new HubConnectionBuilder().WithUrl(new Uri(silo.BaseAddress, "/hubs/market")).Build());
        await listener._connection.StartAsync();
        await listener._connection.InvokeAsync("SubscribeInstruments", instruments);
        await listener._connection.InvokeAsync("SubscribeAlerts");
        return listener;
    }

    /// <summary>Each instrument's first quote that <paramref name="counts"/>, once every instrument has one.</summary>
    public Task<Dictionary<string, ReceivedQuote>> WaitForEveryInstrumentAsync(
        IReadOnlyList<string> instruments, Func<ReceivedQuote, bool> counts, TimeSpan timeout, string because) =>
        Eventually.GetAsync(
            () => Task.FromResult(Quotes.Where(counts).GroupBy(q => q.Instrument).ToDictionary(g => g.Key, g => g.First())),
            first => instruments.All(first.ContainsKey),
            timeout,
            because);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}

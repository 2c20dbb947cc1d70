using System.Text.Json.Serialization;
using Orleans.Concurrency;
using Orleans.Runtime;
using Monitor.Core.Market;
using Monitor.Grains.Alerts;

namespace Monitor.Grains;

/// <summary>
/// Receives live updates on one silo and hands them to that silo's SignalR clients. Each silo registers one with
/// the <see cref="IRelayDirectoryGrain"/>; grains send every update to every silo's relay.
/// </summary>
[Alias("Monitor.IMarketRelay")]
public interface IMarketRelay : IGrainObserver
{
    /// <summary>Quotes of one silo's instruments, as many as gathered since its last batch (<see cref="RelayOutbox"/>).</summary>
    [OneWay, Alias("OnQuotes")]
    Task OnQuotesAsync(QuoteBatch batch);

    [OneWay, Alias("OnInventory")]
    Task OnInventoryAsync(InventoryMessage inventory);

    /// <summary>An alert changed state; the message carries it as stored.</summary>
    [OneWay, Alias("OnAlert")]
    Task OnAlertAsync(AlertMessage alert);
}

/// <summary>The silos' relays. Silos renew their registration every few seconds; a silent one expires.</summary>
[Alias("Monitor.IRelayDirectoryGrain")]
public interface IRelayDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("Register")]
    Task RegisterAsync(IMarketRelay relay);

    [Alias("Unregister")]
    Task UnregisterAsync(IMarketRelay relay);

    [Alias("GetRelays")]
    Task<IMarketRelay[]> GetRelaysAsync();
}

[GenerateSerializer, Immutable, Alias("Monitor.QuoteBar")]
public sealed record QuoteBar(
    [property: Id(0)] string Interval,
    [property: Id(1)] DateTimeOffset Ts,
    [property: Id(2)] double Open,
    [property: Id(3)] double High,
    [property: Id(4)] double Low,
    [property: Id(5)] double Close,
    [property: Id(6)] double Volume);

/// <summary>
/// The <c>Quote</c> hub message (docs/api.md, Hub): the instrument's latest state. <paramref name="PrevSeq"/> is set by
/// the hub on a quote sent after it left quotes out (coalesced): the seq of the message it sent before this one.
/// </summary>
[GenerateSerializer, Immutable, Alias("Monitor.QuoteMessage")]
public sealed record QuoteMessage(
    [property: Id(0)] string Instrument,
    [property: Id(1)] DateTimeOffset Ts,
    [property: Id(2)] double Price,
    [property: Id(3)] double? ChangePct,
    [property: Id(4)] QuoteBar? Bar,
    [property: Id(5)] IReadOnlyDictionary<string, double> Indicators,
    [property: Id(6)] long Seq,
    [property: Id(7), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? PrevSeq = null);

/// <summary>Quotes on their way to a relay together; immutable, so a relay on the same silo takes them without a copy.</summary>
[GenerateSerializer, Immutable, Alias("Monitor.QuoteBatch")]
public sealed record QuoteBatch([property: Id(0)] QuoteMessage[] Quotes);

/// <summary>The <c>Inventory</c> hub message: a new value, or with <paramref name="Restated"/> a new version of one
/// (<paramref name="Location"/> null for the series' total).</summary>
[GenerateSerializer, Immutable, Alias("Monitor.InventoryMessage")]
public sealed record InventoryMessage(
    [property: Id(0)] string Instrument,
    [property: Id(1)] string Series,
    [property: Id(2)] string AsOf,
    [property: Id(3)] double Quantity,
    [property: Id(4)] string Unit,
    [property: Id(5)] long Seq,
    [property: Id(6)] string? Location,
    [property: Id(7)] bool Restated);

public sealed class RelayDirectoryGrain(TimeProvider clock) : Grain, IRelayDirectoryGrain
{
    /// <summary>A relay not renewed within this long is dropped (its silo is gone).</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(15);

    private readonly Dictionary<IMarketRelay, DateTimeOffset> _relays = [];

    public Task RegisterAsync(IMarketRelay relay)
    {
        _relays[relay] = clock.GetUtcNow();
        return Task.CompletedTask;
    }

    public Task UnregisterAsync(IMarketRelay relay)
    {
        _relays.Remove(relay);
        return Task.CompletedTask;
    }

    public Task<IMarketRelay[]> GetRelaysAsync()
    {
        var cutoff = clock.GetUtcNow() - Expiry;
        foreach (var stale in _relays.Where(r => r.Value < cutoff).Select(r => r.Key).ToList())
        {
            _relays.Remove(stale);
        }

        return Task.FromResult(_relays.Keys.ToArray());
    }
}

/// <summary>
/// A grain's cached view of the relays. Pushes are best effort and never hold the grain up: the list is refreshed
/// in the background every couple of seconds while pushes go to the relays known, and only a fresh list (a new
/// activation, or none known yet) is waited for. While the directory cannot answer (its silo died and it is moving)
/// the relays known before are kept.
/// </summary>
public sealed class RelayFanOut(IGrainFactory grains, TimeProvider clock) : IRelaySink
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);

    private IMarketRelay[] _relays = [];
    private DateTimeOffset _refreshedAt = DateTimeOffset.MinValue;
    private Task _refreshing = Task.CompletedTask;

    public async Task SendAsync(Func<IMarketRelay, Task> send)
    {
        if (_refreshing.IsCompleted && clock.GetUtcNow() - _refreshedAt > Refresh)
        {
            _refreshing = RefreshAsync();
        }

        if (_relays.Length == 0)
        {
            await _refreshing;
        }

        foreach (var relay in _relays)
        {
            // One-way calls: a dead silo's relay costs nothing but a dropped message.
            _ = send(relay);
        }
    }

    private async Task RefreshAsync()
    {
        try
        {
            var relays = await grains.GetGrain<IRelayDirectoryGrain>(0).GetRelaysAsync();
            if (relays.Length > 0)
            {
                _relays = relays;
                _refreshedAt = clock.GetUtcNow();
            }
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            // Asked again at the next push; the silos register with the directory's new activation at once.
        }
    }
}

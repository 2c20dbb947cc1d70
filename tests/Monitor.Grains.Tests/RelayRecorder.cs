using System.Threading.Channels;
using Monitor.Grains;
using Monitor.Grains.Alerts;

namespace Monitor.Grains.Tests;

/// <summary>A hub relay as a silo registers one, recording what the grains push to it.</summary>
public sealed class RelayRecorder : IMarketRelay
{
    private readonly Channel<QuoteMessage> _quotes = Channel.CreateUnbounded<QuoteMessage>();

    public Task OnQuoteAsync(QuoteMessage quote) => _quotes.Writer.WriteAsync(quote).AsTask();

    public Task OnInventoryAsync(InventoryMessage inventory) => Task.CompletedTask;

    public Task OnAlertAsync(AlertMessage alert) => Task.CompletedTask;

    /// <summary>The next quote pushed; fails after a wall-clock deadline (the push is a one-way call, so it arrives a moment later).</summary>
    public async Task<QuoteMessage> NextQuoteAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _quotes.Reader.ReadAsync(deadline.Token);
    }

    /// <summary>Registers this relay with the silo's relay directory, as each silo's relay service does.</summary>
    public async Task RegisterAsync(IGrainFactory grains)
    {
        var reference = grains.CreateObjectReference<IMarketRelay>(this);
        await grains.GetGrain<IRelayDirectoryGrain>(0).RegisterAsync(reference);
    }
}

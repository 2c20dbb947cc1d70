using System.Threading.Channels;
using Monitor.Grains;
using Monitor.Grains.Alerts;

namespace Monitor.Grains.Tests;

/// <summary>
/// A hub relay as a silo registers one, recording what the grains push to it; or, for a publisher without a silo, the
/// sink that sends to it alone.
/// </summary>
public sealed class RelayRecorder : IMarketRelay, IRelaySink
{
    private readonly Channel<QuoteMessage> _quotes = Channel.CreateUnbounded<QuoteMessage>();

    public Task OnQuoteAsync(QuoteMessage quote) => _quotes.Writer.WriteAsync(quote).AsTask();

    public Task OnInventoryAsync(InventoryMessage inventory) => Task.CompletedTask;

    public Task OnAlertAsync(AlertMessage alert) => Task.CompletedTask;

    public Task SendAsync(Func<IMarketRelay, Task> send) => send(this);

    /// <summary>The quotes pushed and not read yet (a publisher without a silo pushes before its call returns).</summary>
    public List<QuoteMessage> Pushed()
    {
        var quotes = new List<QuoteMessage>();
        while (_quotes.Reader.TryRead(out var quote))
        {
            quotes.Add(quote);
        }

        return quotes;
    }

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

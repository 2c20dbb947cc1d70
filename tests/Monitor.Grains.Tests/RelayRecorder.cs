using System.Threading.Channels;
using Monitor.Grains;
using Monitor.Grains.Alerts;

namespace Monitor.Grains.Tests;

/// <summary>
/// A hub relay as a silo registers one, recording what the grains push to it in order; or, for an outbox without a
/// silo, the sink that sends to it alone.
/// </summary>
public sealed class RelayRecorder : IMarketRelay, IRelaySink
{
    private readonly Channel<object> _messages = Channel.CreateUnbounded<object>();

    public Task OnQuotesAsync(QuoteBatch batch)
    {
        foreach (var quote in batch.Quotes)
        {
            _messages.Writer.TryWrite(quote);
        }

        return Task.CompletedTask;
    }

    public Task OnInventoryAsync(InventoryMessage inventory) => _messages.Writer.WriteAsync(inventory).AsTask();

    public Task OnAlertAsync(AlertMessage alert) => Task.CompletedTask;

    public Task SendAsync(Func<IMarketRelay, Task> send) => send(this);

    /// <summary>The quotes pushed and not read yet.</summary>
    public List<QuoteMessage> Pushed()
    {
        var quotes = new List<QuoteMessage>();
        while (_messages.Reader.TryRead(out var message))
        {
            if (message is QuoteMessage quote)
            {
                quotes.Add(quote);
            }
        }

        return quotes;
    }

    /// <summary>The next quote pushed (inventory messages before it are skipped).</summary>
    public async Task<QuoteMessage> NextQuoteAsync()
    {
        while (true)
        {
            if (await NextMessageAsync() is QuoteMessage quote)
            {
                return quote;
            }
        }
    }

    /// <summary>The next message pushed, quote or inventory; fails after a wall-clock deadline (pushes go out from the
    /// silo's outbox loop, so they arrive a moment later).</summary>
    public async Task<object> NextMessageAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _messages.Reader.ReadAsync(deadline.Token);
    }

    /// <summary>Registers this relay with the silo's relay directory, as each silo's relay service does.</summary>
    public async Task RegisterAsync(IGrainFactory grains)
    {
        var reference = grains.CreateObjectReference<IMarketRelay>(this);
        await grains.GetGrain<IRelayDirectoryGrain>(0).RegisterAsync(reference);
    }
}

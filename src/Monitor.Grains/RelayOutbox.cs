using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Monitor.Grains.Telemetry;

namespace Monitor.Grains;

/// <summary>
/// This silo's quotes and inventory messages on their way to every silo's hub relay. Grains hand them over with a
/// method call and one loop sends what gathered as one batch per relay, at most once per <see cref="Interval"/>: the
/// first message after a quiet interval at once, later ones at the interval's end. A quote handed over while an earlier
/// one of its instrument still waits replaces it, so each instrument's quote goes out at most once per interval with
/// its latest state. With thousands of instruments this costs the silo one loop instead of a timer per grain and a
/// one-way call per quote and relay.
/// </summary>
/// <remarks>
/// Quotes are numbered when they go out (the next <see cref="OutboxSlot.Seq"/>), so a replaced quote leaves no gap;
/// an inventory message is numbered when handed over, after the quote of its instrument that waits (numbered then), so
/// the seq a client sees of an instrument keeps its order.
/// </remarks>
public sealed class RelayOutbox : IAsyncDisposable
{
    /// <summary>Short, so a tick reaches the hub within it; the hub batches quotes per connection besides.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    private readonly IRelaySink _relays;
    private readonly TimeProvider _clock;
    private readonly ILogger<RelayOutbox> _logger;
    private readonly Lock _gate = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    // In the order handed over: a numbered message, or the slot whose waiting quote goes there (numbered on the way out).
    private List<object> _waiting = [];
    private List<object> _sending = [];

    public RelayOutbox(IGrainFactory grains, TimeProvider clock, ILogger<RelayOutbox> logger)
        : this(new RelayFanOut(grains, clock), clock, logger)
    {
    }

    internal RelayOutbox(IRelaySink relays, TimeProvider clock, ILogger<RelayOutbox> logger)
    {
        _relays = relays;
        _clock = clock;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Hands over an instrument's latest quote (its seq is set on the way out).</summary>
    public void Quote(OutboxSlot slot, QuoteMessage quote)
    {
        lock (_gate)
        {
            if (slot.Unsent is null)
            {
                slot.UnsentSince = _clock.GetTimestamp();
                slot.WaitingAt = _waiting.Count;
                _waiting.Add(slot);
            }

            slot.Unsent = quote;
        }

        _wake.Writer.TryWrite(true);
    }

    /// <summary>Hands over an inventory message, numbered now after its instrument's waiting quote.</summary>
    public void Inventory(OutboxSlot slot, InventoryMessage inventory)
    {
        lock (_gate)
        {
            if (slot.Unsent is not null)
            {
                _waiting[slot.WaitingAt] = NumberUnsent(slot);
            }

            _waiting.Add(inventory with { Seq = slot.Next() });
        }

        _wake.Writer.TryWrite(true);
    }

    /// <summary>Stops the loop; what waits is dropped (pushes are best effort, a client that misses one reloads on the gap).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private QuoteMessage NumberUnsent(OutboxSlot slot)
    {
        var quote = slot.Unsent! with { Seq = slot.Next() };
        slot.Unsent = null;
        MonitorMetrics.HubPushLag.Record(_clock.GetElapsedTime(slot.UnsentSince).TotalMilliseconds);
        return quote;
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        long lastSent = 0; // long ago: the first message goes at once
        try
        {
            while (await _wake.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                var wait = Interval - _clock.GetElapsedTime(lastSent);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _clock, stopping).ConfigureAwait(false);
                }

                lastSent = _clock.GetTimestamp();
                await SendWaitingAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task SendWaitingAsync()
    {
        lock (_gate)
        {
            (_waiting, _sending) = (_sending, _waiting);
            for (int i = 0; i < _sending.Count; i++)
            {
                if (_sending[i] is OutboxSlot slot)
                {
                    _sending[i] = NumberUnsent(slot);
                }
            }
        }

        // Quotes go in batches; an inventory message between them keeps its place.
        var quotes = new List<QuoteMessage>();
        foreach (var message in _sending)
        {
            if (message is QuoteMessage quote)
            {
                quotes.Add(quote);
                continue;
            }

            await SendAsync(quotes).ConfigureAwait(false);
            var inventory = (InventoryMessage)message;
            await SendAsync(relay => relay.OnInventoryAsync(inventory)).ConfigureAwait(false);
        }

        await SendAsync(quotes).ConfigureAwait(false);
        _sending.Clear();
    }

    private Task SendAsync(List<QuoteMessage> quotes)
    {
        if (quotes.Count == 0)
        {
            return Task.CompletedTask;
        }

        var batch = new QuoteBatch([.. quotes]);
        quotes.Clear();
        return SendAsync(relay => relay.OnQuotesAsync(batch));
    }

    private async Task SendAsync(Func<IMarketRelay, Task> send)
    {
        try
        {
            await _relays.SendAsync(send).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Pushes are best effort: a client that missed one sees the seq gap and reloads.
            _logger.LogWarning(e, "Pushing to the hub relays failed");
        }
    }
}

/// <summary>
/// One instrument's messages through the <see cref="RelayOutbox"/>: the seq they carry, consecutive, and its quote that
/// waits to go out, if any (kept under the outbox's lock).
/// </summary>
public sealed class OutboxSlot(long after)
{
    private long _seq = after;

    /// <summary>The seq of the last message numbered (sent, or on its way).</summary>
    public long Seq => Volatile.Read(ref _seq);

    internal QuoteMessage? Unsent { get; set; }

    internal long UnsentSince { get; set; }

    /// <summary>Where the outbox's list of waiting messages holds the place of <see cref="Unsent"/>.</summary>
    internal int WaitingAt { get; set; }

    internal long Next() => Interlocked.Increment(ref _seq);
}

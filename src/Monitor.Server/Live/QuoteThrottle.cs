using Monitor.Grains;

namespace Monitor.Server.Live;

/// <summary>
/// One instrument's quotes to the connections that take them one by one (<c>Quote</c>, not <c>?quotes=batched</c>): at
/// most one per <see cref="Interval"/>, the latest state. The first quote after a quiet interval goes at once; later
/// ones wait for the interval's end (<see cref="TakeDue"/>), and only the newest is sent. Grains quote up to every
/// 10 ms for the batching connections; the contract promises these connections about 10 a second.
/// </summary>
/// <remarks>
/// A quote sent after others were left out carries <see cref="QuoteMessage.PrevSeq"/>, the seq of the message sent
/// before it, so a client does not take the quotes left out for a gap. Only quotes this throttle left out are covered:
/// when a message never reached the hub (seq skipped on arrival), the next quote carries no <c>prevSeq</c> and the
/// client sees the gap. An <c>Inventory</c> message sends the waiting quote first (<see cref="BeforeInventory"/>), so
/// it follows the quote before it without a gap.
/// </remarks>
internal sealed class QuoteThrottle(TimeProvider clock)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly Lock _lock = new();
    private QuoteMessage? _waiting;
    private long _sentAt;
    private bool _sentAny;

    /// <summary>The seq of the last message sent to these connections (quote or inventory), 0 before the first.</summary>
    private long _lastSent;

    /// <summary>The seq of the last message that reached the hub, 0 before the first.</summary>
    private long _received;

    /// <summary>A message between the last one sent and the waiting quote never reached the hub.</summary>
    private bool _lost;

    /// <summary>Whether a quote waits for its interval's end.</summary>
    public bool IsWaiting
    {
        get
        {
            lock (_lock)
            {
                return _waiting is not null;
            }
        }
    }

    /// <summary>The quote to send now, or null when it waits for the interval's end (or an older one came late).</summary>
    public QuoteMessage? Offer(QuoteMessage quote)
    {
        lock (_lock)
        {
            if (quote.Seq <= _received)
            {
                return null;
            }

            Arrived(quote.Seq);
            if (_sentAny && clock.GetElapsedTime(_sentAt) < Interval)
            {
                _waiting = quote;
                return null;
            }

            return Release(quote);
        }
    }

    /// <summary>The waiting quote once its interval has ended; null when none waits or it is not due yet.</summary>
    public QuoteMessage? TakeDue()
    {
        lock (_lock)
        {
            return _waiting is { } waiting && clock.GetElapsedTime(_sentAt) >= Interval ? Release(waiting) : null;
        }
    }

    /// <summary>An <c>Inventory</c> message with <paramref name="seq"/> is being sent: answers the waiting quote, to send before it.</summary>
    public QuoteMessage? BeforeInventory(long seq)
    {
        lock (_lock)
        {
            var waiting = _waiting is { } quote ? Release(quote) : null;
            if (seq > _received)
            {
                // The client checks the inventory message's own seq against the last it saw.
                _received = seq;
                _lastSent = seq;
                _lost = false;
            }

            return waiting;
        }
    }

    private void Arrived(long seq)
    {
        _lost |= _received != 0 && seq > _received + 1;
        _received = seq;
    }

    private QuoteMessage Release(QuoteMessage quote)
    {
        bool leftOut = !_lost && _lastSent != 0 && quote.Seq > _lastSent + 1;
        var sent = leftOut ? quote with { PrevSeq = _lastSent } : quote;
        _waiting = null;
        _lost = false;
        _lastSent = quote.Seq;
        _sentAt = clock.GetTimestamp();
        _sentAny = true;
        return sent;
    }
}

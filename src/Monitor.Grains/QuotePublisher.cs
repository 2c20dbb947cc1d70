using System.Globalization;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Grains.Telemetry;

namespace Monitor.Grains;

/// <summary>Where a grain's live updates go: every silo's hub relay (<see cref="RelayFanOut"/>).</summary>
public interface IRelaySink
{
    Task SendAsync(Func<IMarketRelay, Task> send);
}

/// <summary>
/// An instrument's live messages to the hub relays: its quotes, coalesced, its inventory, and the <c>seq</c> they carry.
/// A quote goes out at most once per <see cref="Interval"/> with the latest state: the first change after a quiet
/// interval at once, changes within an interval at its end, by a flush the grain schedules when asked
/// (<paramref name="scheduleFlush"/>, the time from now), so a tick waits at most one short interval and an idle
/// instrument costs no timer.
/// </summary>
/// <remarks>
/// The seq is consecutive within an activation and starts above any earlier activation's (activation time in ms x 1000),
/// and above <c>after</c> with a gap (a publisher that replaces one in the same activation), so a client sees a gap,
/// and reloads, whenever it may have missed something.
/// </remarks>
public sealed class QuotePublisher(
    InstrumentPipeline pipeline, IRelaySink relays, TimeProvider clock, Action<TimeSpan> scheduleFlush, long after = 0)
{
    /// <summary>Short, so a tick reaches the hub within it; the hub batches quotes per connection besides.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    private bool _due;
    private bool _flushScheduled;
    private long _dueSince;
    private long _lastPush;

    /// <summary>The seq of the last message sent (or the activation's starting point).</summary>
    public long Seq { get; private set; } = Math.Max(clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000, after + 1);

    /// <summary>Ticks were applied: pushes now unless a quote went out within the interval (then a flush at its end sends it).</summary>
    public Task ChangedAsync()
    {
        if (!_due)
        {
            _due = true;
            _dueSince = clock.GetTimestamp();
        }

        var since = clock.GetElapsedTime(_lastPush);
        if (since >= Interval)
        {
            return FlushAsync();
        }

        if (!_flushScheduled)
        {
            _flushScheduled = true;
            scheduleFlush(Interval - since);
        }

        return Task.CompletedTask;
    }

    /// <summary>Pushes the quote waiting, if any (the scheduled flush, and the grain's periodic timer as a backstop).</summary>
    public async Task FlushAsync()
    {
        _flushScheduled = false;
        if (!_due || pipeline.LastTick is not { } last)
        {
            return;
        }

        _due = false;
        _lastPush = clock.GetTimestamp();
        var snapshot = Snapshot();
        var finest = pipeline.Series[0];
        QuoteBar? bar = finest.Aggregator.OpenBar is { } open
            ? new QuoteBar(finest.Interval.Name, open.Time, open.Open, open.High, open.Low, open.Close, open.Volume)
            : null;
        var quote = new QuoteMessage(pipeline.Instrument.Value, last.Time, last.Price, snapshot.ChangePct, bar, snapshot.Indicators, ++Seq);
        await relays.SendAsync(relay => relay.OnQuoteAsync(quote));
        MonitorMetrics.HubPushLag.Record(clock.GetElapsedTime(_dueSince).TotalMilliseconds);
    }

    /// <summary>Sends an <c>Inventory</c> message per new value or restatement (repeats are not passed here).</summary>
    public async Task InventoryAsync(IEnumerable<InventoryRevision> changes)
    {
        foreach (var (value, change, _) in changes)
        {
            var message = new InventoryMessage(
                pipeline.Instrument.Value, value.Series, value.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                value.Quantity, value.Unit.Symbol(), ++Seq, value.Location, change == InventoryChange.Restated);
            await relays.SendAsync(relay => relay.OnInventoryAsync(message));
        }
    }

    /// <summary>The last price, today's change and the finest interval's indicators, with the seq of the last message sent.</summary>
    public InstrumentSnapshot Snapshot()
    {
        var last = pipeline.LastTick;
        double? previous = pipeline.ReferencePrice;
        double? change = last is { } t && previous is { } p && p != 0 ? (t.Price - p) / p * 100 : null;
        var indicators = new Dictionary<string, double>(StringComparer.Ordinal);
        pipeline.Series[0].CopyValues(indicators);
        return new InstrumentSnapshot(pipeline.Instrument, last?.Price, last?.Time, change, indicators, Seq);
    }
}

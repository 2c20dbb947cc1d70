using System.Globalization;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;

namespace Monitor.Grains;

/// <summary>Where a silo's live updates go: every silo's hub relay (<see cref="RelayFanOut"/>).</summary>
public interface IRelaySink
{
    Task SendAsync(Func<IMarketRelay, Task> send);
}

/// <summary>
/// An instrument's live messages to the hub relays, through its silo's <see cref="RelayOutbox"/>: its quote each time
/// ticks were applied (the outbox sends the latest, at most once per <see cref="RelayOutbox.Interval"/>), its inventory,
/// and the <c>seq</c> they carry.
/// </summary>
/// <remarks>
/// The seq is consecutive within an activation and starts above any earlier activation's (activation time in ms x 1000),
/// and above <c>after</c> with a gap (a publisher that replaces one in the same activation; the gap stays one even if
/// the replaced publisher's last quote goes out after), so a client sees a gap, and reloads, whenever it may have
/// missed something.
/// </remarks>
public sealed class QuotePublisher(InstrumentPipeline pipeline, RelayOutbox outbox, TimeProvider clock, long after = 0)
{
    private readonly OutboxSlot _slot = new(Math.Max(clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000, after + 2));

    /// <summary>The seq of the last message numbered (or the activation's starting point).</summary>
    public long Seq => _slot.Seq;

    /// <summary>Ticks were applied: hands the instrument's quote as it is now to the outbox.</summary>
    public void Changed()
    {
        if (pipeline.LastTick is not { } last)
        {
            return;
        }

        var snapshot = Snapshot();
        var finest = pipeline.Series[0];
        QuoteBar? bar = finest.Aggregator.OpenBar is { } open
            ? new QuoteBar(finest.Interval.Name, open.Time, open.Open, open.High, open.Low, open.Close, open.Volume)
            : null;
        outbox.Quote(_slot, new QuoteMessage(pipeline.Instrument.Value, last.Time, last.Price, snapshot.ChangePct, bar, snapshot.Indicators, Seq: 0));
    }

    /// <summary>Sends an <c>Inventory</c> message per new value or restatement (repeats are not passed here).</summary>
    public void Inventory(IEnumerable<InventoryRevision> changes)
    {
        foreach (var (value, change, _) in changes)
        {
            outbox.Inventory(_slot, new InventoryMessage(
                pipeline.Instrument.Value, value.Series, value.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                value.Quantity, value.Unit.Symbol(), Seq: 0, value.Location, change == InventoryChange.Restated));
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

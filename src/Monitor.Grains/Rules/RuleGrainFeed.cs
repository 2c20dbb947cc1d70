using Microsoft.Extensions.Logging;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Rules;

namespace Monitor.Grains.Rules;

/// <summary>
/// An instrument grain's side of the rules over several instruments that read the instrument: which rule grains those
/// are, and what its pipeline produced since it last fed them. Feeds go out on the grain's quote timer, so under load one
/// feed carries many requests' worth; a feed lost on the way is read from the stores by the rule grain.
/// </summary>
/// <remarks>
/// Each rule grain gets the bars of its rule's interval as the pipeline closed them. Ticks only go to rules that read
/// the instrument's price or take it as their clock: a rule on every tick gets every tick; a rule on bar closes reads
/// the price as of each close, so it gets, per bar, the tick that opened it (right after the close of the bar before,
/// it makes the rule evaluate that close, as in a backtest) and the tick that sets the bar's close (sent when the bar
/// closes, and on each feed while it is open, if a later tick took its place). Rules that read the same interval in the same way
/// share one feed. Past <see cref="MaxEvents"/> buffered the feed starts over and the rule grains read what it dropped
/// from the stores.
/// </remarks>
public sealed class RuleGrainFeed(InstrumentId instrument, Func<string, IRuleGrain> ruleGrain, TimeProvider clock, ILogger logger)
{
    private const int MaxEvents = 200_000;

    private readonly Dictionary<string, RuleDefinition> _rules = new(StringComparer.Ordinal);
    private Readers[] _readers = [];
    private IRuleGrain[] _inventoryReaders = [];
    private bool _everyTick;
    private int _buffered;
    private long _afterIndex;
    private long _throughIndex;
    private bool _barClosed;
    private long _lastFeed;
    private Task _sending = Task.CompletedTask;

    /// <summary>What ticks a rule needs of the instrument besides the bars of its interval.</summary>
    private enum TickNeed
    {
        None,

        /// <summary>Per bar, the tick that sets its close.</summary>
        Close,

        Every,
    }

    /// <summary>Whether a rule over several instruments reads this one's pipeline (its bars, and its ticks if it reads its price).</summary>
    public bool HasTickReaders => _readers.Length > 0;

    /// <summary>Takes one rule's current definition (null: deleted, or it runs in the instrument's grain); then call <see cref="UpdateReaders"/>.</summary>
    public void Track(string ruleId, RuleDefinition? definition)
    {
        if (definition is not null && definition.LocalInstrument() is null && (definition.ReadsTicksOf(instrument) || definition.ReadsInventoryOf(instrument)))
        {
            _rules[ruleId] = definition;
        }
        else
        {
            _rules.Remove(ruleId);
        }
    }

    /// <summary>Who gets the feed, from the rules tracked; with no reader before, the feed starts after stored tick <paramref name="lastIndex"/>.</summary>
    public void UpdateReaders(long lastIndex)
    {
        bool hadReaders = HasTickReaders;
        // A group that reads as before keeps what it has buffered for its next feed; a new one starts after what is
        // stored now (its rule grains catch up from the stores on a gap its first feed shows).
        var before = _readers.ToDictionary(r => (r.Interval, r.Need));
        _readers = [.. _rules.Values
            .Where(d => d.ReadsTicksOf(instrument))
            .GroupBy(d => (d.Interval, Need: Need(d)))
            .Select(g =>
            {
                var readers = before.GetValueOrDefault(g.Key) ?? new Readers(g.Key.Interval, g.Key.Need, _throughIndex);
                readers.Grains = [.. g.Select(d => ruleGrain(d.Id))];
                return readers;
            })];
        _inventoryReaders = [.. _rules.Values.Where(d => d.ReadsInventoryOf(instrument)).Select(d => ruleGrain(d.Id))];
        _everyTick = Array.Exists(_readers, r => r.Need == TickNeed.Every);
        if (!hadReaders)
        {
            Restart(lastIndex);
        }
    }

    /// <summary>A tick was stored under <paramref name="index"/>; <paramref name="applied"/> unless late, with the bars it closed.</summary>
    public void Stored(in Tick tick, long index, bool applied, IReadOnlyList<ClosedBar> closed)
    {
        if (!HasTickReaders)
        {
            return;
        }

        _throughIndex = index;
        if (!applied)
        {
            return;
        }

        if (_buffered >= MaxEvents)
        {
            Restart(index - 1);
            _throughIndex = index;
        }

        foreach (var readers in _readers)
        {
            _buffered += readers.Stored(tick, index, closed);
        }

        _barClosed |= closed.Count > 0;
    }

    /// <summary>
    /// Sends what was stored since the last feed, one feed in flight at a time. Rules on bar closes are fed at least every
    /// <see cref="RuleGrainOptions.FeedInterval"/>, and at once when a bar closed (they evaluate then); rules on every tick every time.
    /// Returns the feed in flight, which never fails (the grain's timer does not wait for it).
    /// </summary>
    public Task FeedIfDue()
    {
        if (_throughIndex == _afterIndex || !_sending.IsCompleted
            || (!_everyTick && !_barClosed && clock.GetElapsedTime(_lastFeed) < RuleGrainOptions.FeedInterval))
        {
            return _sending;
        }

        _lastFeed = clock.GetTimestamp();
        var sends = new List<Task>();
        foreach (var readers in _readers)
        {
            var feed = readers.Take(instrument, _throughIndex);
            sends.AddRange(readers.Grains.Select(rule => rule.FeedAsync(feed)));
        }

        _buffered = 0;
        _barClosed = false;
        _afterIndex = _throughIndex;
        _sending = SendAsync([.. sends]);
        return _sending;
    }

    /// <summary>
    /// Sends stored inventory to the rule grains that read it. A rule grain that fails here (its silo died) reads the values
    /// from the store when it activates again; failing the request would only make the client store them twice.
    /// </summary>
    public async Task FeedInventoryAsync(InventoryBatch batch)
    {
        try
        {
            await Task.WhenAll(_inventoryReaders.Select(rule => rule.FeedInventoryAsync(batch)));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Feeding inventory of {Instrument} to rule grains failed", instrument);
        }
    }

    /// <summary>Drops what is buffered and goes on after stored tick <paramref name="index"/>.</summary>
    public void Restart(long index)
    {
        foreach (var readers in _readers)
        {
            readers.Clear(index);
        }

        _buffered = 0;
        _barClosed = false;
        _afterIndex = _throughIndex = index;
    }

    private TickNeed Need(RuleDefinition definition) =>
        !definition.ReadsPriceOf(instrument) ? TickNeed.None
        : definition.Evaluate == EvaluationMode.Tick ? TickNeed.Every
        : TickNeed.Close;

    private async Task SendAsync(Task[] sends)
    {
        try
        {
            await Task.WhenAll(sends);
        }
        catch (Exception e)
        {
            // A rule grain that missed a feed catches up from the stores when the next one shows the gap.
            logger.LogWarning(e, "Feeding rule grains from {Instrument} failed", instrument);
        }
    }

    /// <summary>The rule grains that read one interval in the same way, and what their next feed carries.</summary>
    private sealed class Readers(BarInterval interval, TickNeed need, long afterIndex)
    {
        private long _afterIndex = afterIndex;
        private readonly List<FedBar> _bars = [];
        private readonly List<FedTick> _ticks = [];
        private FedTick? _close;
        private bool _closeSent;

        public BarInterval Interval { get; } = interval;

        public TickNeed Need { get; } = need;

        public IRuleGrain[] Grains { get; set; } = [];

        /// <summary>Takes an applied tick and the bars it closed; returns how many events it buffered.</summary>
        public int Stored(in Tick tick, long index, IReadOnlyList<ClosedBar> closed)
        {
            int count = _bars.Count + _ticks.Count;
            foreach (var bar in closed)
            {
                if (bar.Interval == Interval)
                {
                    SendClose();
                    _bars.Add(new FedBar(bar.Bar, index, tick.Time));
                    _close = null;
                }
            }

            var fed = new FedTick(tick, index);
            if (Need == TickNeed.Every || (Need == TickNeed.Close && _close is null))
            {
                // A tick that opens a bar goes out too: it comes right after the close it made, and evaluates that close.
                _ticks.Add(fed);
            }

            if (Need == TickNeed.Close && (_close is not { } close || tick.Time >= close.Tick.Time))
            {
                // The pipeline's rule for a bar's close: the latest tick by time, the last to arrive on equal times.
                _closeSent = _close is null;
                _close = fed;
            }

            return _bars.Count + _ticks.Count - count;
        }

        /// <summary>The feed for the ticks stored since the last one, through <paramref name="throughIndex"/>; the buffers start again.</summary>
        public RuleFeed Take(InstrumentId instrument, long throughIndex)
        {
            SendClose();
            var feed = new RuleFeed(instrument, _afterIndex, throughIndex, [.. _bars], [.. _ticks]);
            _bars.Clear();
            _ticks.Clear();
            _afterIndex = throughIndex;
            return feed;
        }

        /// <summary>
        /// Drops what is buffered (the rule grains catch up from the stores). The tick setting the open bar's close is
        /// kept as the one later ticks must pass by time, so none earlier than it goes out after it.
        /// </summary>
        public void Clear(long afterIndex)
        {
            _afterIndex = afterIndex;
            _bars.Clear();
            _ticks.Clear();
            _closeSent = true;
        }

        /// <summary>Adds the tick that sets the open bar's close, unless it went out already.</summary>
        private void SendClose()
        {
            if (_close is { } close && !_closeSent)
            {
                _ticks.Add(close);
                _closeSent = true;
            }
        }
    }
}

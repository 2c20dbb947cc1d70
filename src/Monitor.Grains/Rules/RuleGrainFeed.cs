using Microsoft.Extensions.Logging;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Rules;

namespace Monitor.Grains.Rules;

/// <summary>
/// An instrument grain's side of the rules over several instruments that read the instrument: which rule grains those
/// are, and what its pipeline applied since it last fed them. Feeds go out on the grain's quote timer, so under load one
/// feed carries many requests' ticks; a feed lost on the way is read from the stores by the rule grain.
/// </summary>
/// <remarks>
/// The rule grains take the bars from here, so a rule on bar closes needs, of the other ticks within one bar, only
/// those that can change the price a close sees: per bar of the instrument's finest interval the buffer keeps the tick
/// that opened it (it carries the bars it closed), the latest by time and the last to arrive. Rules on every tick get
/// every tick. Past <see cref="MaxTicks"/> the buffer starts over and the rule grains read what it dropped from the stores.
/// </remarks>
public sealed class RuleGrainFeed(InstrumentId instrument, BarInterval finest, Func<string, IRuleGrain> ruleGrain, TimeProvider clock, ILogger logger)
{
    private const int MaxTicks = 200_000;

    private readonly Dictionary<string, RuleDefinition> _rules = new(StringComparer.Ordinal);
    private readonly List<FedTick> _ticks = [];
    private IRuleGrain[] _tickReaders = [];
    private IRuleGrain[] _inventoryReaders = [];
    private bool _everyTick;
    private long _afterIndex;
    private long _throughIndex;
    private int _runStart;
    private DateTimeOffset _runBar;
    private bool _barClosed;
    private long _lastFeed;
    private Task _sending = Task.CompletedTask;

    /// <summary>Whether a rule over several instruments reads this one's ticks.</summary>
    public bool HasTickReaders => _tickReaders.Length > 0;

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

    /// <summary>Who gets the feed, from the rules tracked; with no tick reader before, the feed starts after stored tick <paramref name="lastIndex"/>.</summary>
    public void UpdateReaders(long lastIndex)
    {
        bool hadReaders = HasTickReaders;
        var tickReaders = _rules.Values.Where(d => d.ReadsTicksOf(instrument)).ToList();
        _tickReaders = [.. tickReaders.Select(d => ruleGrain(d.Id))];
        _inventoryReaders = [.. _rules.Values.Where(d => d.ReadsInventoryOf(instrument)).Select(d => ruleGrain(d.Id))];
        _everyTick = tickReaders.Exists(d => d.Evaluate == EvaluationMode.Tick);
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

        if (_ticks.Count == MaxTicks)
        {
            Restart(index - 1);
            _throughIndex = index;
        }

        var fed = new FedTick(tick, index, closed.Count == 0 ? null : [.. closed]);
        var bar = finest.BarStart(tick.Time);
        _barClosed |= closed.Count > 0;
        if (_everyTick || closed.Count > 0 || _runStart == _ticks.Count || bar != _runBar)
        {
            _runStart = _ticks.Count;
            _runBar = bar;
            _ticks.Add(fed);
            return;
        }

        // Within the bar's run: after its first tick, keep only the latest by time if it is later than this one.
        int latest = -1;
        for (int i = _runStart + 1; i < _ticks.Count; i++)
        {
            if (latest < 0 || _ticks[i].Tick.Time >= _ticks[latest].Tick.Time)
            {
                latest = i;
            }
        }

        if (latest >= 0 && _ticks[latest].Tick.Time > tick.Time)
        {
            var kept = _ticks[latest];
            _ticks.RemoveRange(_runStart + 1, _ticks.Count - _runStart - 1);
            _ticks.Add(kept);
        }
        else if (latest >= 0)
        {
            _ticks.RemoveRange(_runStart + 1, _ticks.Count - _runStart - 1);
        }

        _ticks.Add(fed);
    }

    /// <summary>
    /// Sends what was stored since the last feed, one feed in flight at a time. Rules on bar closes are fed at least every
    /// <see cref="RuleGrainOptions.FeedInterval"/>, and at once when a bar closed (they evaluate then); rules on every tick every time.
    /// </summary>
    public void FeedIfDue()
    {
        if (_throughIndex == _afterIndex || !_sending.IsCompleted
            || (!_everyTick && !_barClosed && clock.GetElapsedTime(_lastFeed) < RuleGrainOptions.FeedInterval))
        {
            return;
        }

        _lastFeed = clock.GetTimestamp();
        var feed = new RuleFeed(instrument, _afterIndex, _throughIndex, [.. _ticks]);
        Restart(_throughIndex);
        _sending = SendAsync([.. _tickReaders.Select(rule => rule.FeedAsync(feed))]);
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
        _ticks.Clear();
        _runStart = 0;
        _barClosed = false;
        _afterIndex = _throughIndex = index;
    }

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
}

using Monitor.Core.Market;
using Monitor.Core.Pipeline;

namespace Monitor.Core.Rules;

/// <summary>What <see cref="RuleSet.Put"/> did.</summary>
public enum RuleChange
{
    Added,

    /// <summary>The definition equals the one in place: its state is kept.</summary>
    Unchanged,

    /// <summary>The definition changed: the rule restarted (see <see cref="RuleSet.Put"/>).</summary>
    Replaced,
}

/// <summary>Stored bars to replay into indicators: those opening from <see cref="From"/>, at most the newest <see cref="Limit"/>.</summary>
public readonly record struct WarmUpRange(DateTimeOffset From, int Limit);

/// <summary>The saved state of every rule of a <see cref="RuleSet"/>.</summary>
public sealed record RuleSetState(RuleEvaluatorState[] Rules);

/// <summary>
/// The rules one driver evaluates: an instrument grain its single-instrument rules, a rule grain its one rule, the
/// backtest engine all of them. Feed it events in event-time order (for each tick, the bars it closed first, as
/// <see cref="InstrumentPipeline.Apply"/> returns them, then the tick; inventory values as they arrive) and collect
/// the alert transitions. Not thread-safe; a grain is single-threaded.
/// </summary>
/// <remarks>
/// Ticks: a rule that evaluates on bar closes needs, of the ticks within one bar, only the last one of each
/// instrument (its price is what the close sees; the bars themselves come through <see cref="OnBarClosed"/>), so the
/// set holds each instrument's latest tick back and hands it to those rules when a tick falls in another bar, before
/// any other event, and on <see cref="Flush"/> or <see cref="AdvanceTo"/>. Rules on every tick get every tick.
/// Re-saving rules: an unchanged definition keeps its state. A changed one starts a new evaluator (empty windows,
/// fresh indicators, which the driver may warm up by replaying stored events) that stays silent through the old
/// evaluator's last evaluation time (its high-water mark). An open alert carries over into the new definition when
/// the rule type and instruments are the same (same id, it resolves or keeps firing by the new condition); otherwise,
/// or when the new definition is paused (<c>enabled: false</c>) or expired (<c>until</c>) by then, it is resolved at the
/// high-water mark. Since every new episode then starts after the high-water mark, and ids
/// derive from the start time, the new definition can never raise an id the old one raised.
/// </remarks>
public sealed class RuleSet
{
    private readonly Dictionary<string, RuleEvaluator> _rules = new(StringComparer.Ordinal);
    private readonly List<RuleEvaluator> _order = [];
    private readonly Dictionary<InstrumentId, Watchers> _byInstrument = [];
    private readonly List<Watchers> _holding = [];
    private BarInterval[] _barIntervals = [];
    private DateTimeOffset _heldBarTime;

    public IReadOnlyList<RuleEvaluator> Rules => _order;

    /// <summary>Every instrument some rule reads: the instruments a rule grain subscribes to.</summary>
    public IReadOnlyCollection<InstrumentId> Instruments => _byInstrument.Keys;

    public RuleEvaluator? Find(string ruleId) => _rules.GetValueOrDefault(ruleId);

    /// <summary>Adds or replaces a rule; a transition resolving the old open alert may be added to <paramref name="output"/>.</summary>
    public RuleChange Put(RuleDefinition definition, List<AlertTransition> output)
    {
        if (_rules.TryGetValue(definition.Key, out var existing) && existing.Definition == definition)
        {
            return RuleChange.Unchanged;
        }

        Flush(output);
        var evaluator = new RuleEvaluator(definition);
        if (existing is null)
        {
            _rules[definition.Key] = evaluator;
            _order.Add(evaluator);
            Reindex();
            return RuleChange.Added;
        }

        CarryOver(evaluator, existing.HighWaterMark, existing.OpenEpisode, output);
        _rules[definition.Key] = evaluator;
        _order[_order.IndexOf(existing)] = evaluator;
        Reindex();
        return RuleChange.Replaced;
    }

    /// <summary>Removes a rule (by its <see cref="RuleDefinition.Key"/>), resolving its open alert at its last evaluation time.</summary>
    public bool Remove(string ruleId, List<AlertTransition> output)
    {
        Flush(output);
        if (!_rules.Remove(ruleId, out var evaluator))
        {
            return false;
        }

        evaluator.ResolveOpen(output);
        _order.Remove(evaluator);
        Reindex();
        return true;
    }

    public void OnTick(in Tick tick, List<AlertTransition> output)
    {
        if (!_byInstrument.TryGetValue(tick.Instrument, out var watchers))
        {
            return;
        }

        foreach (var evaluator in watchers.EveryTick)
        {
            evaluator.OnTick(tick, output);
        }

        if (watchers.OnBars.Length == 0)
        {
            return;
        }

        if (_holding.Count > 0 && !InHeldBars(tick.Time))
        {
            Flush(output);
        }

        if (_holding.Count == 0)
        {
            _heldBarTime = tick.Time;
        }

        if (!watchers.Holding)
        {
            watchers.Holding = true;
            _holding.Add(watchers);
        }

        watchers.Held = tick;
    }

    /// <summary>Hands the ticks held back to the rules that evaluate on bar closes (transitions to <paramref name="output"/>).</summary>
    public void Flush(List<AlertTransition> output)
    {
        foreach (var watchers in _holding)
        {
            watchers.Holding = false;
            foreach (var evaluator in watchers.OnBars)
            {
                evaluator.OnTick(watchers.Held, output);
            }
        }

        _holding.Clear();
    }

    public void OnBarClosed(InstrumentId instrument, BarInterval interval, in Bar bar, List<AlertTransition> output)
    {
        if (_byInstrument.TryGetValue(instrument, out var watchers))
        {
            Flush(output);
            foreach (var evaluator in watchers.All)
            {
                evaluator.OnBarClosed(instrument, interval, bar, output);
            }
        }
    }

    public void OnBarClosed(InstrumentId instrument, in ClosedBar closed, List<AlertTransition> output) =>
        OnBarClosed(instrument, closed.Interval, closed.Bar, output);

    public void OnInventory(in InventoryValue value, List<AlertTransition> output)
    {
        if (_byInstrument.TryGetValue(value.Instrument, out var watchers))
        {
            Flush(output);
            foreach (var evaluator in watchers.All)
            {
                evaluator.OnInventory(value, output);
            }
        }
    }

    /// <summary>
    /// Declares that every event at or before <paramref name="time"/> has been fed, so evaluations due by then run
    /// now. A rule evaluates a close once event time has passed it (so closes of other instruments at the same
    /// instant count): the tick that closed the bar does that, otherwise call this after each batch.
    /// </summary>
    public void AdvanceTo(DateTimeOffset time, List<AlertTransition> output)
    {
        Flush(output);
        foreach (var evaluator in _order)
        {
            evaluator.AdvanceTo(time, output);
        }
    }

    /// <summary>Feeds a stored closed bar to the indicators of the rules that read the instrument (oldest first).</summary>
    public void WarmUp(InstrumentId instrument, BarInterval interval, in Bar bar)
    {
        if (_byInstrument.TryGetValue(instrument, out var watchers))
        {
            foreach (var evaluator in watchers.All)
            {
                evaluator.WarmUp(instrument, interval, bar);
            }
        }
    }

    /// <summary>
    /// The stored bars of <paramref name="interval"/> on <paramref name="instrument"/> a warm-up after a restore should
    /// replay: every bar from the earliest one a restored rule's indicators began with (so they come out exactly as they
    /// were), or else the last <see cref="WarmUpBars"/> (a limit of 0: none).
    /// </summary>
    public WarmUpRange WarmUpRange(InstrumentId instrument, BarInterval interval)
    {
        long from = long.MaxValue;
        if (_byInstrument.TryGetValue(instrument, out var watchers))
        {
            foreach (var evaluator in watchers.All)
            {
                if (evaluator.Definition.Interval == interval && evaluator.IndicatorsFrom is { } start)
                {
                    from = Math.Min(from, (start - interval.Length).UtcTicks);
                }
            }
        }

        return from == long.MaxValue
            ? new WarmUpRange(DateTimeOffset.MinValue, WarmUpBars(instrument, interval))
            : new WarmUpRange(new DateTimeOffset(from, TimeSpan.Zero), int.MaxValue);
    }

    /// <summary>How many closed bars of <paramref name="interval"/> on <paramref name="instrument"/> a warm-up should replay (0 if no rule needs them).</summary>
    public int WarmUpBars(InstrumentId instrument, BarInterval interval)
    {
        int bars = 0;
        if (_byInstrument.TryGetValue(instrument, out var watchers))
        {
            foreach (var evaluator in watchers.All)
            {
                if (evaluator.Definition.Interval == interval)
                {
                    bars = Math.Max(bars, evaluator.WarmUpBars);
                }
            }
        }

        return bars;
    }

    /// <summary>The state of every rule; call after <see cref="AdvanceTo"/> or <see cref="Flush"/> (no tick may be held back).</summary>
    public RuleSetState SaveState() => _holding.Count == 0
        ? new(_order.ConvertAll(e => e.SaveState()).ToArray())
        : throw new InvalidOperationException("ticks are held back: call Flush or AdvanceTo before SaveState");

    /// <summary>
    /// Restores saved rules. A state whose rule has the same definition continues exactly; one whose definition has
    /// changed since is carried over as <see cref="Put"/> does; one whose rule is gone has its open alert resolved
    /// (transitions to <paramref name="output"/>). Call after putting the current definitions, then warm up.
    /// </summary>
    public void RestoreState(RuleSetState state, List<AlertTransition> output)
    {
        Flush(output);
        foreach (var saved in state.Rules)
        {
            if (!_rules.TryGetValue(saved.RuleId, out var evaluator))
            {
                if (saved.Episode is { } orphan)
                {
                    output.Add(AlertStateMachine.ResolveSaved(orphan, saved.HighWaterMark ?? orphan.StartedAt));
                }

                continue;
            }

            if (saved.Fingerprint == evaluator.Fingerprint)
            {
                evaluator.RestoreState(saved);
            }
            else
            {
                CarryOver(evaluator, saved.HighWaterMark, saved.Episode, output);
            }
        }
    }

    private static void CarryOver(RuleEvaluator evaluator, DateTimeOffset? highWaterMark, AlertEpisodeState? episode, List<AlertTransition> output)
    {
        // An open alert ends with a change of type or instruments, and when the new definition pauses the rule or has
        // expired it by the high-water mark (as Grafana resolves a paused rule's alerts).
        if (episode is not null && (episode.Type != evaluator.Definition.Type || !episode.Instruments.SequenceEqual(evaluator.Instruments)
            || evaluator.SilentAt(highWaterMark)))
        {
            output.Add(AlertStateMachine.ResolveSaved(episode, highWaterMark ?? episode.StartedAt));
            episode = null;
        }

        evaluator.Adopt(highWaterMark, episode);
    }

    /// <summary>Whether a tick at <paramref name="time"/> falls in the bars (of every interval rules use) the held ticks are in.</summary>
    private bool InHeldBars(DateTimeOffset time)
    {
        foreach (var interval in _barIntervals)
        {
            if (interval.BarStart(time) != interval.BarStart(_heldBarTime))
            {
                return false;
            }
        }

        return true;
    }

    private void Reindex()
    {
        _byInstrument.Clear();
        _barIntervals = [.. _order.Where(e => e.Definition.Evaluate == EvaluationMode.Bar).Select(e => e.Definition.Interval).Distinct()];
        var lists = new Dictionary<InstrumentId, List<RuleEvaluator>>();
        foreach (var evaluator in _order)
        {
            foreach (string instrument in evaluator.Instruments)
            {
                var id = InstrumentId.Parse(instrument);
                if (!lists.TryGetValue(id, out var list))
                {
                    lists[id] = list = [];
                }

                list.Add(evaluator);
            }
        }

        foreach (var (id, list) in lists)
        {
            _byInstrument[id] = new Watchers([.. list]);
        }
    }

    /// <summary>The rules that read one instrument, split by how they take its ticks, and the tick held back for them.</summary>
    private sealed class Watchers(RuleEvaluator[] all)
    {
        public RuleEvaluator[] All { get; } = all;

        public RuleEvaluator[] EveryTick { get; } = [.. all.Where(e => e.Definition.Evaluate == EvaluationMode.Tick)];

        public RuleEvaluator[] OnBars { get; } = [.. all.Where(e => e.Definition.Evaluate == EvaluationMode.Bar)];

        public bool Holding { get; set; }

        public Tick Held { get; set; }
    }
}

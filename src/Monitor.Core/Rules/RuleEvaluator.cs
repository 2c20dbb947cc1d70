using Monitor.Core.Market;

namespace Monitor.Core.Rules;

/// <summary>
/// One rule, evaluated incrementally over events fed in event-time order: ticks, closed bars and inventory values.
/// <list type="bullet">
/// <item><b>Clock.</b> The primary input's instrument drives it: with <c>evaluate: bar</c> the rule evaluates at
/// the close of each bar of its interval there; with <c>evaluate: tick</c> at every tick of an instrument it reads a
/// price of. Histories (windows) are sampled at the primary's closes in both modes. Evaluation times strictly
/// increase: a replayed or late trigger at or before the last evaluation is skipped.</item>
/// <item><b>As-of alignment.</b> An evaluation at a close at time T sees, for every input, the value as of T: ticks
/// before T, bars ending at or before T, inventory published at or before T. Events of other instruments after T
/// that arrive before the primary's close (its close is known only when its next tick comes) do not leak in: the
/// rule snapshots its inputs when event time first passes the end of the primary's open bar, and a late event that
/// belongs before T patches the snapshot. Inventory published after the latest event time waits until event time
/// reaches it.</item>
/// <item><b>Readiness.</b> An evaluation needs every input present, fresh (no older than its limit, see
/// <see cref="InputAgeLimits"/>) and, for indicators, converged. Otherwise <see cref="Status"/> says which input
/// and why, and the alert state does not move: no firing on stale or unconverged data, and no resolving either.</item>
/// </list>
/// Per event the work is O(1) (plus the inputs and windows of the rule) and allocates nothing unless an alert changes.
/// </summary>
public sealed class RuleEvaluator
{
    // Order of things happening at the same instant: closes of bars ending then and inventory published then,
    // the evaluation of those closes, the snapshot of the bar ending then, ticks, the evaluation of those ticks.
    private const int CloseRank = 0;
    private const int InventoryRank = 0;
    private const int BarDueRank = 1;
    private const int SnapshotRank = 2;
    private const int TickRank = 3;
    private const int TickDueRank = 4;
    private const long None = long.MinValue;

    private readonly RuleCondition _condition;
    private readonly InputSlot[] _slots;
    private readonly AlertStateMachine _machine;
    private readonly List<InventoryValue> _scheduled = [];
    private readonly long _intervalTicks;
    private readonly InstrumentId _primary;
    private readonly bool _tickMode;
    private readonly string _inactiveReason;

    private long _position = None;
    private int _positionRank;
    private long _snapAt = None;
    private bool _snapArmed;
    private long _snapTakenAt = None;
    private long _dueAt = None;
    private int _dueRank;
    private bool _dueSample;
    private bool _dueEvaluate;
    private long _sampleIndex;
    private long _lastSample = None;
    private long _lastEvaluation = None;
    private long _emitAfter = None;
    private long _indicatorsFrom = None;
    private long _activeThrough = None;

    public RuleEvaluator(RuleDefinition definition)
    {
        var problems = definition.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"rule '{definition.Id}' is not valid: {string.Join("; ", problems)}", nameof(definition));
        }

        Definition = definition;
        Fingerprint = definition.Fingerprint();
        _condition = RuleCondition.Create(definition);
        _slots = _condition.Slots;
        _primary = _slots[0].Instrument;
        _intervalTicks = definition.Interval.Length.Ticks;
        _tickMode = definition.Evaluate == EvaluationMode.Tick;
        Instruments = definition.Instruments();
        _machine = new AlertStateMachine(definition, Instruments);
        int indicatorBars = _slots.Max(s => s.Indicator?.ConvergencePeriod ?? 0);
        WarmUpBars = Math.Max(1, indicatorBars + _condition.HistoryBars);
        _inactiveReason = $"outside activeWhen {definition.ActiveWhen}: the rule raises nothing now";
        Status = definition.Enabled ? Waiting() : Paused(null);
    }

    public RuleDefinition Definition { get; }

    /// <summary>Identifies <see cref="Definition"/>; saved with the state.</summary>
    public string Fingerprint { get; }

    /// <summary>The instruments the rule reads, primary first.</summary>
    public IReadOnlyList<string> Instruments { get; }

    /// <summary>The instrument whose bars (or ticks) are the rule's clock.</summary>
    public InstrumentId PrimaryInstrument => _primary;

    /// <summary>
    /// Closed bars of the rule's interval to replay (oldest first) so its indicators are converged and its windows
    /// filled: the longest indicator convergence period plus the longest window.
    /// </summary>
    public int WarmUpBars { get; }

    public RuleStatus Status { get; private set; }

    /// <summary>The open (pending or firing) alert, or null.</summary>
    public Alert? OpenAlert => _machine.Current;

    /// <summary>
    /// The close of the first bar this rule's indicators took, or null (none yet, or no indicators). Indicators are not
    /// saved: a restore rebuilds them by replaying the stored bars from here, which gives them exactly the values they
    /// had (a shorter warm-up would give converged values, equal only to within rounding).
    /// </summary>
    public DateTimeOffset? IndicatorsFrom => Time(_indicatorsFrom);

    public bool Watches(InstrumentId instrument)
    {
        foreach (var slot in _slots)
        {
            if (slot.Instrument == instrument)
            {
                return true;
            }
        }

        return false;
    }

    public void OnTick(in Tick tick, List<AlertTransition> output)
    {
        bool primary = tick.Instrument == _primary;
        bool price = false;
        foreach (var slot in _slots)
        {
            price |= slot.Kind == RuleInputKind.Price && slot.Instrument == tick.Instrument;
        }

        if (!primary && !price)
        {
            return;
        }

        long time = tick.Time.UtcTicks;
        Drain(time, TickRank, output);
        bool patch = _snapTakenAt != None && time < _snapTakenAt;
        foreach (var slot in _slots)
        {
            if (slot.Kind == RuleInputKind.Price && slot.Instrument == tick.Instrument)
            {
                slot.ApplyPrice(time, tick.Price, patch);
            }
        }

        Advance(time, TickRank);
        if (primary)
        {
            Arm(Definition.Interval.BarStart(tick.Time).UtcTicks + _intervalTicks);
        }

        if (_tickMode && price)
        {
            Schedule(time, TickDueRank, sample: false, evaluate: true, output);
        }
    }

    /// <summary>
    /// A bar of <paramref name="interval"/> closed on <paramref name="instrument"/> (bars of other intervals are
    /// ignored). Feed it before the tick that closed it, as <see cref="Pipeline.InstrumentPipeline.Apply"/> lists it.
    /// </summary>
    public void OnBarClosed(InstrumentId instrument, BarInterval interval, in Bar bar, List<AlertTransition> output)
    {
        if (interval != Definition.Interval || !Watches(instrument))
        {
            return;
        }

        long end = bar.Time.UtcTicks + _intervalTicks;
        Drain(end, CloseRank, output);
        bool patch = _snapTakenAt != None && end <= _snapTakenAt;
        NoteIndicatorBar(instrument, end);
        foreach (var slot in _slots)
        {
            if (slot.Instrument == instrument)
            {
                slot.ApplyBar(end, bar, patch);
            }
        }

        Advance(end, CloseRank);
        if (instrument == _primary)
        {
            if (end > _lastSample)
            {
                Schedule(end, BarDueRank, sample: true, evaluate: !_tickMode, output);
            }

            Arm(end + _intervalTicks);
        }
    }

    /// <summary>An inventory value; the rule sees it from its <c>publishedAt</c> on.</summary>
    public void OnInventory(in InventoryValue value, List<AlertTransition> output)
    {
        bool relevant = false;
        foreach (var slot in _slots)
        {
            relevant |= slot.Matches(value);
        }

        if (!relevant)
        {
            return;
        }

        long published = value.PublishedAt.UtcTicks;
        if (Before(_position, _positionRank, published, InventoryRank))
        {
            int index = _scheduled.Count;
            while (index > 0 && _scheduled[index - 1].PublishedAt > value.PublishedAt)
            {
                index--;
            }

            _scheduled.Insert(index, value);
            return;
        }

        Apply(value);
    }

    /// <summary>
    /// Declares that every event at or before <paramref name="time"/> has been fed: evaluations due by then run now
    /// instead of waiting for the next event. Call it after each batch (a grain) or each instant (a backtest).
    /// </summary>
    public void AdvanceTo(DateTimeOffset time, List<AlertTransition> output) => Drain(time.UtcTicks, int.MaxValue, output);

    /// <summary>Feeds a stored closed bar to the indicators only (after a restore, or for a new rule), oldest first.</summary>
    public void WarmUp(InstrumentId instrument, BarInterval interval, in Bar bar)
    {
        if (interval != Definition.Interval)
        {
            return;
        }

        long end = bar.Time.UtcTicks + _intervalTicks;
        if (end < _indicatorsFrom)
        {
            // Before the bars these indicators started from: another rule's warm-up reaches further back.
            return;
        }

        NoteIndicatorBar(instrument, end);
        foreach (var slot in _slots)
        {
            if (slot.Kind == RuleInputKind.Indicator && slot.Instrument == instrument)
            {
                slot.UpdateIndicator(end, bar);
            }
        }
    }

    public RuleEvaluatorState SaveState() => new(
        Definition.Key,
        Fingerprint,
        Time(_position),
        _positionRank,
        Time(_snapAt),
        _snapArmed,
        Time(_snapTakenAt),
        Time(_dueAt),
        _dueRank,
        _dueSample,
        _dueEvaluate,
        _sampleIndex,
        Time(_lastSample),
        Time(_lastEvaluation),
        Time(_emitAfter),
        Array.ConvertAll(_slots, s => s.SaveState()),
        _condition.SaveHistories(),
        _condition.SaveMemory(),
        _scheduled.ConvertAll(v => ScheduledInventoryState.From(v)).ToArray(),
        _machine.SaveState(),
        Time(_indicatorsFrom),
        Time(_activeThrough));

    /// <summary>Continues from a state saved by an evaluator of the same definition (see <see cref="Fingerprint"/>).</summary>
    public void RestoreState(RuleEvaluatorState state)
    {
        if (state.Fingerprint != Fingerprint || state.Inputs.Length != _slots.Length)
        {
            throw new ArgumentException(
                $"the state was saved for another definition of rule '{state.RuleId}'; a RuleSet carries the open alert over instead",
                nameof(state));
        }

        _position = Ticks(state.Position);
        _positionRank = state.PositionRank;
        _snapAt = Ticks(state.SnapshotAt);
        _snapArmed = state.SnapshotArmed;
        _snapTakenAt = Ticks(state.SnapshotTakenAt);
        _dueAt = Ticks(state.DueAt);
        _dueRank = state.DueRank;
        _dueSample = state.DueSample;
        _dueEvaluate = state.DueEvaluate;
        _sampleIndex = state.SampleIndex;
        _lastSample = Ticks(state.LastSample);
        _lastEvaluation = Ticks(state.LastEvaluation);
        _emitAfter = Ticks(state.EmitAfter);
        _indicatorsFrom = Ticks(state.IndicatorsFrom);
        _activeThrough = Ticks(state.ActiveThrough);
        for (int i = 0; i < _slots.Length; i++)
        {
            _slots[i].RestoreState(state.Inputs[i]);
        }

        _condition.RestoreHistories(state.Histories);
        _condition.RestoreMemory(state.Memory);
        _scheduled.Clear();
        foreach (var scheduled in state.Scheduled)
        {
            _scheduled.Add(scheduled.ToValue());
        }

        _machine.RestoreState(state.Episode);
        Status = Definition.Enabled ? Waiting() : Paused(null);
    }

    /// <summary>
    /// Takes over from an earlier definition of the same rule: stay silent through <paramref name="emitAfter"/> (so
    /// replayed history raises nothing, and every new episode starts later than every earlier one, with a new id)
    /// and continue <paramref name="episode"/>, the earlier definition's open alert, with its counts reset.
    /// </summary>
    internal void Adopt(DateTimeOffset? emitAfter, AlertEpisodeState? episode)
    {
        _emitAfter = Math.Max(_emitAfter, Ticks(emitAfter));
        _machine.RestoreState(episode is null ? null : episode with { HeldBars = 0, ClearBars = 0 });
    }

    /// <summary>Resolves the open alert at the last evaluation's time (the rule is removed); false if none was open.</summary>
    internal bool ResolveOpen(List<AlertTransition> output) =>
        HighWaterMark is { } time && _machine.Resolve(time, output);

    internal DateTimeOffset? HighWaterMark => Time(Math.Max(_lastEvaluation, _emitAfter));

    internal AlertEpisodeState? OpenEpisode => _machine.SaveState();

    /// <summary>Whether the definition stops the rule raising anything as of <paramref name="time"/>: paused, or expired by then.</summary>
    internal bool SilentAt(DateTimeOffset? time) => !Definition.Enabled || (Definition.Until is { } until && time >= until);

    private static RuleStatus Paused(DateTimeOffset? at) =>
        new(at, RuleOutcome.Paused, null, TimeSpan.Zero, TimeSpan.Zero, "paused (enabled: false): the rule raises nothing until it is enabled again");

    private static RuleStatus Expired(DateTimeOffset at, DateTimeOffset until) =>
        new(at, RuleOutcome.Expired, null, TimeSpan.Zero, TimeSpan.Zero,
            $"expired at {until.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss'Z'} (until): the rule raises nothing");

    private RuleStatus Inactive(DateTimeOffset at) =>
        new(at, RuleOutcome.Inactive, null, TimeSpan.Zero, TimeSpan.Zero, _inactiveReason);

    private RuleStatus Waiting() => new(
        null,
        RuleOutcome.None,
        _slots[0].Input,
        TimeSpan.Zero,
        TimeSpan.Zero,
        $"not evaluated yet: waiting for a close of a {Definition.Interval} bar of {_primary}");

    private void NoteIndicatorBar(InstrumentId instrument, long end)
    {
        if (_indicatorsFrom != None)
        {
            return;
        }

        foreach (var slot in _slots)
        {
            if (slot.Kind == RuleInputKind.Indicator && slot.Instrument == instrument)
            {
                _indicatorsFrom = end;
                return;
            }
        }
    }

    private static bool Before(long time, int rank, long otherTime, int otherRank) =>
        time < otherTime || (time == otherTime && rank < otherRank);

    private static DateTimeOffset? Time(long ticks) => ticks == None ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    private static long Ticks(DateTimeOffset? time) => time?.UtcTicks ?? None;

    /// <summary>
    /// Before an event at (time, rank): in order, apply the scheduled inventory, run the due evaluation and take
    /// the snapshot that precede it.
    /// </summary>
    private void Drain(long time, int rank, List<AlertTransition> output)
    {
        while (true)
        {
            long published = _scheduled.Count > 0 ? _scheduled[0].PublishedAt.UtcTicks : None;
            bool inventory = published != None && Before(published, InventoryRank, time, rank);
            bool due = _dueAt != None && Before(_dueAt, _dueRank, time, rank);
            bool snapshot = _snapArmed && Before(_snapAt, SnapshotRank, time, rank);
            if (inventory && (!due || Before(published, InventoryRank, _dueAt, _dueRank))
                && (!snapshot || Before(published, InventoryRank, _snapAt, SnapshotRank)))
            {
                var value = _scheduled[0];
                _scheduled.RemoveAt(0);
                Advance(published, InventoryRank);
                Apply(value);
            }
            else if (due && (!snapshot || Before(_dueAt, _dueRank, _snapAt, SnapshotRank)))
            {
                RunDue(output);
            }
            else if (snapshot)
            {
                foreach (var slot in _slots)
                {
                    slot.TakeSnapshot();
                }

                _snapTakenAt = _snapAt;
                _snapArmed = false;
                Advance(_snapAt, SnapshotRank);
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>Marks a sample and/or an evaluation due at (time, rank); one still pending runs first.</summary>
    private void Schedule(long time, int rank, bool sample, bool evaluate, List<AlertTransition> output)
    {
        if (_dueAt != None)
        {
            RunDue(output);
        }

        _dueAt = time;
        _dueRank = rank;
        _dueSample = sample;
        _dueEvaluate = evaluate;
    }

    private void RunDue(List<AlertTransition> output)
    {
        long time = _dueAt;
        bool sample = _dueSample;
        bool evaluate = _dueEvaluate;
        bool atClose = _dueRank == BarDueRank;
        _dueAt = None;
        Advance(time, _dueRank);
        if (Definition.Enabled && Definition.ActiveWhen is { } activeWhen && !CheckActive(activeWhen, atClose ? time - 1 : time, output))
        {
            if (evaluate && time > _lastEvaluation)
            {
                _lastEvaluation = time;
                Status = Inactive(new DateTimeOffset(time, TimeSpan.Zero));
            }

            return;
        }

        bool snapshot = atClose && _snapTakenAt == time;
        foreach (var slot in _slots)
        {
            if (snapshot)
            {
                slot.UseSnapshot();
            }
            else
            {
                slot.UseCurrent();
            }
        }

        if (sample && time > _lastSample)
        {
            _sampleIndex++;
            _lastSample = time;
            _condition.Sample(new RuleClock(time, _sampleIndex, AtSample: true));
        }

        if (evaluate)
        {
            Evaluate(new RuleClock(time, _sampleIndex, atClose), output);
        }
    }

    /// <summary>
    /// Whether the rule is active at <paramref name="at"/> (a bar counts by its last instant). When it has not been
    /// active all the time since the last check that found it active, its windows start again empty and its open alert
    /// resolves as of the first instant found outside (unless replayed history is being kept silent).
    /// </summary>
    private bool CheckActive(RuleActiveTimes activeWhen, long at, List<AlertTransition> output)
    {
        if (_activeThrough != None && at <= _activeThrough)
        {
            return true;
        }

        long outside = _activeThrough == None ? None : activeWhen.FirstOutside(_activeThrough, at);
        bool inside = activeWhen.Contains(at);
        if (outside == None && !inside)
        {
            outside = at;
        }

        _activeThrough = inside ? at : None;
        if (outside != None)
        {
            _condition.ClearHistories();
            if (outside > _emitAfter)
            {
                _machine.Resolve(new DateTimeOffset(outside, TimeSpan.Zero), output);
            }
        }

        return inside;
    }

    private void Apply(in InventoryValue value)
    {
        bool patch = _snapTakenAt != None && value.PublishedAt.UtcTicks <= _snapTakenAt;
        foreach (var slot in _slots)
        {
            if (slot.Matches(value))
            {
                slot.ApplyInventory(value, patch);
            }
        }
    }

    private void Advance(long time, int rank)
    {
        if (Before(_position, _positionRank, time, rank))
        {
            _position = time;
            _positionRank = rank;
        }
    }

    /// <summary>Snapshot the inputs when event time first passes <paramref name="barEnd"/>, the end of the primary's open bar.</summary>
    private void Arm(long barEnd)
    {
        if (barEnd > _snapTakenAt)
        {
            _snapAt = barEnd;
            _snapArmed = true;
        }
    }

    private void Evaluate(in RuleClock clock, List<AlertTransition> output)
    {
        long now = clock.Now;
        if (now <= _lastEvaluation)
        {
            return;
        }

        _lastEvaluation = now;
        var at = new DateTimeOffset(now, TimeSpan.Zero);
        if (!Definition.Enabled)
        {
            Status = Paused(at);
            return;
        }

        if (Definition.Until is { } until && at >= until)
        {
            // The open alert ends when the rule does (an adopted episode past its new until was resolved on adoption).
            Status = Expired(at, until);
            _machine.Resolve(until, output);
            return;
        }

        var outcome = ConditionOutcome.NotReady;
        RuleOutcome status = RuleOutcome.None;
        InputSlot? offending = null;
        long age = 0;
        foreach (var slot in _slots)
        {
            var check = slot.Check(now, out age);
            if (check != InputCheck.Ok)
            {
                offending = slot;
                status = check switch
                {
                    InputCheck.Missing => RuleOutcome.MissingInput,
                    InputCheck.Stale => RuleOutcome.StaleInput,
                    _ => RuleOutcome.InputNotReady,
                };
                break;
            }
        }

        if (offending is null)
        {
            outcome = _condition.Evaluate(clock);
            status = outcome switch
            {
                ConditionOutcome.True => RuleOutcome.ConditionTrue,
                ConditionOutcome.False => RuleOutcome.ConditionFalse,
                _ => RuleOutcome.NotReady,
            };
        }

        Status = new RuleStatus(
            at,
            status,
            offending?.Input,
            TimeSpan.FromTicks(age),
            offending?.MaxAge ?? TimeSpan.Zero,
            status == RuleOutcome.NotReady ? _condition.NotReadyReason : "");
        if (now > _emitAfter)
        {
            bool? holds = outcome switch
            {
                ConditionOutcome.True => true,
                ConditionOutcome.False => false,
                _ => null,
            };
            _machine.Step(at, holds, _condition.Direction, _condition, output);
        }
    }
}

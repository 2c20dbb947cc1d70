using Monitor.Core.Expressions;
using Monitor.Core.Market;
using Monitor.Core.Rules;

namespace Monitor.Core.Derived;

/// <summary>
/// The saved state of a <see cref="DerivedSeriesCalculator"/>: its inputs' values and the ticks it made. Inventory not
/// visible yet is not in it: feed again what was published after <see cref="DerivedSeriesCalculator.LastTick"/>.
/// </summary>
public sealed record DerivedSeriesState(InputSlotState[] Inputs, long Emitted);

/// <summary>
/// Computes one derived series incrementally. Each applied tick of a price it reads makes one tick of the series at the
/// same time, priced by the expression over the latest value of every input: prices as of that tick, inventory series
/// as published by then (a value waits until a tick reaches its <c>publishedAt</c>; the level is the latest <c>asOf</c>,
/// restatements included, as rules see it). No tick comes while an input has no value yet or the expression has no
/// finite answer (a division by zero): <see cref="NotReady"/> says why. Ticks carry an increasing <c>seq</c>, so a tick
/// made twice (a replay after a restart) is dropped as a duplicate by the series' pipeline. The same input events in
/// the same order make the same ticks: the live service and a backtest drive this one class.
/// </summary>
public sealed class DerivedSeriesCalculator
{
    private readonly InputSlot[] _slots;
    private readonly ValueNode _value;
    private readonly EvaluationNotes _notes;
    private readonly List<InventoryValue> _waiting = [];

    public DerivedSeriesCalculator(InstrumentId id, string expression)
    {
        Id = id;
        var slots = new Dictionary<RuleInput, InputSlot>();
        var compiled = ExpressionCompiler.CompileValue(expression, input =>
        {
            if (!slots.TryGetValue(input, out var slot))
            {
                slots[input] = slot = new InputSlot(input, TimeSpan.MaxValue);
            }

            return slot;
        });
        if (compiled.Value is null || compiled.ConditionErrors.Count > 0)
        {
            throw new ArgumentException($"{id}: the expression does not compile: {string.Join("; ", compiled.ConditionErrors)}", nameof(expression));
        }

        _value = compiled.Value;
        _notes = compiled.Notes;
        _slots = [.. compiled.Inputs.Select(i => slots[i])];
        Inputs = [.. compiled.Inputs.Select(i => i.Instrument).Distinct()];
        PricedBy = [.. compiled.Inputs.Where(i => i.Kind == RuleInputKind.Price).Select(i => i.Instrument).Distinct()];
    }

    public DerivedSeriesCalculator(InstrumentDefinition series)
        : this(series.Id, series.Expression ?? throw new ArgumentException($"{series.Id} is not a derived series", nameof(series)))
    {
    }

    public InstrumentId Id { get; }

    /// <summary>Every instrument the expression reads.</summary>
    public IReadOnlyList<InstrumentId> Inputs { get; }

    /// <summary>The instruments whose ticks make the series tick.</summary>
    public IReadOnlyList<InstrumentId> PricedBy { get; }

    /// <summary>Why the last tick of an input made no tick of the series; null when it made one.</summary>
    public string? NotReady { get; private set; }

    /// <summary>Ticks made so far (the last one's <c>seq</c>).</summary>
    public long Emitted { get; private set; }

    /// <summary>The latest time of an input tick taken (what inventory has been made visible through); null before one.</summary>
    public DateTimeOffset? LastTick { get; private set; }

    /// <summary>Takes an inventory value of an input series; it counts once a tick reaches its <c>publishedAt</c>.</summary>
    public void AddInventory(in InventoryValue value)
    {
        foreach (var slot in _slots)
        {
            if (slot.Matches(value))
            {
                // Kept in publication order (arrival order among equals), the order they become visible in.
                int at = _waiting.Count;
                while (at > 0 && _waiting[at - 1].PublishedAt > value.PublishedAt)
                {
                    at--;
                }

                _waiting.Insert(at, value);
                return;
            }
        }
    }

    /// <summary>Takes a tick its instrument's pipeline applied; true with the series' tick when it makes one.</summary>
    public bool TryCompute(in Tick tick, out Tick derived)
    {
        derived = default;
        bool prices = false;
        foreach (var slot in _slots)
        {
            if (slot.Kind == RuleInputKind.Price && slot.Instrument == tick.Instrument)
            {
                slot.ApplyPrice(tick.Time.UtcTicks, tick.Price, patchSnapshot: false);
                prices = true;
            }
        }

        if (!prices)
        {
            return false;
        }

        LastTick = LastTick > tick.Time ? LastTick : tick.Time;
        Publish(tick.Time);
        foreach (var slot in _slots)
        {
            slot.UseCurrent();
            if (!slot.EvalHas)
            {
                NotReady = $"{slot.Input} has no value yet";
                return false;
            }
        }

        _notes.Clear();
        double value = _value.Evaluate(default);
        if (!double.IsFinite(value))
        {
            NotReady = _notes.Reason ?? $"the expression has no finite value at {tick.Time:O}";
            return false;
        }

        NotReady = null;
        derived = new Tick(Id, tick.Time, value, 0, ++Emitted);
        return true;
    }

    public DerivedSeriesState SaveState() => new([.. _slots.Select(s => s.SaveState())], Emitted);

    /// <summary>Resumes from saved state; a state saved under another expression keeps only the count of ticks made (their <c>seq</c> goes on).</summary>
    public void RestoreState(DerivedSeriesState state, bool sameExpression)
    {
        Emitted = state.Emitted;
        if (!sameExpression)
        {
            return;
        }

        for (int i = 0; i < _slots.Length && i < state.Inputs.Length; i++)
        {
            _slots[i].RestoreState(state.Inputs[i]);
            if (_slots[i].Kind == RuleInputKind.Price && state.Inputs[i].KnownAt is { } known)
            {
                LastTick = LastTick > known ? LastTick : known;
            }
        }
    }

    /// <summary>Applies the waiting inventory values published by <paramref name="time"/>, in publication order.</summary>
    private void Publish(DateTimeOffset time)
    {
        if (_waiting.Count == 0)
        {
            return;
        }

        int visible = 0;
        while (visible < _waiting.Count && _waiting[visible].PublishedAt <= time)
        {
            var value = _waiting[visible++];
            foreach (var slot in _slots)
            {
                if (slot.Matches(value))
                {
                    slot.ApplyInventory(value, patchSnapshot: false);
                }
            }
        }

        _waiting.RemoveRange(0, visible);
    }
}

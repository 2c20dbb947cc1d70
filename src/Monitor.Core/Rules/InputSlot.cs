using Monitor.Core.Indicators;
using Monitor.Core.Market;

namespace Monitor.Core.Rules;

/// <summary>A saved price or series input (indicator inputs are rebuilt from bars, so they save nothing).</summary>
public sealed record InputSlotState(
    bool HasValue,
    double Value,
    DateTimeOffset? KnownAt,
    int AsOfDay,
    string? Unit,
    bool SnapshotHasValue,
    double SnapshotValue,
    DateTimeOffset? SnapshotKnownAt,
    int SnapshotAsOfDay);

/// <summary>Why an input cannot be used at an evaluation.</summary>
internal enum InputCheck
{
    Ok,
    Missing,
    Stale,
    NotReady,
}

/// <summary>
/// One input of one rule: its latest value and when it became known, a snapshot of them as of the end of the
/// primary instrument's current bar, and the view an evaluation reads (<see cref="EvalValue"/>...).
/// <list type="bullet">
/// <item>Price: the latest tick or bar close; an older one than the value held is ignored.</item>
/// <item>Series: the value with the latest <c>asOf</c> visible so far; a restatement of that <c>asOf</c> replaces it
/// (the latest published wins); a value for an older <c>asOf</c> (a late restatement or backfill) does not change
/// the current level. Quantities are converted to the series' unit family (troy ounces, tonnes or contracts), taken
/// from its first value; a value in another family is ignored.</item>
/// <item>Indicator: owns the indicator, fed the closed bars of the rule's interval; ready once converged.</item>
/// </list>
/// </summary>
internal sealed class InputSlot
{
    private readonly Indicator? _indicator;
    private readonly int _output;
    private long _lastBarEnd = long.MinValue;
    private bool _updated;
    private bool _snapHas;
    private double _snapValue;
    private long _snapKnownAt;
    private int _snapAsOfDay;

    public InputSlot(RuleInput input, TimeSpan maxAge)
    {
        Input = input;
        Kind = input.Kind;
        Instrument = input.Instrument;
        MaxAge = maxAge;
        if (Kind == RuleInputKind.Indicator)
        {
            _indicator = input.CreateIndicator(out _output);
        }
    }

    public RuleInput Input { get; }

    public RuleInputKind Kind { get; }

    public InstrumentId Instrument { get; }

    public TimeSpan MaxAge { get; }

    public Indicator? Indicator => _indicator;

    public bool HasValue { get; private set; }

    public double Value { get; private set; }

    public long KnownAt { get; private set; }

    /// <summary><see cref="DateOnly.DayNumber"/> of the series value's <c>asOf</c>; 0 for other inputs.</summary>
    public int AsOfDay { get; private set; }

    /// <summary>The series' unit, once a value has arrived.</summary>
    public QuantityUnit? Unit { get; private set; }

    public bool EvalHas { get; private set; }

    public double EvalValue { get; private set; }

    public long EvalKnownAt { get; private set; }

    public int EvalAsOfDay { get; private set; }

    /// <summary>Whether the evaluation view holds a value a window may record: present, and converged for an indicator.</summary>
    public bool Usable => EvalHas && (_indicator is null || _indicator.IsConverged);

    public void ApplyPrice(long time, double price, bool patchSnapshot)
    {
        if (Kind != RuleInputKind.Price)
        {
            return;
        }

        if (!HasValue || time >= KnownAt)
        {
            HasValue = true;
            Value = price;
            KnownAt = time;
        }

        if (patchSnapshot && (!_snapHas || time >= _snapKnownAt))
        {
            _snapHas = true;
            _snapValue = price;
            _snapKnownAt = time;
        }
    }

    public void ApplyBar(long end, in Bar bar, bool patchSnapshot)
    {
        if (Kind == RuleInputKind.Price)
        {
            ApplyPrice(end, bar.Close, patchSnapshot);
        }
        else if (Kind == RuleInputKind.Indicator)
        {
            UpdateIndicator(end, bar);
        }
    }

    /// <summary>Feeds a closed bar to the indicator; a bar not after the last one fed is ignored (a replay).</summary>
    public void UpdateIndicator(long end, in Bar bar)
    {
        if (_indicator is null || end <= _lastBarEnd)
        {
            return;
        }

        _lastBarEnd = end;
        _updated = true;
        _indicator.Update(bar);
        double? value = _indicator.Output(_output);
        HasValue = value.HasValue;
        Value = value ?? 0;
        KnownAt = end;
    }

    public bool Matches(in InventoryValue value) => Input.Reads(value);

    public void ApplyInventory(in InventoryValue value, bool patchSnapshot)
    {
        Unit ??= Family(value.Unit);
        if (!QuantityUnits.TryConvert(value.Quantity, value.Unit, Unit.Value, out double quantity) || !double.IsFinite(quantity))
        {
            return;
        }

        int day = value.AsOf.DayNumber;
        long time = value.PublishedAt.UtcTicks;
        if (!HasValue || day > AsOfDay || (day == AsOfDay && time >= KnownAt))
        {
            HasValue = true;
            Value = quantity;
            KnownAt = time;
            AsOfDay = day;
        }

        if (patchSnapshot && (!_snapHas || day > _snapAsOfDay || (day == _snapAsOfDay && time >= _snapKnownAt)))
        {
            _snapHas = true;
            _snapValue = quantity;
            _snapKnownAt = time;
            _snapAsOfDay = day;
        }
    }

    /// <summary>Remembers the current value as the value as of the end of the primary's bar.</summary>
    public void TakeSnapshot()
    {
        _snapHas = HasValue;
        _snapValue = Value;
        _snapKnownAt = KnownAt;
        _snapAsOfDay = AsOfDay;
    }

    /// <summary>Evaluate on the snapshot (indicators have none: they change only with the bars they are fed).</summary>
    public void UseSnapshot()
    {
        if (Kind == RuleInputKind.Indicator)
        {
            UseCurrent();
            return;
        }

        EvalHas = _snapHas;
        EvalValue = _snapValue;
        EvalKnownAt = _snapKnownAt;
        EvalAsOfDay = _snapAsOfDay;
    }

    public void UseCurrent()
    {
        EvalHas = HasValue;
        EvalValue = Value;
        EvalKnownAt = KnownAt;
        EvalAsOfDay = AsOfDay;
    }

    /// <summary>Whether the evaluation view can be used at <paramref name="now"/>; <paramref name="age"/> is how old it is.</summary>
    public InputCheck Check(long now, out long age)
    {
        age = 0;
        if (Kind == RuleInputKind.Indicator ? !_updated : !EvalHas)
        {
            return InputCheck.Missing;
        }

        age = now - EvalKnownAt;
        if (age > MaxAge.Ticks)
        {
            return InputCheck.Stale;
        }

        return Kind == RuleInputKind.Indicator && (!EvalHas || !_indicator!.IsConverged) ? InputCheck.NotReady : InputCheck.Ok;
    }

    /// <summary>
    /// The evaluation view as an alert's input. A series gives its publication time, <c>asOf</c> and unit. A price or
    /// an indicator gives the open time of the bar of <paramref name="interval"/> its value belongs to (a value known
    /// exactly at a boundary is the close of the bar ending there): the live service may see a bar's close where a
    /// backtest sees the bar's last tick, with the same value, so the bar is what both can name.
    /// </summary>
    public AlertInput ToAlertInput(BarInterval interval)
    {
        var known = new DateTimeOffset(EvalKnownAt, TimeSpan.Zero);
        return Kind == RuleInputKind.Series
            ? new AlertInput(Input.ToString(), EvalValue, Unit?.Symbol(), known, DateOnly.FromDayNumber(EvalAsOfDay), known)
            : new AlertInput(Input.ToString(), EvalValue, null, interval.BarStart(known.AddTicks(-1)));
    }

    public InputSlotState SaveState() => Kind == RuleInputKind.Indicator
        ? new InputSlotState(false, 0, null, 0, null, false, 0, null, 0)
        : new InputSlotState(
            HasValue, Value, Time(HasValue, KnownAt), AsOfDay, Unit?.Symbol(),
            _snapHas, _snapValue, Time(_snapHas, _snapKnownAt), _snapAsOfDay);

    public void RestoreState(InputSlotState state)
    {
        if (Kind == RuleInputKind.Indicator)
        {
            return;
        }

        HasValue = state.HasValue;
        Value = state.Value;
        KnownAt = state.KnownAt?.UtcTicks ?? 0;
        AsOfDay = state.AsOfDay;
        Unit = state.Unit is { } symbol && QuantityUnits.TryParse(symbol, out var unit) ? unit : null;
        _snapHas = state.SnapshotHasValue;
        _snapValue = state.SnapshotValue;
        _snapKnownAt = state.SnapshotKnownAt?.UtcTicks ?? 0;
        _snapAsOfDay = state.SnapshotAsOfDay;
    }

    private static DateTimeOffset? Time(bool has, long ticks) => has ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>The unit a series is kept in: troy ounces, tonnes or contracts, by the family of its first value.</summary>
    private static QuantityUnit Family(QuantityUnit unit) => unit switch
    {
        QuantityUnit.TroyOunce or QuantityUnit.KiloTroyOunce or QuantityUnit.MegaTroyOunce => QuantityUnit.TroyOunce,
        QuantityUnit.Contracts => QuantityUnit.Contracts,
        _ => QuantityUnit.Tonne,
    };
}

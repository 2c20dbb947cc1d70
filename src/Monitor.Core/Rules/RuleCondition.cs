namespace Monitor.Core.Rules;

/// <summary>What a condition found at one evaluation.</summary>
internal enum ConditionOutcome
{
    /// <summary>No answer: the window is not filled yet, or a value it divides by is zero.</summary>
    NotReady,

    False,

    True,
}

/// <summary>
/// When an evaluation happens. <see cref="Now"/> is event time in ticks; <see cref="SampleIndex"/> counts the
/// closes of the primary's bars; <see cref="AtSample"/> is true at such a close (always, for bar evaluation) and
/// false at a tick between closes.
/// </summary>
internal readonly record struct RuleClock(long Now, long SampleIndex, bool AtSample)
{
    /// <summary>Where "now" is on a window's axis: event time, or the bar number (a tick counts as the bar in progress).</summary>
    public long Position(RuleWindow window) =>
        window.IsBarCount ? (AtSample ? SampleIndex : SampleIndex + 1) : Now;

    /// <summary>The key a sample taken now gets on a window's axis.</summary>
    public long SampleKey(RuleWindow window) => window.IsBarCount ? SampleIndex : Now;
}

/// <summary>Comparisons at a bound, shared by every rule type.</summary>
/// <remarks>
/// A value within one part in 10^9 of its bound counts as equal to it, so a move of exactly 20% that the floating
/// point arithmetic computes as 19.999999999999996% still reaches 20%. "At least" includes the bound; "above" and
/// "below" exclude it.
/// </remarks>
internal static class RuleMath
{
    private const double Tolerance = 1e-9;

    public static bool AtLeast(double value, double bound) => value >= bound - (Tolerance * Math.Abs(bound));

    public static bool AtMost(double value, double bound) => value <= bound + (Tolerance * Math.Abs(bound));

    public static bool Above(double value, double bound) => value > bound + (Tolerance * Math.Abs(bound));

    public static bool Below(double value, double bound) => value < bound - (Tolerance * Math.Abs(bound));

    public static double PercentChange(double from, double to) => 100 * (to - from) / Math.Abs(from);

    /// <summary>-1, 0 or +1: where <paramref name="value"/> is relative to <paramref name="bound"/> (0 = on it, within the tolerance).</summary>
    public static int Side(double value, double bound) => Above(value, bound) ? 1 : Below(value, bound) ? -1 : 0;
}

/// <summary>An input and its sampled history over one window: the value now against the value as of the window's start.</summary>
internal sealed class WindowedInput
{
    public WindowedInput(InputSlot slot, RuleWindow window)
    {
        Slot = slot;
        Window = window;
        History = new SampleWindow(window.IsBarCount ? window.Bars : window.Duration.Ticks, statistics: false);
    }

    public InputSlot Slot { get; }

    public RuleWindow Window { get; }

    public SampleWindow History { get; }

    public void Sample(in RuleClock clock)
    {
        if (Slot.Usable)
        {
            History.Push(clock.SampleKey(Window), Slot.EvalValue, Slot.EvalAsOfDay);
        }
    }

    /// <summary>The latest sample at or before the window's start, and the <c>asOf</c> day of a series value.</summary>
    public bool TryBase(in RuleClock clock, out double value, out int asOfDay)
    {
        bool found = History.TryBase(clock.Position(Window), out value, out double aux);
        asOfDay = (int)aux;
        return found;
    }
}

/// <summary>
/// The condition of one rule type, evaluated incrementally: <see cref="Sample"/> at each close of the primary's
/// bar (histories advance there), <see cref="Evaluate"/> at each evaluation with the inputs' evaluation view
/// already checked (present, fresh, converged). Numbers go to <see cref="Values"/>; the message is built from them
/// only when the state machine asks (<see cref="Describe"/>), so an evaluation allocates nothing.
/// </summary>
internal abstract class RuleCondition : IAlertDetails
{
    private readonly string[] _valueNames;
    private readonly List<WindowedInput> _windowed = [];
    private readonly List<SampleWindow> _histories = [];

    protected RuleCondition(RuleDefinition rule, RuleInput[] inputs, string[] valueNames)
    {
        Rule = rule;
        Slots = Array.ConvertAll(inputs, i => new InputSlot(i, rule.Ages.For(i, rule.Interval)));
        _valueNames = valueNames;
        Values = new double[valueNames.Length];
    }

    public RuleDefinition Rule { get; }

    /// <summary>The inputs, primary first (a condition may add inputs of its own, such as the RSI of rsiDivergence).</summary>
    public InputSlot[] Slots { get; }

    /// <summary>The direction of the last true evaluation (<c>bearish</c>, <c>up</c>...), or null for one-way rules.</summary>
    public string? Direction { get; protected set; }

    /// <summary>Why the last evaluation had no answer.</summary>
    public string NotReadyReason { get; private set; } = "";

    /// <summary>Bars of history the condition needs besides its inputs' indicators (its windows, a lookback).</summary>
    public int HistoryBars { get; private set; }

    protected double[] Values { get; }

    public static RuleCondition Create(RuleDefinition rule) => rule.Parameters switch
    {
        ThresholdParameters p => new ThresholdCondition(rule, p),
        PercentMoveParameters p => new PercentMoveCondition(rule, p),
        IndicatorCrossParameters p => new IndicatorCrossCondition(rule, p),
        PriceFlowDivergenceParameters p => new PriceFlowDivergenceCondition(rule, p),
        InventoryDrawdownParameters p => new InventoryDrawdownCondition(rule, p),
        CrossVenueFlowParameters p => new CrossVenueFlowCondition(rule, p),
        RatioZScoreParameters p => new RatioZScoreCondition(rule, p),
        SpreadParameters p => new SpreadCondition(rule, p),
        StockToUseParameters p => new StockToUseCondition(rule, p),
        RsiDivergenceParameters p => new RsiDivergenceCondition(rule, p),
        ExpressionParameters p => new ExpressionCondition(rule, p),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.Type, "no evaluator for this rule type"),
    };

    public virtual void Sample(in RuleClock clock)
    {
        foreach (var windowed in _windowed)
        {
            windowed.Sample(clock);
        }
    }

    public abstract ConditionOutcome Evaluate(in RuleClock clock);

    public abstract string Describe();

    public void CopyValues(IDictionary<string, double> values)
    {
        for (int i = 0; i < _valueNames.Length; i++)
        {
            if (double.IsFinite(Values[i]))
            {
                values[_valueNames[i]] = Values[i];
            }
        }
    }

    /// <summary>Each input's evaluation view: what this evaluation read. Called only at a transition, so evaluations allocate nothing.</summary>
    public void CopyInputs(ICollection<AlertInput> inputs)
    {
        foreach (var slot in Slots)
        {
            if (slot.EvalHas)
            {
                inputs.Add(slot.ToAlertInput(Rule.Interval));
            }
        }
    }

    public SampleWindowState[] SaveHistories() => _histories.ConvertAll(h => h.SaveState()).ToArray();

    public void RestoreHistories(SampleWindowState[] states)
    {
        if (states.Length != _histories.Count)
        {
            throw new ArgumentException($"the saved state has {states.Length} histories, this rule {_histories.Count}", nameof(states));
        }

        for (int i = 0; i < states.Length; i++)
        {
            _histories[i].RestoreState(states[i]);
        }
    }

    /// <summary>Empties every history: the windows fill again from the next sample (after the rule was inactive).</summary>
    public void ClearHistories()
    {
        foreach (var history in _histories)
        {
            history.Clear();
        }
    }

    /// <summary>Small state besides the histories (the side of the last evaluation...), as finite numbers.</summary>
    public virtual double[] SaveMemory() => [];

    public virtual void RestoreMemory(double[] memory)
    {
    }

    protected WindowedInput Track(InputSlot slot, RuleWindow window)
    {
        var windowed = new WindowedInput(slot, window);
        _windowed.Add(windowed);
        Track(windowed.History, window);
        return windowed;
    }

    protected SampleWindow Track(SampleWindow history, RuleWindow window)
    {
        _histories.Add(history);
        HistoryBars = (int)Math.Max(HistoryBars, window.BarsIn(Rule.Interval) + 1);
        return history;
    }

    protected void NeedHistory(int bars) => HistoryBars = Math.Max(HistoryBars, bars);

    protected ConditionOutcome NotReady(string reason)
    {
        NotReadyReason = reason;
        return ConditionOutcome.NotReady;
    }

    protected static ConditionOutcome Holds(bool holds) => holds ? ConditionOutcome.True : ConditionOutcome.False;
}

using Monitor.Core.Rules;

namespace Monitor.Core.Expressions;

/// <summary>A node that keeps a history: sampled at each close of the rule's primary bar, children before parents.</summary>
internal interface IHistoryNode
{
    void Sample(in RuleClock clock);

    /// <summary>Rebuilds what is derived from the saved history (a monotonic queue) after a restore.</summary>
    void Restored();
}

internal enum WindowFunction
{
    Change,
    PctChange,
    PerDay,
    DaysToZero,
    Previous,
    Mean,
    StdDev,
    ZScore,
    Min,
    Max,
}

/// <summary>The base of the window nodes: the argument sampled at each close into a keyed window (time or bar number).</summary>
internal abstract class WindowNode : ValueNode, IHistoryNode
{
    private readonly InputNode? _series;

    protected WindowNode(string text, ValueNode argument, RuleWindow window, SampleWindow history, EvaluationNotes notes)
        : base(text)
    {
        Argument = argument;
        Window = window;
        History = history;
        Notes = notes;
        NotFilled = $"'{text}': the window is not filled yet";
        _series = argument is InputNode { Slot.Kind: RuleInputKind.Series } input ? input : null;
    }

    public override Market.QuantityUnit? Unit => Argument.Unit;

    protected ValueNode Argument { get; }

    protected RuleWindow Window { get; }

    protected SampleWindow History { get; }

    protected EvaluationNotes Notes { get; }

    protected string NotFilled { get; }

    public virtual void Sample(in RuleClock clock)
    {
        long key = clock.SampleKey(Window);
        double value = Argument.Evaluate(clock);
        if (double.IsFinite(value) && (History.Count == 0 || key > History.LastKey))
        {
            History.Push(key, value, Day(clock));
            Pushed(key, value);
        }
    }

    public virtual void Restored()
    {
    }

    protected virtual void Pushed(long key, double value)
    {
    }

    /// <summary>Where a value sits in days: the <c>asOf</c> date of a series value, else the evaluation's event time.</summary>
    protected double Day(in RuleClock clock) =>
        _series is not null ? _series.AsOfDay : clock.Now / (double)TimeSpan.TicksPerDay;
}

/// <summary>
/// <c>change</c>, <c>pctChange</c>, <c>perDay</c>, <c>daysToZero</c> and <c>previous</c>: now against the value as of
/// the window's start (the latest sample at or before it), as the built-in rules measure "over the window".
/// </summary>
internal sealed class ChangeNode : WindowNode
{
    private readonly WindowFunction _function;
    private readonly string _zeroStart;
    private readonly string _noLaterDay;
    private readonly string _notFalling;

    public ChangeNode(string text, WindowFunction function, ValueNode argument, RuleWindow window, SampleWindow history, EvaluationNotes notes)
        : base(text, argument, window, history, notes)
    {
        _function = function;
        _zeroStart = $"'{text}': the value at the window's start is 0";
        _noLaterDay = $"'{text}': no value for a later date than the window's start";
        _notFalling = $"'{text}': '{argument.Text}' is not falling, so it never reaches zero at this pace";
    }

    public override Market.QuantityUnit? Unit => _function is WindowFunction.PctChange or WindowFunction.DaysToZero ? null : Argument.Unit;

    public override double Evaluate(in RuleClock clock)
    {
        if (!History.TryBase(clock.Position(Window), out double from, out double fromDay))
        {
            return Notes.Fail(NotFilled);
        }

        if (_function == WindowFunction.Previous)
        {
            return from;
        }

        double now = Argument.Evaluate(clock);
        if (double.IsNaN(now))
        {
            return double.NaN;
        }

        switch (_function)
        {
            case WindowFunction.Change:
                return now - from;
            case WindowFunction.PctChange:
                return from == 0 ? Notes.Fail(_zeroStart) : RuleMath.PercentChange(from, now);
        }

        double days = Day(clock) - fromDay;
        if (days <= 0)
        {
            return Notes.Fail(_noLaterDay);
        }

        double perDay = (now - from) / days;
        if (_function == WindowFunction.PerDay)
        {
            return perDay;
        }

        double outflow = -perDay;
        return outflow > 0 ? now / outflow : Notes.Fail(_notFalling);
    }
}

/// <summary>
/// <c>mean</c>, <c>stddev</c> (population) and <c>zscore</c> over the samples after the window's start (the current
/// close's included), from running sums: O(1) per bar. The z-score has no value while the argument has not varied.
/// </summary>
internal sealed class StatisticsNode(string text, WindowFunction function, ValueNode argument, RuleWindow window, SampleWindow history, EvaluationNotes notes)
    : WindowNode(text, argument, window, history, notes)
{
    private readonly string _flat = $"'{text}': '{argument.Text}' has not varied over the window";

    public override Market.QuantityUnit? Unit => function == WindowFunction.ZScore ? null : Argument.Unit;

    public override double Evaluate(in RuleClock clock)
    {
        if (!History.TryStatistics(clock.Position(Window), out int count, out double mean, out double variance)
            || (function == WindowFunction.ZScore && count < 2))
        {
            return Notes.Fail(NotFilled);
        }

        switch (function)
        {
            case WindowFunction.Mean:
                return mean;
            case WindowFunction.StdDev:
                return Math.Sqrt(variance);
        }

        if (variance == 0)
        {
            return Notes.Fail(_flat);
        }

        double now = Argument.Evaluate(clock);
        return (now - mean) / Math.Sqrt(variance);
    }
}

/// <summary><c>min</c> and <c>max</c> over the samples after the window's start: a monotonic queue, O(1) amortised per bar.</summary>
internal sealed class ExtremeNode : WindowNode
{
    private readonly RollingExtreme _extreme;

    public ExtremeNode(string text, WindowFunction function, ValueNode argument, RuleWindow window, SampleWindow history, EvaluationNotes notes)
        : base(text, argument, window, history, notes) =>
        _extreme = new RollingExtreme(keepLargest: function == WindowFunction.Max);

    public override double Evaluate(in RuleClock clock)
    {
        long position = clock.Position(Window);
        if (!History.TryBase(position, out _, out _))
        {
            return Notes.Fail(NotFilled);
        }

        _extreme.DropThrough(position - History.Span);
        return _extreme.Count > 0 ? _extreme.Front : Notes.Fail(NotFilled);
    }

    public override void Restored()
    {
        _extreme.Clear();
        for (int i = 0; i < History.Count; i++)
        {
            _extreme.Push(History.KeyAt(i), History.ValueAt(i));
        }
    }

    protected override void Pushed(long key, double value) => _extreme.Push(key, value);
}

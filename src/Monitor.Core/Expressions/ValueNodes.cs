using Monitor.Core.Market;
using Monitor.Core.Rules;

namespace Monitor.Core.Expressions;

/// <summary>
/// Why the current evaluation has no answer, set by the first node that cannot give a value (a division by zero, a
/// window not filled yet). The texts are built when the expression is compiled, so an evaluation allocates nothing.
/// </summary>
internal sealed class EvaluationNotes
{
    public string? Reason { get; private set; }

    public void Clear() => Reason = null;

    /// <summary>Records <paramref name="reason"/> unless an earlier node already did, and returns NaN (no value).</summary>
    public double Fail(string reason)
    {
        Reason ??= reason;
        return double.NaN;
    }
}

/// <summary>A numeric node of a compiled expression. NaN means "no value now"; the node has said why in <see cref="EvaluationNotes"/>.</summary>
internal abstract class ValueNode(string text)
{
    /// <summary>The node's source text, for messages and <c>values</c>.</summary>
    public string Text { get; } = text;

    /// <summary>The unit of a quantity's value now (the series' unit, or a literal's); null for prices and plain numbers.</summary>
    public virtual QuantityUnit? Unit => null;

    public abstract double Evaluate(in RuleClock clock);

    /// <summary>Converts <paramref name="value"/> from <paramref name="from"/> to <paramref name="to"/>; a missing unit means "already in it".</summary>
    public static double Convert(double value, QuantityUnit? from, QuantityUnit? to) =>
        from is { } f && to is { } t && f != t
            ? QuantityUnits.TryConvert(value, f, t, out double converted) ? converted : double.NaN
            : value;
}

internal sealed class LiteralNode(string text, double value, QuantityUnit? unit) : ValueNode(text)
{
    public override QuantityUnit? Unit => unit;

    public override double Evaluate(in RuleClock clock) => value;
}

/// <summary>An input's value at this evaluation (its readiness is checked by the rule before it evaluates).</summary>
internal sealed class InputNode(string text, InputSlot slot) : ValueNode(text)
{
    public InputSlot Slot => slot;

    public override QuantityUnit? Unit => slot.Kind == RuleInputKind.Series ? slot.Unit : null;

    /// <summary>Where the value sits in time for <c>perDay</c>: the <c>asOf</c> day of a series value.</summary>
    public int AsOfDay => slot.EvalAsOfDay;

    public override double Evaluate(in RuleClock clock) => slot.Usable ? slot.EvalValue : double.NaN;
}

internal sealed class NegateNode(string text, ValueNode operand) : ValueNode(text)
{
    public override QuantityUnit? Unit => operand.Unit;

    public override double Evaluate(in RuleClock clock) => -operand.Evaluate(clock);
}

internal sealed class AbsNode(string text, ValueNode operand) : ValueNode(text)
{
    public override QuantityUnit? Unit => operand.Unit;

    public override double Evaluate(in RuleClock clock) => Math.Abs(operand.Evaluate(clock));
}

/// <summary>
/// <c>+ - * /</c>. Two quantities are brought to the left one's unit before adding, subtracting or dividing (ounces
/// and tonnes mix; the type check has refused ounces against dollars). A zero divisor gives no value and names it.
/// </summary>
internal sealed class ArithmeticNode : ValueNode
{
    private readonly TokenKind _op;
    private readonly ValueNode _left;
    private readonly ValueNode _right;
    private readonly EvaluationNotes _notes;
    private readonly string _divisionByZero;
    private readonly string _units;

    public ArithmeticNode(string text, TokenKind op, ValueNode left, ValueNode right, EvaluationNotes notes)
        : base(text)
    {
        _op = op;
        _left = left;
        _right = right;
        _notes = notes;
        _divisionByZero = $"division by zero: '{right.Text}' is 0 in '{text}'";
        _units = $"'{left.Text}' and '{right.Text}' are in units that do not convert in '{text}'";
    }

    public override QuantityUnit? Unit => _op switch
    {
        TokenKind.Plus or TokenKind.Minus => _left.Unit ?? _right.Unit,
        _ when _right.Unit is null => _left.Unit,
        TokenKind.Star when _left.Unit is null => _right.Unit,
        _ => null,
    };

    public override double Evaluate(in RuleClock clock)
    {
        double left = _left.Evaluate(clock);
        double right = _right.Evaluate(clock);
        if (double.IsNaN(left) || double.IsNaN(right))
        {
            return double.NaN;
        }

        if (_op != TokenKind.Star)
        {
            var unit = _left.Unit ?? _right.Unit;
            left = Convert(left, _left.Unit, unit);
            right = Convert(right, _right.Unit, unit);
            if (double.IsNaN(left) || double.IsNaN(right))
            {
                return _notes.Fail(_units);
            }
        }

        return _op switch
        {
            TokenKind.Plus => left + right,
            TokenKind.Minus => left - right,
            TokenKind.Star => left * right,
            _ => right == 0 ? _notes.Fail(_divisionByZero) : left / right,
        };
    }
}

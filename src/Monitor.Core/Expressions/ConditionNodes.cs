using Monitor.Core.Rules;

namespace Monitor.Core.Expressions;

/// <summary>
/// A true-or-false node. <see cref="ConditionOutcome.NotReady"/> is "no answer" (a value it needs has none); <c>and</c>,
/// <c>or</c> and <c>not</c> combine answers as three-valued logic, so <c>false and (no answer)</c> is false. Every node
/// is evaluated at every evaluation (no short cut), so crosses see every evaluation and the values are all current.
/// </summary>
internal abstract class ConditionNode(string text)
{
    public string Text { get; } = text;

    public abstract ConditionOutcome Test(in RuleClock clock);
}

/// <summary>
/// The operands of a comparison or a cross: both evaluated, quantities in one unit, their values kept for the alert's
/// <c>values</c> and message (at the term indexes, -1 for a literal).
/// </summary>
internal sealed class Operands
{
    private readonly ValueNode _left;
    private readonly ValueNode _right;
    private readonly EvaluationNotes _notes;
    private readonly TermValues _terms;
    private readonly int _leftTerm;
    private readonly int _rightTerm;
    private readonly string _notFinite;
    private readonly string _units;

    public Operands(string text, ValueNode left, ValueNode right, EvaluationNotes notes, TermValues terms, int leftTerm, int rightTerm)
    {
        _left = left;
        _right = right;
        _notes = notes;
        _terms = terms;
        _leftTerm = leftTerm;
        _rightTerm = rightTerm;
        _notFinite = $"a value in '{text}' is not a finite number";
        _units = $"'{left.Text}' and '{right.Text}' are in units that do not convert";
    }

    public bool TryEvaluate(in RuleClock clock, out double left, out double right)
    {
        left = _left.Evaluate(clock);
        right = _right.Evaluate(clock);
        Record(_leftTerm, left);
        Record(_rightTerm, right);
        if (!double.IsFinite(left) || !double.IsFinite(right))
        {
            if (!double.IsNaN(left) && !double.IsNaN(right))
            {
                _notes.Fail(_notFinite);
            }

            return false;
        }

        var unit = _left.Unit ?? _right.Unit;
        left = ValueNode.Convert(left, _left.Unit, unit);
        right = ValueNode.Convert(right, _right.Unit, unit);
        if (double.IsNaN(left) || double.IsNaN(right))
        {
            _notes.Fail(_units);
            return false;
        }

        return true;
    }

    private void Record(int term, double value)
    {
        if (term >= 0)
        {
            _terms.Values[term] = value;
        }
    }
}

/// <summary>
/// <c>&lt; &lt;= &gt; &gt;= == !=</c> with the built-in rules' tolerance: values within one part in 10^9 of each
/// other are equal (so <c>&gt;=</c> includes, <c>&gt;</c> excludes, a value a rounding away from the bound).
/// </summary>
internal sealed class CompareNode(string text, TokenKind op, Operands operands) : ConditionNode(text)
{
    public override ConditionOutcome Test(in RuleClock clock)
    {
        if (!operands.TryEvaluate(clock, out double left, out double right))
        {
            return ConditionOutcome.NotReady;
        }

        bool holds = op switch
        {
            TokenKind.Less => RuleMath.Below(left, right),
            TokenKind.LessOrEqual => RuleMath.AtMost(left, right),
            TokenKind.Greater => RuleMath.Above(left, right),
            TokenKind.GreaterOrEqual => RuleMath.AtLeast(left, right),
            TokenKind.Equal => RuleMath.Side(left, right) == 0,
            _ => RuleMath.Side(left, right) != 0,
        };
        return holds ? ConditionOutcome.True : ConditionOutcome.False;
    }
}

/// <summary>
/// <c>crossesAbove(a, b)</c>: true at the one evaluation where a is above b and the last evaluation where they were
/// not equal had a below b (touching and turning back is no cross), as the <c>threshold</c> and
/// <c>indicatorCross</c> rules define it. <c>crossesBelow</c> mirrors it.
/// </summary>
internal sealed class CrossNode(string text, bool above, Operands operands) : ConditionNode(text)
{
    public int LastSide { get; set; }

    public override ConditionOutcome Test(in RuleClock clock)
    {
        if (!operands.TryEvaluate(clock, out double left, out double right))
        {
            return ConditionOutcome.NotReady;
        }

        int side = RuleMath.Side(left, right);
        bool holds = above ? side > 0 && LastSide < 0 : side < 0 && LastSide > 0;
        if (side != 0)
        {
            LastSide = side;
        }

        return holds ? ConditionOutcome.True : ConditionOutcome.False;
    }
}

internal sealed class AndNode(string text, ConditionNode left, ConditionNode right) : ConditionNode(text)
{
    public override ConditionOutcome Test(in RuleClock clock)
    {
        var a = left.Test(clock);
        var b = right.Test(clock);
        return a == ConditionOutcome.False || b == ConditionOutcome.False ? ConditionOutcome.False
            : a == ConditionOutcome.True && b == ConditionOutcome.True ? ConditionOutcome.True
            : ConditionOutcome.NotReady;
    }
}

internal sealed class OrNode(string text, ConditionNode left, ConditionNode right) : ConditionNode(text)
{
    public ConditionNode Left => left;

    public ConditionNode Right => right;

    public override ConditionOutcome Test(in RuleClock clock) => Either(left.Test(clock), right.Test(clock));

    public static ConditionOutcome Either(ConditionOutcome a, ConditionOutcome b) =>
        a == ConditionOutcome.True || b == ConditionOutcome.True ? ConditionOutcome.True
            : a == ConditionOutcome.False && b == ConditionOutcome.False ? ConditionOutcome.False
            : ConditionOutcome.NotReady;
}

internal sealed class NotNode(string text, ConditionNode operand) : ConditionNode(text)
{
    public override ConditionOutcome Test(in RuleClock clock) => operand.Test(clock) switch
    {
        ConditionOutcome.True => ConditionOutcome.False,
        ConditionOutcome.False => ConditionOutcome.True,
        _ => ConditionOutcome.NotReady,
    };
}

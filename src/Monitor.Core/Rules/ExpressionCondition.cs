using System.Text;
using Monitor.Core.Expressions;

namespace Monitor.Core.Rules;

/// <summary>
/// <c>expression</c>: the compiled condition over the rule's inputs. Window functions are sampled at each close of
/// the primary's bar (children first) and kept as rolling structures, so an evaluation is O(1) in the bars seen and
/// allocates nothing. No answer (a division by zero, a window not filled, a value that is not finite) leaves the alert
/// where it is, as a missing input does, and <see cref="RuleCondition.NotReadyReason"/> names the term.
/// A condition whose top level is <c>or</c> has a direction, as built-in rules do (up or down, bearish or bullish): the
/// text of the first alternative that holds. A true condition in another direction ends the open alert and starts a
/// new one, so <c>pctChange(x, P10D) >= 6 or pctChange(x, P10D) <= -6</c> behaves as <c>percentMove</c>.
/// </summary>
internal sealed class ExpressionCondition : RuleCondition
{
    private readonly ExpressionParameters _p;
    private readonly ExpressionCompilation _compiled;
    private readonly ConditionNode _condition;
    private readonly ConditionNode[] _alternatives;
    private RuleClock _last;

    public ExpressionCondition(RuleDefinition rule, ExpressionParameters p)
        : base(rule, [.. p.Inputs], [.. p.Terms])
    {
        _p = p;
        var slots = Slots;
        _compiled = ExpressionCompiler.Compile(
            p.Condition,
            p.Message,
            rule.Interval,
            input => slots[IndexOf(p.Inputs, input)],
            Track,
            p.Each);
        if (!_compiled.IsValid || _compiled.Condition is null)
        {
            throw new ArgumentException($"rule '{rule.Id}': the expression does not compile", nameof(p));
        }

        _compiled.TermValues.Values = Values;
        _condition = _compiled.Condition;
        var alternatives = new List<ConditionNode>();
        Flatten(_condition, alternatives);
        _alternatives = [.. alternatives];
    }

    public override void Sample(in RuleClock clock)
    {
        foreach (var node in _compiled.Histories)
        {
            node.Sample(clock);
        }
    }

    public override ConditionOutcome Evaluate(in RuleClock clock)
    {
        _last = clock;
        _compiled.Notes.Clear();
        var outcome = ConditionOutcome.False;
        Direction = null;
        foreach (var alternative in _alternatives)
        {
            var holds = alternative.Test(clock);
            if (holds == ConditionOutcome.True && Direction is null && _alternatives.Length > 1)
            {
                Direction = alternative.Text;
            }

            outcome = OrNode.Either(outcome, holds);
        }

        return outcome == ConditionOutcome.NotReady
            ? NotReady(_compiled.Notes.Reason ?? $"'{_condition.Text}' has no answer")
            : outcome;
    }

    public override string Describe()
    {
        if (_compiled.Message is { } message)
        {
            return message.Fill(_last);
        }

        var builder = new StringBuilder();
        for (int i = 0; i < _p.Terms.Count; i++)
        {
            builder.Append(i == 0 ? "" : ", ").Append(_p.Terms[i]).Append(" = ")
                .Append(double.IsFinite(Values[i]) ? RuleFormat.Number(Values[i]) : "n/a");
        }

        return builder.ToString();
    }

    public override double[] SaveMemory() => _compiled.Crosses.ConvertAll(c => (double)c.LastSide).ToArray();

    public override void RestoreMemory(double[] memory)
    {
        for (int i = 0; i < _compiled.Crosses.Count; i++)
        {
            _compiled.Crosses[i].LastSide = i < memory.Length ? (int)memory[i] : 0;
        }

        foreach (var node in _compiled.Histories)
        {
            node.Restored();
        }
    }

    private static void Flatten(ConditionNode node, List<ConditionNode> alternatives)
    {
        if (node is OrNode or)
        {
            Flatten(or.Left, alternatives);
            Flatten(or.Right, alternatives);
        }
        else
        {
            alternatives.Add(node);
        }
    }

    private static int IndexOf(IReadOnlyList<RuleInput> inputs, RuleInput input)
    {
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] == input)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"'{input}' is not an input of the expression");
    }
}

using System.Text;
using Monitor.Core.Rules;

namespace Monitor.Core.Expressions;

/// <summary>
/// <c>params.message</c>: text with <c>{expression}</c> placeholders (<c>"SLV {pctChange(ETF:SLV,P10D)}%"</c>), each a
/// value compiled like the condition and shown as the built-in messages show numbers ("n/a" when it has none).
/// Filled in only when an alert is raised or changes, never per bar.
/// </summary>
internal sealed class MessageTemplate
{
    private readonly List<string> _texts;
    private readonly List<ValueNode> _values;

    private MessageTemplate(List<string> texts, List<ValueNode> values)
    {
        _texts = texts;
        _values = values;
    }

    /// <summary>Splits the template; <paramref name="compile"/> compiles a placeholder found at a 0-based offset.</summary>
    public static MessageTemplate? Compile(string message, List<ExpressionError> errors, Func<string, int, ValueNode?> compile)
    {
        if (message.Length > ExpressionLimits.MaxLength)
        {
            errors.Add(new ExpressionError(ExpressionLimits.MaxLength + 1, "", $"the message is {message.Length} characters long; at most {ExpressionLimits.MaxLength}"));
            return null;
        }

        var texts = new List<string>();
        var values = new List<ValueNode>();
        int at = 0;
        while (true)
        {
            int open = message.IndexOf('{', at);
            int stray = message.IndexOf('}', at);
            if (stray >= 0 && (open < 0 || stray < open))
            {
                errors.Add(new ExpressionError(stray + 1, "}", "a '}' without its '{'; placeholders are written {expression}"));
                return null;
            }

            if (open < 0)
            {
                texts.Add(message[at..]);
                break;
            }

            int close = message.IndexOf('}', open + 1);
            if (close < 0)
            {
                errors.Add(new ExpressionError(open + 1, "{", "this '{' is never closed; placeholders are written {expression}"));
                return null;
            }

            texts.Add(message[at..open]);
            var value = compile(message[(open + 1)..close], open + 1);
            if (value is null)
            {
                return null;
            }

            values.Add(value);
            at = close + 1;
        }

        return new MessageTemplate(texts, values);
    }

    public string Fill(in RuleClock clock)
    {
        var builder = new StringBuilder(_texts[0]);
        for (int i = 0; i < _values.Count; i++)
        {
            double value = _values[i].Evaluate(clock);
            builder.Append(double.IsFinite(value) ? RuleFormat.Number(value) : "n/a").Append(_texts[i + 1]);
        }

        return builder.ToString();
    }
}

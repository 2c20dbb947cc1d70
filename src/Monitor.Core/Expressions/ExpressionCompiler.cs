using Monitor.Core.Market;
using Monitor.Core.Rules;

namespace Monitor.Core.Expressions;

/// <summary>What an expression computes, for the type check: ounces plus dollars is refused before anything runs.</summary>
internal enum ExpressionKind
{
    /// <summary>Already reported wrong: no further error about it.</summary>
    Invalid,

    /// <summary>A plain number (an indicator, a percentage, a z-score, a literal without unit): mixes with anything.</summary>
    Number,

    Price,

    /// <summary>A quantity of metal (ounces, tonnes: they convert).</summary>
    Mass,

    Contracts,

    Boolean,
}

/// <summary>The values of an expression's terms, kept by its comparisons for the alert's <c>values</c> and message.</summary>
internal sealed class TermValues
{
    public double[] Values { get; set; } = [];
}

/// <summary>A compiled condition and message: the evaluator nodes, what they read, and every error found.</summary>
internal sealed class ExpressionCompilation
{
    public List<RuleInput> Inputs { get; } = [];

    /// <summary>The operands of the comparisons and crosses (literals aside), by source text: the names of the alert's <c>values</c>.</summary>
    public List<string> Terms { get; } = [];

    public List<ExpressionError> ConditionErrors { get; } = [];

    public List<ExpressionError> MessageErrors { get; } = [];

    public ConditionNode? Condition { get; set; }

    /// <summary>The value of a derived series' expression (<see cref="ExpressionCompiler.CompileValue"/>).</summary>
    public ValueNode? Value { get; set; }

    public MessageTemplate? Message { get; set; }

    /// <summary>The nodes with a history, children before parents: the order they are sampled in.</summary>
    public List<IHistoryNode> Histories { get; } = [];

    public List<CrossNode> Crosses { get; } = [];

    public EvaluationNotes Notes { get; } = new();

    public TermValues TermValues { get; } = new();

    public bool IsValid => ConditionErrors.Count == 0 && MessageErrors.Count == 0;
}

/// <summary>
/// Type-checks a parsed expression and compiles it into evaluator nodes bound to a rule's inputs. Checking and
/// building are one walk: a definition is checked by compiling it against throwaway inputs, and the rule's
/// evaluator compiles it again against its own.
/// </summary>
internal sealed class ExpressionCompiler
{
    private static readonly FunctionInfo[] Functions =
    [
        new("change", "x, W", FunctionShape.Window, WindowFunction.Change),
        new("pctChange", "x, W", FunctionShape.Window, WindowFunction.PctChange),
        new("perDay", "x, W", FunctionShape.Window, WindowFunction.PerDay),
        new("daysToZero", "x, W", FunctionShape.Window, WindowFunction.DaysToZero),
        new("mean", "x, W", FunctionShape.Window, WindowFunction.Mean),
        new("stddev", "x, W", FunctionShape.Window, WindowFunction.StdDev),
        new("zscore", "x, W", FunctionShape.Window, WindowFunction.ZScore),
        new("min", "x, W", FunctionShape.Window, WindowFunction.Min),
        new("max", "x, W", FunctionShape.Window, WindowFunction.Max),
        new("previous", "x, n", FunctionShape.Window, WindowFunction.Previous),
        new("abs", "x", FunctionShape.Abs, default),
        new("crossesAbove", "a, b", FunctionShape.Cross, default),
        new("crossesBelow", "a, b", FunctionShape.Cross, default),
        new("open", "instrument", FunctionShape.BarField, default),
        new("high", "instrument", FunctionShape.BarField, default),
        new("low", "instrument", FunctionShape.BarField, default),
        new("close", "instrument", FunctionShape.BarField, default),
        new("volume", "instrument", FunctionShape.BarField, default),
    ];

    private readonly ExpressionCompilation _result;
    private readonly BarInterval _interval;
    private readonly Func<RuleInput, InputSlot>? _slotFor;
    private readonly Func<SampleWindow, RuleWindow, SampleWindow>? _track;
    private readonly InstrumentId? _each;
    private readonly Dictionary<RuleInput, InputSlot> _throwaway = [];
    private readonly Dictionary<string, WindowNode> _windows = new(StringComparer.Ordinal);
    private string _text = "";
    private int _offset;
    private bool _tooManyInputs;
    private bool _latestValuesOnly;
    private List<ExpressionError> _errors;

    private ExpressionCompiler(
        ExpressionCompilation result, BarInterval interval, Func<RuleInput, InputSlot>? slotFor, Func<SampleWindow, RuleWindow, SampleWindow>? track, InstrumentId? each = null)
    {
        _each = each;
        _result = result;
        _interval = interval;
        _slotFor = slotFor;
        _track = track;
        _errors = result.ConditionErrors;
    }

    private enum FunctionShape
    {
        Window,
        Abs,
        Cross,
        BarField,
    }

    /// <summary>The function names, for error messages.</summary>
    public static string FunctionNames => string.Join(", ", Functions.Select(f => f.Name));

    /// <summary>
    /// Compiles <paramref name="condition"/> (true or false) and the optional <paramref name="message"/> template.
    /// Without <paramref name="slotFor"/> the nodes read throwaway inputs (a check); with it, the rule's own.
    /// <paramref name="each"/> is the instrument <c>$</c> stands for (a forEach rule's); without it <c>$</c> is refused.
    /// </summary>
    public static ExpressionCompilation Compile(
        string condition,
        string? message,
        BarInterval interval,
        Func<RuleInput, InputSlot>? slotFor = null,
        Func<SampleWindow, RuleWindow, SampleWindow>? track = null,
        InstrumentId? each = null)
    {
        var result = new ExpressionCompilation();
        var compiler = new ExpressionCompiler(result, interval, slotFor, track, each);
        compiler.CompileCondition(condition);
        if (message is not null)
        {
            compiler._errors = result.MessageErrors;
            result.Message = MessageTemplate.Compile(message, result.MessageErrors, compiler.CompilePlaceholder);
        }

        if (result.ConditionErrors.Count == 0 && result.Inputs.Count == 0)
        {
            result.ConditionErrors.Add(new ExpressionError(1, "", "the condition reads no series; name one, such as COMEX:SI or ETF:SLV/holdings"));
        }

        result.TermValues.Values = new double[result.Terms.Count];
        return result;
    }

    /// <summary>
    /// Compiles a derived series' expression: a number (price, quantity or plain) computed from the latest value of each
    /// input at every tick. Window functions, crosses, bar fields and indicators need a rule's bars and clock, so they
    /// are refused here; a rule over the derived series applies them to its bars instead.
    /// </summary>
    public static ExpressionCompilation CompileValue(string expression, Func<RuleInput, InputSlot>? slotFor = null)
    {
        var result = new ExpressionCompilation();
        var compiler = new ExpressionCompiler(result, BarInterval.OneDay, slotFor, track: null) { _latestValuesOnly = true };
        if (!ExpressionParser.TryParse(expression, out var syntax, out var error))
        {
            result.ConditionErrors.Add(error);
            return result;
        }

        compiler._text = expression;
        var compiled = compiler.Compile(syntax);
        if (compiled.Kind == ExpressionKind.Boolean)
        {
            compiler.Fail(syntax, "a derived series is a number, and this is true or false; write a value such as COMEX:GC / COMEX:SI");
        }
        else if (compiled.Kind != ExpressionKind.Invalid)
        {
            result.Value = compiled.Value;
        }

        if (result.ConditionErrors.Count == 0 && !result.Inputs.Exists(i => i.Kind == RuleInputKind.Price))
        {
            result.ConditionErrors.Add(new ExpressionError(1, "", "a derived series ticks when the prices it reads tick, and this reads no price; name one, such as COMEX:SI"));
        }

        return result;
    }

    private void CompileCondition(string text)
    {
        if (!ExpressionParser.TryParse(text, out var syntax, out var error))
        {
            _errors.Add(error);
            return;
        }

        _text = text;
        _offset = 0;
        var compiled = Compile(syntax);
        if (compiled.Kind == ExpressionKind.Invalid)
        {
            return;
        }

        if (compiled.Kind != ExpressionKind.Boolean)
        {
            Fail(syntax, $"the condition must be true or false, and this is {Describe(compiled.Kind)}; compare it, as in {Text(syntax)} > 0");
            return;
        }

        _result.Condition = compiled.Condition;
    }

    /// <summary>A <c>{expression}</c> of the message: a value, located at <paramref name="offset"/> in the message.</summary>
    private ValueNode? CompilePlaceholder(string text, int offset)
    {
        if (!ExpressionParser.TryParse(text, out var syntax, out var error))
        {
            _errors.Add(error with { Position = error.Position + offset });
            return null;
        }

        _text = text;
        _offset = offset;
        var compiled = Compile(syntax);
        if (compiled.Kind == ExpressionKind.Boolean)
        {
            Fail(syntax, "a placeholder shows a value, and this is true or false");
            return null;
        }

        return compiled.Value;
    }

    private Compiled Compile(ExpressionSyntax syntax) => syntax switch
    {
        NumberSyntax n => Value(
            n.Unit switch { null => ExpressionKind.Number, QuantityUnit.Contracts => ExpressionKind.Contracts, _ => ExpressionKind.Mass },
            new LiteralNode(Text(n), n.Value, n.Unit)),
        ReferenceSyntax r => Reference(r),
        NameSyntax n => Fail(n, Functions.Any(f => f.Name.Equals(n.Name, StringComparison.OrdinalIgnoreCase))
            ? $"'{n.Name}' is a function; call it with its arguments in parentheses"
            : RuleWindow.TryParse(n.Name, out _, out _)
                ? $"a window goes inside a window function, as in pctChange(COMEX:SI, {n.Name})"
                : $"'{n.Name}' is not a series, a function or a keyword; instruments are written VENUE:CODE (COMEX:SI), and 'and', 'or', 'not' in lower case"),
        UnarySyntax u => Unary(u),
        BinarySyntax b => Binary(b),
        CallSyntax c => Call(c),
        _ => throw new ArgumentOutOfRangeException(nameof(syntax)),
    };

    private Compiled Reference(ReferenceSyntax syntax)
    {
        if (syntax.Text.StartsWith('$') && _each is null)
        {
            return Fail(syntax, "'$' stands for each instrument of forEach, and this rule has no forEach");
        }

        if (!RuleInput.TryParse(ReferenceText(syntax), out var input, out string error))
        {
            return Fail(syntax, $"not a series: {error}");
        }

        if (_latestValuesOnly && input.Kind == RuleInputKind.Indicator)
        {
            return Fail(syntax, "a derived series reads prices and inventory series, not indicators; a rule over the series can read its own indicators (X:GSR@rsi(14))");
        }

        var kind = input.Kind switch
        {
            RuleInputKind.Price => ExpressionKind.Price,
            RuleInputKind.Series => InventorySeries.BaseUnit(input.Series!, preciousMetal: true) == QuantityUnit.Contracts
                ? ExpressionKind.Contracts
                : ExpressionKind.Mass,
            _ => ExpressionKind.Number,
        };
        var slot = Slot(syntax, input);
        return slot is null ? Compiled.Invalid : Value(kind, new InputNode(Text(syntax), slot));
    }

    private InputSlot? Slot(ExpressionSyntax syntax, RuleInput input)
    {
        if (!_result.Inputs.Contains(input))
        {
            if (_result.Inputs.Count == ExpressionLimits.MaxInputs)
            {
                if (!_tooManyInputs)
                {
                    _tooManyInputs = true;
                    Fail(syntax, $"reads more than {ExpressionLimits.MaxInputs} series");
                }

                return null;
            }

            _result.Inputs.Add(input);
        }

        if (_slotFor is not null)
        {
            return _slotFor(input);
        }

        if (!_throwaway.TryGetValue(input, out var slot))
        {
            slot = new InputSlot(input, TimeSpan.Zero);
            _throwaway[input] = slot;
        }

        return slot;
    }

    private Compiled Unary(UnarySyntax syntax)
    {
        var operand = Compile(syntax.Operand);
        if (operand.Kind == ExpressionKind.Invalid)
        {
            return operand;
        }

        if (syntax.Operator == TokenKind.Not)
        {
            return operand.Kind == ExpressionKind.Boolean
                ? Condition(new NotNode(Text(syntax), operand.Condition!))
                : Fail(syntax.Operand, $"'not' applies to a condition, and this is {Describe(operand.Kind)}");
        }

        return operand.Kind == ExpressionKind.Boolean
            ? Fail(syntax.Operand, "'-' applies to a number, and this is true or false")
            : Value(operand.Kind, new NegateNode(Text(syntax), operand.Value!));
    }

    private Compiled Binary(BinarySyntax syntax)
    {
        var left = Compile(syntax.Left);
        var right = Compile(syntax.Right);
        if (left.Kind == ExpressionKind.Invalid || right.Kind == ExpressionKind.Invalid)
        {
            return Compiled.Invalid;
        }

        string text = Text(syntax);
        string op = OperatorText(syntax.Operator);
        if (syntax.Operator is TokenKind.And or TokenKind.Or)
        {
            if (left.Kind != ExpressionKind.Boolean || right.Kind != ExpressionKind.Boolean)
            {
                bool leftWrong = left.Kind != ExpressionKind.Boolean;
                return Fail(
                    leftWrong ? syntax.Left : syntax.Right,
                    $"'{op}' joins conditions (true or false), and this is {Describe(leftWrong ? left.Kind : right.Kind)}");
            }

            return Condition(syntax.Operator == TokenKind.And
                ? new AndNode(text, left.Condition!, right.Condition!)
                : new OrNode(text, left.Condition!, right.Condition!));
        }

        if (left.Kind == ExpressionKind.Boolean || right.Kind == ExpressionKind.Boolean)
        {
            var wrong = left.Kind == ExpressionKind.Boolean ? syntax.Left : syntax.Right;
            return Fail(wrong, $"'{op}' needs numbers on both sides, and this is true or false");
        }

        bool additive = syntax.Operator is TokenKind.Plus or TokenKind.Minus;
        bool comparison = !additive && syntax.Operator is not (TokenKind.Star or TokenKind.Slash);
        if ((additive || comparison) && !Compatible(left.Kind, right.Kind))
        {
            string verb = syntax.Operator switch { TokenKind.Plus => "add", TokenKind.Minus => "subtract", _ => "compare" };
            return Error(syntax.OperatorStart, op, $"cannot {verb} {Describe(left.Kind)} ('{Text(syntax.Left)}') and {Describe(right.Kind)} ('{Text(syntax.Right)}')");
        }

        if (comparison)
        {
            return Condition(new CompareNode(text, syntax.Operator, Operands(text, syntax.Left, left.Value!, syntax.Right, right.Value!)));
        }

        var kind = syntax.Operator switch
        {
            TokenKind.Plus or TokenKind.Minus => left.Kind == ExpressionKind.Number ? right.Kind : left.Kind,
            _ when right.Kind == ExpressionKind.Number => left.Kind,
            TokenKind.Star when left.Kind == ExpressionKind.Number => right.Kind,
            _ => ExpressionKind.Number,
        };
        return Value(kind, new ArithmeticNode(text, syntax.Operator, left.Value!, right.Value!, _result.Notes));
    }

    private Compiled Call(CallSyntax syntax)
    {
        var function = Array.Find(Functions, f => f.Name == syntax.Name);
        if (function is null)
        {
            var near = Array.Find(Functions, f => f.Name.Equals(syntax.Name, StringComparison.OrdinalIgnoreCase));
            return Error(syntax.Start, syntax.Name, near is not null
                ? $"unknown function '{syntax.Name}'; did you mean '{near.Name}'?"
                : $"unknown function '{syntax.Name}'; the functions are {FunctionNames}");
        }

        int wanted = function.Parameters.Split(',').Length;
        if (syntax.Arguments.Count != wanted)
        {
            return Error(syntax.Start, syntax.Name,
                $"{function.Name} takes {wanted} argument{(wanted == 1 ? "" : "s")} ({function.Name}({function.Parameters})), got {syntax.Arguments.Count}");
        }

        if (_latestValuesOnly && function.Shape != FunctionShape.Abs)
        {
            return Error(syntax.Start, syntax.Name,
                $"a derived series is computed from the latest value of each input at every tick, so it takes no {function.Name}(); apply it in a rule that reads the series, as in zscore(X:GSR, P60D) > 2");
        }

        return function.Shape switch
        {
            FunctionShape.Window => WindowCall(syntax, function),
            FunctionShape.Abs => AbsCall(syntax),
            FunctionShape.Cross => CrossCall(syntax, function),
            _ => BarFieldCall(syntax, function),
        };
    }

    private Compiled AbsCall(CallSyntax syntax)
    {
        var argument = Argument(syntax, 0);
        return argument.Kind == ExpressionKind.Invalid ? argument : Value(argument.Kind, new AbsNode(Text(syntax), argument.Value!));
    }

    private Compiled CrossCall(CallSyntax syntax, FunctionInfo function)
    {
        var a = Argument(syntax, 0);
        var b = Argument(syntax, 1);
        if (a.Kind == ExpressionKind.Invalid || b.Kind == ExpressionKind.Invalid)
        {
            return Compiled.Invalid;
        }

        if (!Compatible(a.Kind, b.Kind))
        {
            return Error(syntax.Start, syntax.Name, $"{function.Name} compares {Describe(a.Kind)} ('{Text(syntax.Arguments[0])}') with {Describe(b.Kind)} ('{Text(syntax.Arguments[1])}')");
        }

        string text = Text(syntax);
        var cross = new CrossNode(text, function.Name == "crossesAbove", Operands(text, syntax.Arguments[0], a.Value!, syntax.Arguments[1], b.Value!));
        _result.Crosses.Add(cross);
        return Condition(cross);
    }

    private Compiled BarFieldCall(CallSyntax syntax, FunctionInfo function)
    {
        if (syntax.Arguments[0] is not ReferenceSyntax reference || !RuleInput.TryParse(ReferenceText(reference), out var price, out _)
            || price.Kind != RuleInputKind.Price)
        {
            return Fail(syntax.Arguments[0], $"{function.Name}() reads the bar of an instrument: write {function.Name}(COMEX:SI)");
        }

        var input = RuleInput.Parse($"{price.Instrument}@bar.{function.Name}");
        var slot = Slot(syntax, input);
        return slot is null
            ? Compiled.Invalid
            : Value(function.Name == "volume" ? ExpressionKind.Number : ExpressionKind.Price, new InputNode(Text(syntax), slot));
    }

    private Compiled WindowCall(CallSyntax syntax, FunctionInfo function)
    {
        var argument = Argument(syntax, 0);
        var window = Window(syntax.Arguments[1], function);
        if (argument.Kind == ExpressionKind.Invalid || window is not { } w)
        {
            return Compiled.Invalid;
        }

        string text = Text(syntax);
        var kind = function.Window switch
        {
            WindowFunction.PctChange or WindowFunction.DaysToZero or WindowFunction.ZScore => ExpressionKind.Number,
            _ => argument.Kind,
        };
        if (_windows.TryGetValue(text, out var same))
        {
            // The same window written twice (pctChange(x, W) >= 6 or pctChange(x, W) <= -6) is kept once.
            return Value(kind, same);
        }

        var statistics = function.Window is WindowFunction.Mean or WindowFunction.StdDev or WindowFunction.ZScore;
        var history = new SampleWindow(w.IsBarCount ? w.Bars : w.Duration.Ticks, statistics);
        history = _track?.Invoke(history, w) ?? history;
        WindowNode node = function.Window switch
        {
            WindowFunction.Mean or WindowFunction.StdDev or WindowFunction.ZScore =>
                new StatisticsNode(text, function.Window, argument.Value!, w, history, _result.Notes),
            WindowFunction.Min or WindowFunction.Max => new ExtremeNode(text, function.Window, argument.Value!, w, history, _result.Notes),
            _ => new ChangeNode(text, function.Window, argument.Value!, w, history, _result.Notes),
        };
        _result.Histories.Add(node);
        _windows[text] = node;
        return Value(kind, node);
    }

    private RuleWindow? Window(ExpressionSyntax syntax, FunctionInfo function)
    {
        bool count = function.Window == WindowFunction.Previous;
        string expected = count
            ? "a number of bars back, a whole number such as 1"
            : "a window: an ISO-8601 duration (P10D, PT4H, P2W) or a number of bars (20)";
        string? written = syntax switch
        {
            NameSyntax n when !count => n.Name,
            NumberSyntax { Unit: null } n when n.Value == Math.Floor(n.Value) && n.Value >= 1 => Text(n),
            _ => null,
        };
        if (written is null)
        {
            Fail(syntax, $"{function.Name} needs {expected} here");
            return null;
        }

        if (!RuleWindow.TryParse(written, out var window, out string error))
        {
            Fail(syntax, error);
            return null;
        }

        int minBars = function.Window is WindowFunction.StdDev or WindowFunction.ZScore ? 2 : 1;
        if (!RuleWindow.FitsInterval(window, _interval, minBars, out error))
        {
            Fail(syntax, error);
            return null;
        }

        return window;
    }

    private Compiled Argument(CallSyntax syntax, int index)
    {
        var argument = Compile(syntax.Arguments[index]);
        return argument.Kind == ExpressionKind.Boolean
            ? Fail(syntax.Arguments[index], $"{syntax.Name} needs a number here, and this is true or false")
            : argument;
    }

    private Operands Operands(string text, ExpressionSyntax leftSyntax, ValueNode left, ExpressionSyntax rightSyntax, ValueNode right) =>
        new(text, left, right, _result.Notes, _result.TermValues, Term(leftSyntax, left), Term(rightSyntax, right));

    private int Term(ExpressionSyntax syntax, ValueNode node)
    {
        if (syntax is NumberSyntax)
        {
            return -1;
        }

        int index = _result.Terms.IndexOf(node.Text);
        if (index < 0)
        {
            index = _result.Terms.Count;
            _result.Terms.Add(node.Text);
        }

        return index;
    }

    private static bool Compatible(ExpressionKind a, ExpressionKind b) =>
        a == b || a == ExpressionKind.Number || b == ExpressionKind.Number;

    private static string Describe(ExpressionKind kind) => kind switch
    {
        ExpressionKind.Number => "a number",
        ExpressionKind.Price => "a price (money)",
        ExpressionKind.Mass => "a quantity of metal (ounces, tonnes)",
        ExpressionKind.Contracts => "a number of contracts",
        _ => "true or false",
    };

    private static string OperatorText(TokenKind op) => op switch
    {
        TokenKind.Plus => "+",
        TokenKind.Minus => "-",
        TokenKind.Star => "*",
        TokenKind.Slash => "/",
        TokenKind.Less => "<",
        TokenKind.LessOrEqual => "<=",
        TokenKind.Greater => ">",
        TokenKind.GreaterOrEqual => ">=",
        TokenKind.Equal => "==",
        TokenKind.NotEqual => "!=",
        TokenKind.And => "and",
        _ => "or",
    };

    private string Text(ExpressionSyntax syntax) => _text[syntax.Start..syntax.End];

    /// <summary>A reference as an input reads it: a leading <c>$</c> is the forEach instrument.</summary>
    private string ReferenceText(ReferenceSyntax syntax) =>
        _each is { } each && syntax.Text.StartsWith('$') ? each.Value + syntax.Text[1..] : syntax.Text;

    private static Compiled Value(ExpressionKind kind, ValueNode node) => new(kind, node, null);

    private static Compiled Condition(ConditionNode node) => new(ExpressionKind.Boolean, null, node);

    private Compiled Fail(ExpressionSyntax syntax, string message) => Error(syntax.Start, Text(syntax), message);

    private Compiled Error(int start, string token, string message)
    {
        _errors.Add(new ExpressionError(_offset + start + 1, token, message));
        return Compiled.Invalid;
    }

    private readonly record struct Compiled(ExpressionKind Kind, ValueNode? Value, ConditionNode? Condition)
    {
        public static Compiled Invalid => new(ExpressionKind.Invalid, null, null);
    }

    private sealed record FunctionInfo(string Name, string Parameters, FunctionShape Shape, WindowFunction Window);
}

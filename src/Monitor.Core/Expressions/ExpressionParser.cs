using Monitor.Core.Market;

namespace Monitor.Core.Expressions;

/// <summary>
/// Parses the rule language into a syntax tree, stopping at the first error (its position, the token found and what
/// was expected). Precedence, loosest first: <c>or</c>, <c>and</c>, <c>not</c>, comparisons (which do not chain),
/// <c>+ -</c>, <c>* /</c>, unary minus. A number may carry a unit (<c>2 moz</c>).
/// </summary>
internal sealed class ExpressionParser
{
    private readonly string _text;
    private readonly List<ExpressionToken> _tokens;
    private int _index;
    private int _depth;

    private ExpressionParser(string text, List<ExpressionToken> tokens)
    {
        _text = text;
        _tokens = tokens;
    }

    public static bool TryParse(string text, out ExpressionSyntax syntax, out ExpressionError error)
    {
        syntax = null!;
        error = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = new ExpressionError(1, "", "the expression is empty");
            return false;
        }

        if (text.Length > ExpressionLimits.MaxLength)
        {
            error = new ExpressionError(ExpressionLimits.MaxLength + 1, "", $"the expression is {text.Length} characters long; at most {ExpressionLimits.MaxLength}");
            return false;
        }

        try
        {
            var parser = new ExpressionParser(text, new ExpressionLexer(text).Tokenize());
            syntax = parser.Or();
            parser.Expect(TokenKind.End, "an operator ('and', 'or', a comparison, + - * /) or the end of the expression");
            return true;
        }
        catch (ExpressionSyntaxException e)
        {
            error = e.Error;
            return false;
        }
    }

    private ExpressionToken Current => _tokens[_index];

    private ExpressionSyntax Or() => LeftAssociative(And, TokenKind.Or, TokenKind.Or);

    private ExpressionSyntax And() => LeftAssociative(Not, TokenKind.And, TokenKind.And);

    private ExpressionSyntax Not()
    {
        if (Current.Kind != TokenKind.Not)
        {
            return Comparison();
        }

        var op = Take();
        Enter(op);
        var operand = Not();
        _depth--;
        return new UnarySyntax(TokenKind.Not, operand, op.Start, operand.End);
    }

    private ExpressionSyntax Comparison()
    {
        var left = Additive();
        if (!IsComparison(Current.Kind))
        {
            return left;
        }

        var op = Take();
        var right = Additive();
        if (IsComparison(Current.Kind))
        {
            throw Fail(Current, "comparisons do not chain; join them with 'and': a < b and b < c");
        }

        return new BinarySyntax(op.Kind, left, right, op.Start, left.Start, right.End);
    }

    private ExpressionSyntax Additive() => LeftAssociative(Multiplicative, TokenKind.Plus, TokenKind.Minus);

    private ExpressionSyntax Multiplicative() => LeftAssociative(Unary, TokenKind.Star, TokenKind.Slash);

    /// <summary>Operands joined by either operator, grouped from the left (<c>a - b - c</c> is <c>(a - b) - c</c>).</summary>
    private ExpressionSyntax LeftAssociative(Func<ExpressionSyntax> operand, TokenKind one, TokenKind other)
    {
        var left = operand();
        while (Current.Kind == one || Current.Kind == other)
        {
            var op = Take();
            var right = operand();
            left = new BinarySyntax(op.Kind, left, right, op.Start, left.Start, right.End);
        }

        return left;
    }

    private ExpressionSyntax Unary()
    {
        if (Current.Kind != TokenKind.Minus)
        {
            return Primary();
        }

        var op = Take();
        Enter(op);
        var operand = Unary();
        _depth--;
        return operand is NumberSyntax number
            ? number with { Value = -number.Value, Start = op.Start }
            : new UnarySyntax(TokenKind.Minus, operand, op.Start, operand.End);
    }

    private ExpressionSyntax Primary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
            {
                Take();
                if (Current.Kind == TokenKind.Name && QuantityUnits.TryParse(Current.Text, out var unit) && Next.Kind != TokenKind.LeftParen)
                {
                    var unitToken = Take();
                    return new NumberSyntax(token.Number, unit, token.Start, unitToken.End);
                }

                return new NumberSyntax(token.Number, null, token.Start, token.End);
            }

            case TokenKind.Reference:
                Take();
                return new ReferenceSyntax(token.Text, token.Start, token.End);
            case TokenKind.Name when Next.Kind == TokenKind.LeftParen:
                return Call();
            case TokenKind.Name:
                Take();
                return new NameSyntax(token.Text, token.Start, token.End);
            case TokenKind.LeftParen:
            {
                Take();
                Enter(token);
                var inner = Or();
                _depth--;
                var close = Expect(TokenKind.RightParen, "')' to close the '(' at position " + (token.Start + 1));
                return inner with { Start = token.Start, End = close.End };
            }

            case TokenKind.End:
                throw Fail(token, "the expression ends too early; expected a number, a series, a function or '('");
            default:
                throw Fail(token, "expected a number, a series, a function or '('");
        }
    }

    private CallSyntax Call()
    {
        var name = Take();
        var open = Take();
        Enter(open);
        var arguments = new List<ExpressionSyntax>();
        if (Current.Kind != TokenKind.RightParen)
        {
            arguments.Add(Or());
            while (Current.Kind == TokenKind.Comma)
            {
                Take();
                arguments.Add(Or());
            }
        }

        var close = Expect(TokenKind.RightParen, $"',' or ')' to close {name.Text}(");
        _depth--;
        return new CallSyntax(name.Text, arguments, name.Start, close.End);
    }

    private ExpressionToken Next => _tokens[Math.Min(_index + 1, _tokens.Count - 1)];

    private ExpressionToken Take() => _tokens[_index++];

    private ExpressionToken Expect(TokenKind kind, string expected)
    {
        if (Current.Kind != kind)
        {
            throw Fail(Current, Current.Kind == TokenKind.End ? $"the expression ends too early; expected {expected}" : $"expected {expected}");
        }

        return Take();
    }

    private void Enter(ExpressionToken token)
    {
        if (++_depth > ExpressionLimits.MaxDepth)
        {
            throw Fail(token, $"nested more than {ExpressionLimits.MaxDepth} deep");
        }
    }

    private ExpressionSyntaxException Fail(ExpressionToken token, string message) =>
        new(new ExpressionError(token.Start + 1, token.Kind == TokenKind.End ? "" : _text[token.Start..token.End], message));

    private static bool IsComparison(TokenKind kind) => kind is TokenKind.Less or TokenKind.LessOrEqual or TokenKind.Greater
        or TokenKind.GreaterOrEqual or TokenKind.Equal or TokenKind.NotEqual;
}

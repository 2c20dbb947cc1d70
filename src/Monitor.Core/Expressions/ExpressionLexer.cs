using System.Globalization;

namespace Monitor.Core.Expressions;

/// <summary>Thrown inside the parser at the first syntax error; <see cref="ExpressionParser"/> turns it into an <see cref="ExpressionError"/>.</summary>
internal sealed class ExpressionSyntaxException(ExpressionError error) : Exception(error.ToString())
{
    public ExpressionError Error { get; } = error;
}

/// <summary>
/// Splits an expression into tokens. A word holding a <c>:</c> (an instrument id), or starting with <c>$</c>, is a series
/// reference and runs on through <c>/series</c>, <c>@location</c> or <c>@indicator(args).output</c>; square brackets
/// enclose any reference and let it hold spaces. Numbers are written as in JSON, without a sign (minus is an operator).
/// </summary>
internal sealed class ExpressionLexer(string text)
{
    private int _at;

    public List<ExpressionToken> Tokenize()
    {
        var tokens = new List<ExpressionToken>();
        while (true)
        {
            var token = Next();
            tokens.Add(token);
            if (token.Kind == TokenKind.End)
            {
                return tokens;
            }
        }
    }

    private ExpressionToken Next()
    {
        while (_at < text.Length && char.IsWhiteSpace(text[_at]))
        {
            _at++;
        }

        int start = _at;
        if (_at >= text.Length)
        {
            return new ExpressionToken(TokenKind.End, "", start, start);
        }

        char c = text[_at];
        if (char.IsAsciiDigit(c) || (c == '.' && _at + 1 < text.Length && char.IsAsciiDigit(text[_at + 1])))
        {
            return Number(start);
        }

        if (c == '[')
        {
            return Bracketed(start);
        }

        if (char.IsAsciiLetter(c) || c == '$')
        {
            return Word(start);
        }

        var two = _at + 1 < text.Length ? text.AsSpan(_at, 2) : default;
        TokenKind kind;
        int length = 1;
        switch (c)
        {
            case '(': kind = TokenKind.LeftParen; break;
            case ')': kind = TokenKind.RightParen; break;
            case ',': kind = TokenKind.Comma; break;
            case '+': kind = TokenKind.Plus; break;
            case '-': kind = TokenKind.Minus; break;
            case '*': kind = TokenKind.Star; break;
            case '/': kind = TokenKind.Slash; break;
            case '<' when two is "<=": kind = TokenKind.LessOrEqual; length = 2; break;
            case '<': kind = TokenKind.Less; break;
            case '>' when two is ">=": kind = TokenKind.GreaterOrEqual; length = 2; break;
            case '>': kind = TokenKind.Greater; break;
            case '=' when two is "==": kind = TokenKind.Equal; length = 2; break;
            case '!' when two is "!=": kind = TokenKind.NotEqual; length = 2; break;
            case '=':
                throw Fail(start, "=", "'=' is not an operator; write '==' to compare");
            case '&' or '|' or '!':
                throw Fail(start, c.ToString(), $"'{c}' is not an operator; write 'and', 'or', 'not'");
            default:
                throw Fail(start, c.ToString(), "unexpected character; expected a number, a series, a function, an operator or a parenthesis");
        }

        _at += length;
        return new ExpressionToken(kind, text.Substring(start, length), start, _at);
    }

    private ExpressionToken Number(int start)
    {
        while (_at < text.Length && char.IsAsciiDigit(text[_at]))
        {
            _at++;
        }

        if (_at < text.Length && text[_at] == '.')
        {
            _at++;
            int digits = _at;
            while (_at < text.Length && char.IsAsciiDigit(text[_at]))
            {
                _at++;
            }

            if (_at == digits)
            {
                throw Fail(start, text[start.._at], "a decimal point must be followed by digits");
            }
        }

        if (_at < text.Length && text[_at] is 'e' or 'E')
        {
            int mark = _at++;
            if (_at < text.Length && text[_at] is '+' or '-')
            {
                _at++;
            }

            int digits = _at;
            while (_at < text.Length && char.IsAsciiDigit(text[_at]))
            {
                _at++;
            }

            if (_at == digits)
            {
                _at = mark;
            }
        }

        string written = text[start.._at];
        if (!double.TryParse(written, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double value)
            || !double.IsFinite(value))
        {
            throw Fail(start, written, "is not a finite number");
        }

        return new ExpressionToken(TokenKind.Number, written, start, _at, value);
    }

    private ExpressionToken Bracketed(int start)
    {
        int close = text.IndexOf(']', start + 1);
        if (close < 0)
        {
            throw Fail(start, "[", "this '[' is never closed; write [INSTRUMENT/series@LOCATION]");
        }

        string inner = text[(start + 1)..close].Trim();
        if (inner.Length == 0)
        {
            throw Fail(start, "[]", "empty brackets; they enclose a series reference");
        }

        _at = close + 1;
        return new ExpressionToken(TokenKind.Reference, inner, start, _at);
    }

    private ExpressionToken Word(int start)
    {
        bool reference = text[_at] == '$';
        if (reference)
        {
            _at++;
        }
        else
        {
            while (_at < text.Length && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] is '_' or '.' or ':'))
            {
                reference |= text[_at] == ':';
                _at++;
            }
        }

        if (!reference)
        {
            string word = text[start.._at];
            var kind = word switch
            {
                "and" => TokenKind.And,
                "or" => TokenKind.Or,
                "not" => TokenKind.Not,
                _ => TokenKind.Name,
            };
            return new ExpressionToken(kind, word, start, _at);
        }

        // The rest of a reference: /series, then @location; or @indicator(args).output.
        if (_at < text.Length && text[_at] == '/' && _at + 1 < text.Length && char.IsAsciiLetter(text[_at + 1]))
        {
            _at++;
            SkipWhile(char.IsAsciiLetterOrDigit);
            if (_at < text.Length && text[_at] == '@')
            {
                _at++;
                SkipWhile(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-' or '&' or '\'');
            }
        }
        else if (_at < text.Length && text[_at] == '@')
        {
            _at++;
            SkipWhile(char.IsAsciiLetterOrDigit);
            if (_at < text.Length && text[_at] == '(')
            {
                int close = text.IndexOf(')', _at);
                if (close < 0)
                {
                    throw Fail(start, text[start..], "the indicator's '(' is never closed");
                }

                _at = close + 1;
            }

            if (_at + 1 < text.Length && text[_at] == '.' && char.IsAsciiLetter(text[_at + 1]))
            {
                _at++;
                SkipWhile(char.IsAsciiLetterOrDigit);
            }
        }

        return new ExpressionToken(TokenKind.Reference, text[start.._at], start, _at);
    }

    private void SkipWhile(Func<char, bool> accept)
    {
        while (_at < text.Length && accept(text[_at]))
        {
            _at++;
        }
    }

    private static ExpressionSyntaxException Fail(int start, string token, string message) =>
        new(new ExpressionError(start + 1, token, message));
}

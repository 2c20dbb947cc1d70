namespace Monitor.Core.Expressions;

internal enum TokenKind
{
    End,
    Number,

    /// <summary>A bare word: a function name, a unit, a window such as <c>P10D</c>.</summary>
    Name,

    /// <summary>A series reference: <c>COMEX:SI</c>, <c>ETF:SLV/holdings</c>, <c>[COMEX:SI/registered@JP MORGAN]</c>, <c>$@rsi(14)</c>.</summary>
    Reference,
    LeftParen,
    RightParen,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
    And,
    Or,
    Not,
}

/// <summary>A token and where it is: <see cref="Start"/> 0-based, <see cref="End"/> exclusive; <see cref="Text"/> as written (a bracketed reference without its brackets).</summary>
internal readonly record struct ExpressionToken(TokenKind Kind, string Text, int Start, int End, double Number = 0);

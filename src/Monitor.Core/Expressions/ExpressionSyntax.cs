using Monitor.Core.Market;

namespace Monitor.Core.Expressions;

/// <summary>A node of a parsed expression; <see cref="Start"/> (0-based) and <see cref="End"/> (exclusive) locate its text.</summary>
internal abstract record ExpressionSyntax(int Start, int End);

/// <summary>A number, with a unit when one follows it (<c>1.5 moz</c>, <c>500 t</c>).</summary>
internal sealed record NumberSyntax(double Value, QuantityUnit? Unit, int Start, int End) : ExpressionSyntax(Start, End);

/// <summary>A series reference as written (brackets removed).</summary>
internal sealed record ReferenceSyntax(string Text, int Start, int End) : ExpressionSyntax(Start, End);

/// <summary>A bare word that is not a function call: a window such as <c>P10D</c> (or a mistake).</summary>
internal sealed record NameSyntax(string Name, int Start, int End) : ExpressionSyntax(Start, End);

/// <summary><c>-x</c> or <c>not x</c>.</summary>
internal sealed record UnarySyntax(TokenKind Operator, ExpressionSyntax Operand, int Start, int End) : ExpressionSyntax(Start, End);

internal sealed record BinarySyntax(TokenKind Operator, ExpressionSyntax Left, ExpressionSyntax Right, int OperatorStart, int Start, int End)
    : ExpressionSyntax(Start, End);

internal sealed record CallSyntax(string Name, IReadOnlyList<ExpressionSyntax> Arguments, int Start, int End) : ExpressionSyntax(Start, End);

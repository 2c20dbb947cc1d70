using System.Globalization;
using Monitor.Core.Market;

namespace Monitor.Core.Expressions;

/// <summary>
/// One thing wrong with an expression: where (<see cref="Position"/>, 1-based, in characters), the token found there
/// (empty at the end of the text) and what is wrong or was expected.
/// </summary>
public sealed record ExpressionError(int Position, string Token, string Message)
{
    public override string ToString() => Token.Length == 0
        ? string.Create(CultureInfo.InvariantCulture, $"at position {Position}: {Message}")
        : string.Create(CultureInfo.InvariantCulture, $"at position {Position} ('{UntrustedText.Printable(Token)}'): {Message}");
}

/// <summary>The stated limits of the rule language: longer or deeper text is refused with an error saying so.</summary>
public static class ExpressionLimits
{
    /// <summary>Characters in a condition or a message.</summary>
    public const int MaxLength = 2_000;

    /// <summary>Nesting of parentheses, function calls, <c>not</c> and unary minus.</summary>
    public const int MaxDepth = 32;

    /// <summary>Distinct series one rule reads.</summary>
    public const int MaxInputs = 32;
}

namespace Monitor.Core.Rules;

/// <summary>One thing wrong with a rule definition: the field (<c>params.window</c>, <c>[2].severity</c>) and what is wrong.</summary>
public sealed record RuleProblem(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

using Monitor.Core.Expressions;
using Monitor.Core.Market;
using Monitor.Core.Rules;

namespace Monitor.Core.Derived;

/// <summary>
/// Derived series: instruments of venue <c>X</c> whose price is an expression over other instruments' prices and
/// inventory series (<c>X:GSR = COMEX:GC / COMEX:SI</c>). Checks a definition against the instruments that exist: the
/// expression compiles, every input exists, and no chain of derived series leads back to the series itself.
/// </summary>
public static class DerivedSeries
{
    public const string Venue = "X";

    public static bool IsDerived(InstrumentId id) => id.Venue == Venue;

    /// <summary>The instruments an expression reads (prices and series alike), in order of appearance; empty if it does not compile.</summary>
    public static IReadOnlyList<InstrumentId> InputsOf(string expression) =>
        [.. ExpressionCompiler.CompileValue(expression).Inputs.Select(i => i.Instrument).Distinct()];

    /// <summary>
    /// Everything wrong with <paramref name="expression"/> as the definition of <paramref name="id"/>, given the
    /// instruments that exist (<paramref name="find"/>, which knows the other derived series' current expressions).
    /// </summary>
    public static List<string> Check(InstrumentId id, string? expression, Func<InstrumentId, InstrumentDefinition?> find)
    {
        var problems = new List<string>();
        if (!IsDerived(id))
        {
            problems.Add($"a derived series' id has the venue {Venue}, as in X:GSR; '{id}' has {id.Venue}");
        }

        if (string.IsNullOrWhiteSpace(expression))
        {
            problems.Add("'expression' is required, such as COMEX:GC / COMEX:SI");
            return problems;
        }

        var compiled = ExpressionCompiler.CompileValue(expression);
        if (compiled.ConditionErrors.Count > 0)
        {
            problems.AddRange(compiled.ConditionErrors.Select(e => $"'expression' {e}"));
            return problems;
        }

        foreach (var input in compiled.Inputs.Select(i => i.Instrument).Distinct())
        {
            if (input == id)
            {
                problems.Add($"'expression' reads {id} itself");
            }
            else if (find(input) is null)
            {
                problems.Add($"'expression' reads {input}, which is not an instrument or derived series here");
            }
            else if (Cycle(id, input, find, [id, input]) is { } path)
            {
                problems.Add($"'expression' would make a cycle of derived series: {string.Join(" -> ", path)}");
            }
        }

        return problems;
    }

    /// <summary>A path from <paramref name="from"/> through derived series back to <paramref name="target"/>, or null.</summary>
    private static List<InstrumentId>? Cycle(InstrumentId target, InstrumentId from, Func<InstrumentId, InstrumentDefinition?> find, List<InstrumentId> path)
    {
        // Every stored definition was checked when it was saved, so the chains below are acyclic and the walk ends.
        if (find(from)?.Expression is not { } expression)
        {
            return null;
        }

        foreach (var input in InputsOf(expression))
        {
            path.Add(input);
            if (input == target || Cycle(target, input, find, path) is not null)
            {
                return path;
            }

            path.RemoveAt(path.Count - 1);
        }

        return null;
    }
}

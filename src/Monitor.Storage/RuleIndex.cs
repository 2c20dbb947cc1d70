using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Storage;

/// <summary>What the stores index a rule under (<see cref="IRuleStore.ListReadingAsync"/>): the instruments its inputs read.</summary>
internal static class RuleIndex
{
    public static IReadOnlyList<string> Of(RuleDefinition rule) => rule.Instruments();

    /// <summary>The instruments of stored rules indexed before the index existed; a rule that does not parse is left out
    /// (no grain could run it).</summary>
    public static IEnumerable<(string Id, string[] Instruments)> Of(IEnumerable<StoredRule> rules) =>
        rules.Select(r => (r.Id, Rule: r.Parse().Rule)).Where(r => r.Rule is not null).Select(r => (r.Id, Instruments: Of(r.Rule!).ToArray()));
}

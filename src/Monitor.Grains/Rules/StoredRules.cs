using Microsoft.Extensions.Logging;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Grains.Rules;

/// <summary>Rule definitions as the grains read them from the rule store.</summary>
internal static class StoredRules
{
    /// <summary>The stored rules that read <paramref name="instrument"/>, and the forEach rules (indexed under their
    /// placeholder, since any instrument, one added later too, may match their patterns), that parse; one that does not
    /// (written by a newer version?) is logged and skipped.</summary>
    public static async Task<List<RuleDefinition>> LoadAsync(IRuleStore store, InstrumentId instrument, ILogger logger, CancellationToken cancellationToken = default)
    {
        var rules = new List<RuleDefinition>();
        var reading = await store.ListReadingAsync(instrument, cancellationToken);
        var forEach = await store.ListReadingAsync(ForEachRules.Placeholder, cancellationToken);
        foreach (var stored in reading.Concat(forEach))
        {
            if (Parse(stored, logger) is { } rule)
            {
                rules.Add(rule);
            }
        }

        return rules;
    }

    public static RuleDefinition? Parse(StoredRule stored, ILogger logger)
    {
        var parsed = stored.Parse();
        if (parsed.Rule is { } rule)
        {
            return rule;
        }

        logger.LogError("Stored rule {Rule} does not parse and is not evaluated: {Problems}", stored.Id, string.Join("; ", parsed.Problems));
        return null;
    }
}

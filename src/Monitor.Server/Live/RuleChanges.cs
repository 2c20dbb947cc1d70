using Monitor.Core.Market;
using Monitor.Core.Rules;
using Monitor.Grains;
using Monitor.Grains.Rules;
using Monitor.Server.Hosting;

namespace Monitor.Server.Live;

/// <summary>Makes a stored rule change take effect at once, without a restart.</summary>
public static class RuleChanges
{
    /// <summary>
    /// Tells the grains that run or feed the rule, before and after the change, to read the rules again: the
    /// instruments' grains (which run rules over one instrument and feed the rule grains) and the rule's own grain
    /// when it reads several instruments.
    /// </summary>
    public static async Task NotifyAsync(
        GrainCalls grains, InstrumentCatalog catalog, RuleDefinition? before, RuleDefinition? after, CancellationToken cancellationToken)
    {
        // A forEach rule runs in the grain of each instrument it matches.
        var instruments = ForEachRules.Expand(new[] { before, after }.OfType<RuleDefinition>(), catalog.All.Select(d => d.Id))
            .SelectMany(r => r.Instruments()).Distinct(StringComparer.Ordinal);
        string id = (after ?? before)?.Id ?? throw new ArgumentException("a change has a rule before or after it");
        foreach (string instrument in instruments)
        {
            await grains.CallAsync("SyncRule", g => Done(g.GetGrain<IInstrumentGrain>(instrument).SyncRuleAsync(id)), cancellationToken);
        }

        if (before?.LocalInstrument() is null || after?.LocalInstrument() is null)
        {
            await grains.CallAsync("SyncRule", g => Done(g.GetGrain<IRuleGrain>(id).SyncAsync()), cancellationToken);
        }
    }

    private static async Task<bool> Done(Task call)
    {
        await call;
        return true;
    }
}

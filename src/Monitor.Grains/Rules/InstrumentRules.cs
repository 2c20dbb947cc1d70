using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Grains.Rules;

/// <summary>
/// Where the rules that read an instrument run: a rule over this instrument alone in the instrument grain's run, warmed
/// up from the stored bars when it is added or replaced; a rule over several in its own rule grain, which the
/// instrument's <see cref="RuleGrainFeed"/> feeds.
/// </summary>
internal sealed class InstrumentRules(InstrumentRun run, RuleGrainFeed feed)
{
    /// <summary>Takes the stored rules on activation, before the run restores its rules' state (which needs their definitions).</summary>
    public void Load(IEnumerable<RuleDefinition> definitions)
    {
        foreach (var definition in definitions)
        {
            Track(definition.Id, definition);
        }
    }

    /// <summary>
    /// Takes one rule's current definition (null: deleted) and warms it up if it now runs here; the rule grains that
    /// start reading the instrument are fed after stored tick <paramref name="lastIndex"/>.
    /// </summary>
    public async Task SyncAsync(string ruleId, RuleDefinition? definition, IBarStore bars, long lastIndex)
    {
        if (Track(ruleId, definition) is { } evaluator)
        {
            await run.WarmUpAsync(evaluator, bars, CancellationToken.None);
        }

        feed.UpdateReaders(lastIndex);
    }

    /// <summary>
    /// Returns the evaluator if the rule was added to or replaced in the run (it needs warming up). A forEach rule runs
    /// here as its member for this instrument, if it matches; both keys are put, so a rule that gains or loses its
    /// forEach leaves nothing behind.
    /// </summary>
    private RuleEvaluator? Track(string ruleId, RuleDefinition? definition)
    {
        feed.Track(ruleId, definition);
        var member = definition is null ? null : ForEachRules.Member(definition, run.Instrument);
        var added = run.Put(ForEachRules.Key(ruleId, run.Instrument), member);
        return run.Put(ruleId, definition?.ForEach is null && definition?.LocalInstrument() == run.Instrument ? definition : null) ?? added;
    }
}

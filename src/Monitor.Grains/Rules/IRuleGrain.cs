using Monitor.Core.Market;

namespace Monitor.Grains.Rules;

/// <summary>
/// One rule over several instruments (a divergence, a cross-venue flow, a ratio, a spread), keyed by the rule id.
/// The grains of the instruments it reads feed it; rules over one instrument run inside that instrument's grain.
/// </summary>
[Alias("Monitor.IRuleGrain")]
public interface IRuleGrain : IGrainWithStringKey
{
    /// <summary>What one instrument's grain stored and applied since its last feed to this rule.</summary>
    [Alias("Feed")]
    Task FeedAsync(RuleFeed feed);

    /// <summary>
    /// Inventory values one instrument's grain stored, sent before it acknowledges them: a value reaches the rule before
    /// any tick the client sends after it, so the rule sees it from its publishedAt on, as a backtest does.
    /// </summary>
    [Alias("FeedInventory")]
    Task FeedInventoryAsync(InventoryBatch batch);

    /// <summary>Reads the rule's definition again from the store (it was created, changed or deleted).</summary>
    [Alias("Sync")]
    Task SyncAsync();

    /// <summary>What the rule's last evaluation found, or null if the rule does not run here.</summary>
    [Alias("GetStatus")]
    Task<RuleStatusView?> GetStatusAsync();
}

/// <summary>
/// A rule's last evaluation, for <c>GET /api/v1/rules/{id}/status</c>: <see cref="Outcome"/> is none, missingInput,
/// staleInput, inputNotReady, notReady, conditionFalse or conditionTrue; <see cref="Detail"/> says it in words
/// (which input is stale and how old it is, why the condition has no answer yet).
/// </summary>
[GenerateSerializer, Immutable, Alias("Monitor.RuleStatusView")]
public sealed record RuleStatusView(
    [property: Id(0)] string RuleId,
    [property: Id(1)] string Outcome,
    [property: Id(2)] DateTimeOffset? EvaluatedAt,
    [property: Id(3)] string Detail,
    [property: Id(4)] string? Input,
    [property: Id(5)] string? OpenAlertId)
{
    public static RuleStatusView From(Monitor.Core.Rules.RuleEvaluator evaluator)
    {
        var status = evaluator.Status;
        string outcome = status.Outcome.ToString();
        return new RuleStatusView(
            evaluator.Definition.Id,
            char.ToLowerInvariant(outcome[0]) + outcome[1..],
            status.At,
            status.Describe(),
            status.Input?.ToString(),
            evaluator.OpenAlert?.Id);
    }
}

/// <summary>
/// An instrument's new ticks for the rules that read them: the ticks it stored with indices after
/// <see cref="AfterIndex"/> through <see cref="ThroughIndex"/>, of which <see cref="Ticks"/> (with their
/// <see cref="Indexes"/>) were applied (late ones were not). A rule grain that finds <see cref="AfterIndex"/> beyond
/// what it has seen reads the gap from the tick store, so a lost feed loses nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("Monitor.RuleFeed")]
public sealed record RuleFeed(
    [property: Id(0)] InstrumentId Instrument,
    [property: Id(1)] long AfterIndex,
    [property: Id(2)] long ThroughIndex,
    [property: Id(3)] Tick[] Ticks,
    [property: Id(4)] long[] Indexes);

using Monitor.Core.Market;
using Monitor.Core.Pipeline;

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
/// What an instrument's grain stored after <see cref="AfterIndex"/> through <see cref="ThroughIndex"/>, for the rules
/// that read it: the bars of the rule's interval its pipeline closed and, for a rule that reads the instrument's price,
/// the ticks it needs of those the pipeline applied (see <see cref="RuleGrainFeed"/>), each with its stored index. A
/// rule grain that finds <see cref="AfterIndex"/> beyond what it has seen catches up from the stores, so a lost feed
/// loses nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("Monitor.RuleFeed")]
public sealed record RuleFeed(
    [property: Id(0)] InstrumentId Instrument,
    [property: Id(1)] long AfterIndex,
    [property: Id(2)] long ThroughIndex,
    [property: Id(4)] FedBar[] Bars,
    [property: Id(3)] FedTick[] Ticks);

/// <summary>An applied tick and its stored index.</summary>
[GenerateSerializer, Immutable, Alias("Monitor.FedTick")]
public readonly record struct FedTick(
    [property: Id(0)] Tick Tick,
    [property: Id(1)] long Index);

/// <summary>
/// A bar the pipeline closed, with the stored index and time of the tick that closed it: the rule sees the close at that
/// tick's place in event order, before the tick itself, as a backtest does.
/// </summary>
[GenerateSerializer, Immutable, Alias("Monitor.FedBar")]
public readonly record struct FedBar(
    [property: Id(0)] Bar Bar,
    [property: Id(1)] long Index,
    [property: Id(2)] DateTimeOffset ClosedAt);

using Monitor.Core.Notifications;
using Monitor.Core.Rules;

namespace Monitor.Core.Backtesting;

/// <summary>
/// What a backtest found, with what it takes to reproduce it: the rule definitions and the range. <see cref="From"/> and
/// <see cref="To"/> are the range asked for (null: from the first, or through the last, stored event).
/// <see cref="Alerts"/> holds each alert as it ended (or stood at the end), in the order the alerts started.
/// </summary>
public sealed record BacktestReport(
    IReadOnlyList<RuleDefinition> Rules,
    DateTimeOffset? From,
    DateTimeOffset? To,
    BacktestCounts Counts,
    IReadOnlyList<Alert> Alerts,
    IReadOnlyDictionary<string, RuleStatistics> RuleStatistics)
{
    /// <summary>What the notification policy would have sent, when the run replayed one (<see cref="BacktestEngine.Notifications"/>).</summary>
    public NotificationReplayReport? Notifications { get; init; }
}

/// <summary>
/// What a run read and did. <see cref="Ticks"/> counts every tick read; <see cref="DuplicateTicks"/> and
/// <see cref="LateTicks"/> of them went no further than the pipeline (as live). <see cref="Bars"/> counts bars closed
/// by the pipelines plus stored bars fed for instruments without ticks.
/// </summary>
public sealed record BacktestCounts(
    long Ticks,
    long DuplicateTicks,
    long LateTicks,
    long Bars,
    long InventoryValues,
    long Transitions,
    int Instruments,
    DateTimeOffset? FirstEvent,
    DateTimeOffset? LastEvent,
    TimeSpan Elapsed)
{
    public double TicksPerSecond => Elapsed > TimeSpan.Zero ? Ticks / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// One rule's record over the run.
/// <list type="bullet">
/// <item><see cref="Fired"/>: episodes that fired; <see cref="Resolved"/>: of those, how many resolved;
/// <see cref="PendingOnly"/>: episodes that ended without firing.</item>
/// <item><see cref="MeanDurationBars"/>: mean of firedAt to resolvedAt over resolved alerts, in bars of the rule's interval.</item>
/// <item><see cref="FiresPerDay"/>: <see cref="Fired"/> over the days the run covered (first to last event, or the range asked for).</item>
/// <item><see cref="Flapping"/>: firings whose episode started within <see cref="FlapBars"/> bars of the end of the rule's
/// previous episode.</item>
/// <item><see cref="ForwardReturnPct"/>: per horizon (1d, 5d, 20d calendar days), the mean percentage change of the rule's
/// primary instrument's price from each firing to that long after (its last price at or before then); null when no
/// firing had a price then and data reaching that far.</item>
/// </list>
/// </summary>
public sealed record RuleStatistics(
    int Fired,
    int Resolved,
    int PendingOnly,
    double? MeanDurationBars,
    double? FiresPerDay,
    int Flapping,
    IReadOnlyDictionary<string, double?> ForwardReturnPct)
{
    public const int FlapBars = 5;

    public static IReadOnlyList<(string Name, TimeSpan Horizon)> Horizons { get; } =
        [("1d", TimeSpan.FromDays(1)), ("5d", TimeSpan.FromDays(5)), ("20d", TimeSpan.FromDays(20))];
}

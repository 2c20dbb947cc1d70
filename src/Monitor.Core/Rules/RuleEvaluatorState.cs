using Monitor.Core.Market;

namespace Monitor.Core.Rules;

/// <summary>
/// Everything a <see cref="RuleEvaluator"/> needs to continue exactly where it was (plain records, arrays, numbers and
/// times, for grain persistence). Indicators are not in it: they are rebuilt by replaying the stored bars from
/// <see cref="IndicatorsFrom"/> (<see cref="RuleEvaluator.WarmUp"/>; null in states saved before it was kept).
/// <see cref="Fingerprint"/> identifies the definition it belongs to. <see cref="ActiveThrough"/> is the last instant a
/// rule with <c>activeWhen</c> was found active, through an unbroken active stretch (null when it was not).
/// </summary>
public sealed record RuleEvaluatorState(
    string RuleId,
    string Fingerprint,
    DateTimeOffset? Position,
    int PositionRank,
    DateTimeOffset? SnapshotAt,
    bool SnapshotArmed,
    DateTimeOffset? SnapshotTakenAt,
    DateTimeOffset? DueAt,
    int DueRank,
    bool DueSample,
    bool DueEvaluate,
    long SampleIndex,
    DateTimeOffset? LastSample,
    DateTimeOffset? LastEvaluation,
    DateTimeOffset? EmitAfter,
    InputSlotState[] Inputs,
    SampleWindowState[] Histories,
    double[] Memory,
    ScheduledInventoryState[] Scheduled,
    AlertEpisodeState? Episode,
    DateTimeOffset? IndicatorsFrom = null,
    DateTimeOffset? ActiveThrough = null)
{
    /// <summary>The latest event time the rule has evaluated or must stay silent through (the high-water mark).</summary>
    public DateTimeOffset? HighWaterMark =>
        LastEvaluation is { } last && EmitAfter is { } emit ? (last > emit ? last : emit) : LastEvaluation ?? EmitAfter;
}

/// <summary>An inventory value waiting for event time to reach its <c>publishedAt</c>.</summary>
public sealed record ScheduledInventoryState(
    string Instrument, string Series, DateOnly AsOf, DateTimeOffset PublishedAt, double Quantity, string Unit, string? Location = null)
{
    public static ScheduledInventoryState From(in InventoryValue value) =>
        new(value.Instrument.Value, value.Series, value.AsOf, value.PublishedAt, value.Quantity, value.Unit.Symbol(), value.Location);

    public InventoryValue ToValue() =>
        new(InstrumentId.Parse(Instrument), Series, AsOf, PublishedAt, Quantity,
            QuantityUnits.TryParse(Unit, out var unit) ? unit : throw new FormatException($"unknown unit '{Unit}'"))
        {
            Location = Location,
        };
}

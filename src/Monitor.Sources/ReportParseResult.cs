using Monitor.Core.Market;

namespace Monitor.Sources;

/// <summary>
/// What a parser made of a file. <see cref="ActivityDate"/> is the business day the report describes (the newest date of a
/// file with many). A <see cref="Rejected"/> file must not be stored at all (all or nothing per file): it carries no
/// values, only the problems that say why. A file that is not rejected may still list problems (rows skipped with a reason).
/// Inventory quantities are in their series' base unit.
/// </summary>
public sealed record ReportParseResult(
    DateOnly? ActivityDate,
    IReadOnlyList<InventoryValue> Inventory,
    IReadOnlyList<ImportedBar> Bars,
    IReadOnlyList<ReportProblem> Problems)
{
    public bool Rejected { get; init; }

    /// <summary>The data rows the parser read (stored, skipped or checked), for rates and summaries.</summary>
    public int Rows { get; init; }

    public static ReportParseResult Reject(IReadOnlyList<ReportProblem> problems, DateOnly? activityDate = null, int rows = 0) =>
        new(activityDate, [], [], problems) { Rejected = true, Rows = rows };

    public static ReportParseResult Reject(string location, string message) => Reject([new ReportProblem(location, message)]);
}

/// <summary>Where in a file something is wrong (<c>sheet Silver, cell B12</c> or <c>line 14</c>) and what was expected.</summary>
public sealed record ReportProblem(string Location, string Message)
{
    public override string ToString() => Location.Length == 0 ? Message : $"{Location}: {Message}";
}

/// <summary>A bar read from a file (daily settlements, say): kept as a bar, since its ticks are unknown.</summary>
public readonly record struct ImportedBar(InstrumentId Instrument, BarInterval Interval, Bar Bar);

namespace Monitor.Sources;

/// <summary>
/// A source's <c>mapping</c>. For <c>csv</c>: what the rows are (<see cref="Target"/> <c>inventory</c> or <c>bars</c>),
/// fixed values for fields the file lacks, and under <see cref="Columns"/> the header each field is read from
/// (<c>{"asOf":"date","quantity":"ounces"}</c>). For the publishers' kinds, <see cref="Instruments"/> restricts what is kept.
/// Reads from JSON with the web defaults (camelCase names).
/// </summary>
public sealed record ReportMapping
{
    public const string BarsTarget = "bars";

    /// <summary><c>inventory</c> (the default) or <c>bars</c>.</summary>
    public string? Target { get; init; }

    public string? Instrument { get; init; }

    public string? Series { get; init; }

    public string? Unit { get; init; }

    public string? Location { get; init; }

    /// <summary>The bars' interval (<c>1d</c> when not given).</summary>
    public string? Interval { get; init; }

    /// <summary>Field name to the header it is read from, names in any case.</summary>
    public IReadOnlyDictionary<string, string>? Columns { get; init; }

    /// <summary>When given, only these instruments' values are kept.</summary>
    public IReadOnlyList<string>? Instruments { get; init; }
}

namespace Monitor.Cli.Import;

/// <summary>
/// What the command line adds to a file: values for missing columns (<c>--instrument</c>, <c>--series</c>, <c>--unit</c>),
/// the bar interval, when inventory without a publishedAt column became known, and headers that name a field
/// differently (<c>--column quantity="Total Net Asset Value Ounces in the Trust"</c>).
/// </summary>
internal sealed record ImportOptions
{
    public string? Instrument { get; init; }

    public string? Series { get; init; }

    public string? Unit { get; init; }

    public string? Interval { get; init; }

    /// <summary>Inventory without publishedAt: published this long after the start of its asOf day (null: at import time).</summary>
    public TimeSpan? PublishedAfter { get; init; }

    /// <summary>Field name to the header that holds it.</summary>
    public IReadOnlyDictionary<string, string> Columns { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

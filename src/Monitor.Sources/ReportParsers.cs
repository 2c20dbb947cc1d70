namespace Monitor.Sources;

/// <summary>The parser of each source kind.</summary>
public static class ReportParsers
{
    private static readonly IReportParser[] Parsers = [new CmeStocksParser(), new LmeStocksParser(), new SpdrGldParser(), new CftcCotParser(), new CsvReportParser()];

    private static readonly IReadOnlyDictionary<string, IReportParser> ByKind =
        Parsers.ToDictionary(p => p.Kind, StringComparer.Ordinal);

    /// <summary>The kinds a source can have.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [.. Parsers.Select(p => p.Kind)];

    public static bool TryGet(string? kind, out IReportParser parser) =>
        ByKind.TryGetValue(kind ?? "", out parser!);

    /// <summary>The parser of <paramref name="kind"/>; throws for a kind that is not one of <see cref="Kinds"/>.</summary>
    public static IReportParser Get(string kind) =>
        TryGet(kind, out var parser)
            ? parser
            : throw new ArgumentException($"unknown source kind '{kind}'; kinds are {string.Join(", ", Kinds)}", nameof(kind));
}

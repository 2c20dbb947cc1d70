namespace Monitor.Core.Sources;

/// <summary>
/// A configured data source: the publisher's file at <paramref name="Url"/>, read by the parser
/// of <paramref name="Kind"/>, fetched on <paramref name="Schedule"/> (five-field cron in <paramref name="TimeZone"/>, an
/// IANA name). <paramref name="Mapping"/> is a JSON object (the csv kind's columns, or what other kinds store).
/// <paramref name="LateAfter"/> is how much of the publisher's business time (<paramref name="Calendar"/>) may pass after
/// the newest report's activity date before the source is late; null: never late.
/// </summary>
public sealed record SourceDefinition(
    string Id,
    string Kind,
    string Url,
    string Schedule,
    string TimeZone,
    TimeSpan? LateAfter,
    string Calendar,
    bool Enabled,
    string Mapping);

/// <summary>What a fetch came to: <c>new</c> (an activity date not seen before), <c>unchanged</c> (nothing new: a 304,
/// a file already archived, or the same numbers again), <c>restated</c> (an activity date already stored, other numbers),
/// <c>rejected</c> (the file could not be read; nothing stored), <c>failed</c> (no file: network, HTTP status, size).</summary>
public enum SourceResult
{
    New,
    Unchanged,
    Restated,
    Rejected,
    Failed,
}

public static class SourceResults
{
    public static string ToText(this SourceResult result) => result switch
    {
        SourceResult.New => "new",
        SourceResult.Unchanged => "unchanged",
        SourceResult.Restated => "restated",
        SourceResult.Rejected => "rejected",
        _ => "failed",
    };

    public static SourceResult Parse(string text) => text switch
    {
        "new" => SourceResult.New,
        "unchanged" => SourceResult.Unchanged,
        "restated" => SourceResult.Restated,
        "rejected" => SourceResult.Rejected,
        "failed" => SourceResult.Failed,
        _ => throw new FormatException($"'{text}' is not a source result"),
    };
}

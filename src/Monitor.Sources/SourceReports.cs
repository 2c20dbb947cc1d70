using System.Text.Json;
using Monitor.Core.Market;
using Monitor.Core.Sources;

namespace Monitor.Sources;

/// <summary>Reads a source's file with its kind's parser and its mapping: the scheduled fetches and
/// <c>monitor sources replay</c> read the same bytes the same way.</summary>
public static class SourceReports
{
    private static readonly JsonSerializerOptions MappingJson = new(JsonSerializerDefaults.Web);

    public static ReportParseResult Parse(
        SourceDefinition definition, ReadOnlyMemory<byte> content, string fileName, DateTimeOffset firstSeenAt, InstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!ReportParsers.TryGet(definition.Kind, out var parser))
        {
            return ReportParseResult.Reject("", $"this build has no parser for kind '{definition.Kind}'");
        }

        ReportMapping? mapping;
        try
        {
            mapping = JsonSerializer.Deserialize<ReportMapping>(definition.Mapping, MappingJson);
        }
        catch (JsonException e)
        {
            return ReportParseResult.Reject("mapping", $"the source's mapping cannot be read: {e.Message}");
        }

        try
        {
            return parser.Parse(content, new ReportContext(fileName, null, mapping, catalog, firstSeenAt));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A parser refuses what it cannot read with problems; this is the net under one that threw instead.
            return ReportParseResult.Reject("", $"the {definition.Kind} parser could not read it: {e.Message}");
        }
    }

    /// <summary>The name a file is known by in messages: the last segment of its URL.</summary>
    public static string FileName(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Segments is [.., var last] && Uri.UnescapeDataString(last).Trim('/') is { Length: > 0 } name
            ? name
            : url;
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Sources;
using Monitor.Storage;

namespace Monitor.Cli;

/// <summary>
/// <c>monitor sources replay [--source ID] [--dry-run] [--json]</c>: parses every archived file of the configured store's
/// sources again, oldest first, with this build's parsers, and stores what they now read differently from what was
/// stored (each value as published when its file was first fetched). With unchanged parsers nothing is stored: the
/// archive gives the same values. A fix to a parser reaches history this way.
/// </summary>
internal static class SourcesCommand
{
    public static Command Create()
    {
        var source = new Option<string?>("--source") { Description = "replay this source's archive only (default: every source's)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "store nothing; report what would change" };
        var json = new Option<bool>("--json") { Description = "print every value read as one JSON object a line" };
        var replay = new Command("replay", "Parses the archived files of the sources again and stores what the parsers now read differently")
        {
            source, dryRun, json,
        };
        replay.SetAction((result, cancellationToken) => ReplayAsync(
            CliConfiguration.Storage(CliConfiguration.Load()), result.GetValue(source), result.GetValue(dryRun), result.GetValue(json),
            Console.Out, Console.Error, cancellationToken));
        return new Command("sources", "Data sources: their archive of fetched files") { replay };
    }

    internal static async Task<int> ReplayAsync(
        StorageOptions storage, string? sourceId, bool dryRun, bool json, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        await using var store = await MonitorStore.OpenAsync(storage, cancellationToken);
        var sources = sourceId is null
            ? await store.Sources.ListAsync(cancellationToken)
            : await store.Sources.GetAsync(sourceId, cancellationToken) is { } one ? [one] : [];
        if (sourceId is not null && sources.Count == 0)
        {
            errors.WriteLine($"error: there is no source '{sourceId}'");
            return 2;
        }

        var catalog = InstrumentCatalog.BuiltIn();
        int files = 0, values = 0, changed = 0, rejected = 0;
        foreach (var source in sources)
        {
            var definition = source.Definition;
            foreach (var file in (await store.Sources.ListFilesAsync(definition.Id, cancellationToken)).OrderBy(f => f.FetchedAt))
            {
                files++;
                byte[] content = await store.Sources.ReadContentAsync(definition.Id, file.Sha256, cancellationToken);
                string name = SourceReports.FileName(file.Url);
                var report = SourceReports.Parse(definition, content, name, file.FetchedAt, catalog);
                string where = $"{definition.Id} {file.Sha256[..12]} fetched {file.FetchedAt:yyyy-MM-ddTHH:mm:ssZ}";
                if (report.Rejected)
                {
                    rejected++;
                    errors.WriteLine($"{where}: {name} rejected: {string.Join("; ", report.Problems)}");
                    continue;
                }

                var changes = await ReportChanges.FindAsync(report, store.Inventory, store.Bars, cancellationToken);
                if (!dryRun && changes.Inventory.Count > 0)
                {
                    await store.Inventory.AppendAsync(changes.Inventory, DateTimeOffset.UtcNow, cancellationToken);
                }

                if (!dryRun)
                {
                    foreach (var group in changes.Bars.GroupBy(b => (b.Instrument, b.Interval)))
                    {
                        await store.Bars.UpsertAsync(group.Key.Instrument, group.Key.Interval, [.. group.Select(b => b.Bar)], cancellationToken);
                    }
                }

                values += report.Inventory.Count + report.Bars.Count;
                changed += changes.Inventory.Count + changes.Bars.Count;
                if (json)
                {
                    var changedValues = changes.Inventory.ToHashSet();
                    foreach (var value in report.Inventory)
                    {
                        output.WriteLine(JsonSerializer.Serialize(new ReplayedValue(
                            definition.Id, file.Sha256, value.Instrument.Value, value.Series, value.Location,
                            value.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), value.PublishedAt, value.Quantity, value.Unit.Symbol(),
                            changedValues.Contains(value))));
                    }
                }
                else
                {
                    output.WriteLine($"{where}: {report.ActivityDate:yyyy-MM-dd}, {report.Inventory.Count + report.Bars.Count} values, {changes.Inventory.Count + changes.Bars.Count} read differently");
                }
            }
        }

        errors.WriteLine($"{sources.Count} source(s), {files} file(s), {values} value(s), {changed} read differently" +
            (changed > 0 ? dryRun ? " (dry run: nothing stored)" : " and stored as new versions" : "") +
            (rejected > 0 ? $", {rejected} file(s) rejected" : ""));
        return rejected > 0 ? 1 : 0;
    }

    private sealed record ReplayedValue(
        [property: JsonPropertyName("source")] string Source,
        [property: JsonPropertyName("file")] string File,
        [property: JsonPropertyName("instrument")] string Instrument,
        [property: JsonPropertyName("series")] string Series,
        [property: JsonPropertyName("location")] string? Location,
        [property: JsonPropertyName("asOf")] string AsOf,
        [property: JsonPropertyName("publishedAt")] DateTimeOffset PublishedAt,
        [property: JsonPropertyName("quantity")] double Quantity,
        [property: JsonPropertyName("unit")] string Unit,
        [property: JsonPropertyName("changed")] bool Changed);
}

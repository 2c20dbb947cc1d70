using System.Globalization;
using System.Text.Json;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Sources;
using Monitor.Storage;

namespace Monitor.Cli.Import;

/// <summary>
/// <c>monitor import inventory --format KIND FILE...</c>: reads publishers' files with the same parsers the scheduled
/// sources use. Each file is all or nothing: a rejected file stores nothing and makes the exit code 1. With
/// <c>--json</c> every value goes to standard output as one JSON object a line; problems go to standard error, each naming
/// the file and the line or sheet and cell.
/// </summary>
internal sealed class ReportImport(IReportParser parser, ReportMapping? mapping, InstrumentCatalog catalog, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public DateOnly? AsOf { get; init; }

    /// <summary>Values get this long after the start of their asOf day as publishedAt, instead of the time of the import.</summary>
    public TimeSpan? PublishedAfter { get; init; }

    /// <summary>Where values are stored; null for a dry run.</summary>
    public MonitorStore? Store { get; init; }

    public bool JsonOutput { get; init; }

    /// <returns>0 when every file was read, 1 when any was rejected.</returns>
    public async Task<int> RunAsync(IReadOnlyList<FileInfo> files, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        int exitCode = 0;
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await ParseAsync(file, cancellationToken).ConfigureAwait(false);
            foreach (var problem in result.Problems)
            {
                await errors.WriteLineAsync($"{file.Name}: {(result.Rejected ? "" : "skipped: ")}{problem}").ConfigureAwait(false);
            }

            if (result.Rejected)
            {
                await errors.WriteLineAsync($"{file.Name}: rejected, nothing stored").ConfigureAwait(false);
                exitCode = 1;
                continue;
            }

            var values = PublishedAfter is { } after ? [.. result.Inventory.Select(v => Redate(v, after))] : result.Inventory;
            if (JsonOutput)
            {
                await WriteJsonAsync(file.Name, values, result.Bars, output).ConfigureAwait(false);
            }

            if (Store is not null)
            {
                await StoreAsync(values, result.Bars, cancellationToken).ConfigureAwait(false);
            }

            if (!JsonOutput)
            {
                await output.WriteLineAsync(
                    $"{file.Name}: {(Store is null ? "read" : "imported")} {values.Count:#,0} inventory value(s) and {result.Bars.Count:#,0} bar(s)"
                    + $"{(result.ActivityDate is { } date ? $", activity date {date:yyyy-MM-dd}" : "")}; {result.Rows:#,0} row(s) read, {result.Problems.Count:#,0} problem(s)").ConfigureAwait(false);
            }
        }

        return exitCode;
    }

    private async Task<ReportParseResult> ParseAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            return ReportParseResult.Reject("", $"{file.FullName} does not exist");
        }

        byte[] content = await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false);
        return parser.Parse(content, new ReportContext(file.Name, AsOf, mapping, catalog, clock.GetUtcNow()));
    }

    private static InventoryValue Redate(InventoryValue value, TimeSpan after) =>
        value with { PublishedAt = new DateTimeOffset(value.AsOf.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) + after };

    private static async Task WriteJsonAsync(string file, IReadOnlyList<InventoryValue> values, IReadOnlyList<ImportedBar> bars, TextWriter output)
    {
        foreach (var value in values)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                file,
                instrument = value.Instrument.Value,
                series = value.Series,
                location = value.Location,
                asOf = value.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                // Sums and unit conversions leave binary noise (18112393.509000003): a millionth of the base unit is exact enough.
                quantity = Math.Round(value.Quantity, 6),
                unit = value.Unit.Symbol(),
            }, Json)).ConfigureAwait(false);
        }

        foreach (var bar in bars)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                file,
                instrument = bar.Instrument.Value,
                interval = bar.Interval.Name,
                time = bar.Bar.Time,
                open = bar.Bar.Open,
                high = bar.Bar.High,
                low = bar.Bar.Low,
                close = bar.Bar.Close,
                volume = bar.Bar.Volume,
            }, Json)).ConfigureAwait(false);
        }
    }

    private async Task StoreAsync(IReadOnlyList<InventoryValue> values, IReadOnlyList<ImportedBar> bars, CancellationToken cancellationToken)
    {
        if (values.Count > 0)
        {
            // A file read again stores nothing again; other numbers for a stored activity date are restatements.
            await Store!.Inventory.AppendChangesAsync(values, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        foreach (var group in bars.GroupBy(b => (b.Instrument, b.Interval)))
        {
            await Store!.Bars.UpsertAsync(group.Key.Instrument, group.Key.Interval, [.. group.Select(b => b.Bar)], cancellationToken).ConfigureAwait(false);
        }
    }
}

using System.CommandLine;
using Monitor.Core.Market;
using Monitor.Sources;
using Monitor.Storage;

namespace Monitor.Cli.Import;

/// <summary>
/// The options of <c>monitor import inventory</c> that read publishers' reports: <c>--format KIND</c>, <c>--as-of</c>
/// for a file whose content carries no date, <c>--dry-run</c> and <c>--json</c>. <c>--instrument</c>, <c>--series</c>,
/// <c>--unit</c> and <c>--column</c> make the <c>csv</c> kind's mapping.
/// </summary>
internal sealed class ReportOptions
{
    private readonly Option<string> _format = new("--format")
    {
        Description = $"read publishers' reports with the parser of this source kind: {string.Join(", ", ReportParsers.Kinds)}",
    };

    private readonly Option<DateOnly?> _asOf = new("--as-of")
    {
        Description = "the activity date of a file whose content carries none (the LME report saved as CSV); a date inside the file wins",
    };

    private readonly Option<bool> _dryRun = new("--dry-run") { Description = "read and check the files, store nothing" };

    private readonly Option<bool> _json = new("--json") { Description = "print every value as one JSON object a line" };

    private readonly Option<string> _target = new("--target") { Description = "for --format csv: inventory (the default) or bars" };

    private readonly Option<string> _interval = new("--interval") { Description = "for --format csv --target bars: the bars' interval (1d when not given)" };

    public void AddTo(Command command)
    {
        _format.AcceptOnlyFromAmong([.. ReportParsers.Kinds]);
        foreach (var option in new Option[] { _format, _asOf, _dryRun, _json, _target, _interval })
        {
            command.Options.Add(option);
        }
    }

    public string? Format(ParseResult result) => result.GetValue(_format);

    public async Task<int> RunAsync(ParseResult result, string format, ImportOptions options, IReadOnlyList<FileInfo> files, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        if (!ReportParsers.TryGet(format, out var parser))
        {
            await errors.WriteLineAsync($"error: the {format} parser is not available yet").ConfigureAwait(false);
            return 2;
        }

        var mapping = new ReportMapping
        {
            Target = result.GetValue(_target),
            Instrument = options.Instrument,
            Series = options.Series,
            Unit = options.Unit,
            Interval = result.GetValue(_interval),
            Columns = options.Columns.Count > 0 ? options.Columns : null,
        };
        bool dryRun = result.GetValue(_dryRun);
        await using var store = dryRun ? null : await MonitorStore.OpenAsync(CliConfiguration.Storage(CliConfiguration.Load()), cancellationToken).ConfigureAwait(false);
        var import = new ReportImport(parser, mapping, InstrumentCatalog.BuiltIn(), TimeProvider.System)
        {
            AsOf = result.GetValue(_asOf),
            PublishedAfter = options.PublishedAfter,
            Store = store,
            JsonOutput = result.GetValue(_json),
        };
        return await import.RunAsync(files, output, errors, cancellationToken).ConfigureAwait(false);
    }
}

using System.CommandLine;
using System.CommandLine.Parsing;
using Monitor.Cli.Feed;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Sources.Tables;
using Monitor.Storage;

namespace Monitor.Cli.Import;

/// <summary><c>monitor import ticks|bars|inventory F</c>: loads CSV or NDJSON into the configured store (docs/api.md, CLI).</summary>
internal static class ImportCommand
{
    public enum Kind
    {
        Ticks,
        Bars,
        Inventory,
    }

    public static Command Create()
    {
        var command = new Command("import", "Loads ticks, bars or inventory from CSV (header row) or NDJSON into the configured store; rows that cannot be read are listed and skipped");
        command.Subcommands.Add(Create(Kind.Ticks, "ticks", "instrument,ts,price[,volume][,seq]"));
        command.Subcommands.Add(Create(Kind.Bars, "bars", "date,open,high,low,close[,volume], with --instrument and --interval"));
        command.Subcommands.Add(Create(Kind.Inventory, "inventory", "instrument,series,asOf[,publishedAt],quantity,unit[,location]"));
        return command;
    }

    /// <summary>Imports into an open store; returns 0 (bad rows are listed and skipped) or 2 when the file is unusable.</summary>
    internal static async Task<int> RunAsync(
        Kind kind, FileInfo file, ImportOptions options, MonitorStore store, InstrumentCatalog catalog, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var log = new ImportLog(file.Name, output, errors);
        if (!file.Exists)
        {
            return log.Fail($"{file.FullName} does not exist");
        }

        using var records = ImportRecords.Open(file.FullName);
        return kind switch
        {
            Kind.Ticks => await new TickImporter(store.Ticks, catalog, TimeProvider.System).RunAsync(records, options, log, cancellationToken),
            Kind.Bars => await new BarImporter(store.Bars, store.Ticks, catalog).RunAsync(records, options, log, cancellationToken),
            _ => await new InventoryImporter(store.Inventory, catalog, TimeProvider.System).RunAsync(records, options, log, cancellationToken),
        };
    }

    private static Command Create(Kind kind, string name, string columns)
    {
        var files = new Argument<FileInfo[]>("file")
        {
            Description = kind == Kind.Inventory
                ? $"CSV or NDJSON with the fields {columns} (any order, any case), or with --format publishers' reports (one or more)"
                : $"CSV or NDJSON with the fields {columns} (any order, any case)",
            Arity = kind == Kind.Inventory ? ArgumentArity.OneOrMore : ArgumentArity.ExactlyOne,
        };
        var instrument = new Option<string>("--instrument") { Description = "instrument id for rows without an instrument column, such as COMEX:SI" };
        var column = new Option<string[]>("--column")
        {
            Description = "a field under another header: NAME=HEADER (--column price=Close); repeat for more",
            CustomParser = ParseColumns,
        };
        var command = new Command(name, $"Loads {name} ({columns})") { files, instrument, column };
        Option<string>? series = null, unit = null, interval = null;
        Option<TimeSpan?>? publishedAfter = null;
        ReportOptions? reports = null;
        if (kind == Kind.Inventory)
        {
            series = new Option<string>("--series") { Description = "series for rows without a series column (holdings, registered, ...)" };
            unit = new Option<string>("--unit") { Description = "unit for rows without a unit column (oz, moz, t, ...)" };
            publishedAfter = new Option<TimeSpan?>("--published-after")
            {
                Description = "rows without publishedAt were published this long after the start of their asOf day (P1D, 20h); without it, they count from now",
                CustomParser = ParsePublishedAfter,
            };
            command.Options.Add(series);
            command.Options.Add(unit);
            command.Options.Add(publishedAfter);
            reports = new ReportOptions();
            reports.AddTo(command);
        }

        if (kind == Kind.Bars)
        {
            interval = new Option<string>("--interval") { Description = "the bars' interval (1m, 1h, 1d ...)", DefaultValueFactory = _ => "1d" };
            command.Options.Add(interval);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new ImportOptions
            {
                Instrument = result.GetValue(instrument),
                Series = series is null ? null : result.GetValue(series),
                Unit = unit is null ? null : result.GetValue(unit),
                Interval = interval is null ? null : result.GetValue(interval),
                PublishedAfter = publishedAfter is null ? null : result.GetValue(publishedAfter),
                Columns = ToMapping(result.GetValue(column) ?? []),
            };
            var configuration = result.InvocationConfiguration;
            var given = result.GetValue(files)!;
            if (reports?.Format(result) is { } format)
            {
                return await reports.RunAsync(result, format, options, given, configuration.Output, configuration.Error, cancellationToken);
            }

            if (given.Length != 1)
            {
                await configuration.Error.WriteLineAsync($"error: {name} takes one file without --format (got {given.Length})");
                return 2;
            }

            await using var store = await MonitorStore.OpenAsync(CliConfiguration.Storage(CliConfiguration.Load()), cancellationToken);
            return await RunAsync(kind, given[0], options, store, InstrumentCatalog.BuiltIn(), configuration.Output, configuration.Error, cancellationToken);
        });
        return command;
    }

    internal static Dictionary<string, string> ToMapping(IEnumerable<string> columns) =>
        columns.Select(c => c.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => p[1], StringComparer.OrdinalIgnoreCase);

    private static string[] ParseColumns(ArgumentResult result)
    {
        var values = result.Tokens.Select(t => t.Value).ToArray();
        foreach (string value in values)
        {
            int equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == value.Length - 1)
            {
                result.AddError($"--column '{value}' is not NAME=HEADER (such as price=Close)");
            }
        }

        return values;
    }

    private static TimeSpan? ParsePublishedAfter(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (FeedCommand.TryParseDuration(text, out var duration))
        {
            return duration;
        }

        result.AddError($"--published-after '{text}' is not a duration above zero; write P1D, 20h or 1d");
        return null;
    }
}

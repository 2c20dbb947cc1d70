using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text;
using Monitor.Cli.Csv;
using Monitor.Cli.Feed;
using Monitor.Cli.Import;
using Monitor.Core.Backtesting;
using Monitor.Cli.Notify;
using Monitor.Core.Market;
using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Sources.Tables;
using Monitor.Storage;

namespace Monitor.Cli;

/// <summary>
/// <c>monitor backtest</c> (docs/api.md, Backtests): runs rules over the configured store, or over tick and inventory files
/// instead, and writes the report. Files are imported into a throwaway SQLite store first, exactly as
/// <c>monitor import</c> loads them, so a backtest over files and one over a store holding the same rows agree.
/// </summary>
internal static class BacktestCommand
{
    /// <summary>The files to read instead of the store (both null: the store), and the notification policy to replay.</summary>
    internal sealed record Inputs(FileInfo? Ticks, FileInfo? Inventory, TimeSpan? PublishedAfter)
    {
        public FileInfo? Policy { get; init; }
    }

    public static Command Create()
    {
        var rules = new Option<FileInfo>("--rules") { Description = "JSON: one rule object or an array of them (docs/api.md, Rules)", Required = true };
        var from = new Option<DateTimeOffset?>("--from") { Description = "start of the range (ISO-8601, inclusive); default: the first stored event", CustomParser = ParseTime };
        var to = new Option<DateTimeOffset?>("--to") { Description = "end of the range (ISO-8601, exclusive); default: after the last stored event", CustomParser = ParseTime };
        var ticks = new Option<FileInfo>("--ticks") { Description = "ticks to replay instead of the store's (CSV or NDJSON, as monitor import ticks reads them)" };
        var inventory = new Option<FileInfo>("--inventory") { Description = "inventory to replay instead of the store's (CSV or NDJSON, as monitor import inventory reads it)" };
        var publishedAfter = new Option<TimeSpan?>("--published-after")
        {
            Description = "with --inventory: rows without publishedAt were published this long after the start of their asOf day (P1D, 20h)",
            CustomParser = result => FeedCommand.TryParseDuration(result.Tokens.Count > 0 ? result.Tokens[0].Value : "", out var d) ? d : Error<TimeSpan>(result, "--published-after is not a duration above zero; write P1D or 20h"),
        };
        var policy = new Option<FileInfo>("--policy")
        {
            Description = "a notification policy (YAML or JSON) to replay over the alerts: the report's notifications say what it would have sent",
        };
        var output = new Option<FileInfo>("--out") { Description = "where to write the report (JSON)", Required = true };
        var command = new Command("backtest", "Runs alert rules over stored (or given) ticks and inventory as the live service would have, and reports the alerts and per-rule statistics")
        {
            rules, from, to, ticks, inventory, publishedAfter, policy, output,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var inputs = new Inputs(result.GetValue(ticks), result.GetValue(inventory), result.GetValue(publishedAfter)) { Policy = result.GetValue(policy) };
            var configuration = result.InvocationConfiguration;
            return await RunAsync(
                result.GetValue(rules)!, result.GetValue(from), result.GetValue(to), inputs, result.GetValue(output)!,
                CliConfiguration.Storage(CliConfiguration.Load()), configuration.Output, configuration.Error, cancellationToken);
        });
        return command;
    }

    /// <summary>0 when the report is written; 2 when the rules, the files or the range cannot be used.</summary>
    internal static async Task<int> RunAsync(
        FileInfo rulesFile, DateTimeOffset? from, DateTimeOffset? to, Inputs inputs, FileInfo outFile, StorageOptions storage,
        TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        if (ReadRules(rulesFile, errors) is not { } rules)
        {
            return 2;
        }

        if (from >= to)
        {
            errors.WriteLine($"error: --from {from:O} is not before --to {to:O}");
            return 2;
        }

        var policy = inputs.Policy is { } policyFile ? ReadPolicy(policyFile.FullName, errors) : null;
        if (inputs.Policy is not null && policy is null)
        {
            return 2;
        }

        if (outFile.Directory is { Exists: false } directory)
        {
            errors.WriteLine($"error: the folder {directory.FullName} for --out does not exist");
            return 2;
        }

        var catalog = InstrumentCatalog.BuiltIn();
        bool fromFiles = inputs.Ticks is not null || inputs.Inventory is not null;
        string? scratch = fromFiles ? Directory.CreateTempSubdirectory("monitor-backtest-").FullName : null;
        try
        {
            await using var store = fromFiles
                ? MonitorStore.OpenSqlite(Path.Combine(scratch!, "backtest.db"))
                : await MonitorStore.OpenAsync(storage, cancellationToken);
            if (fromFiles && await ImportAsync(inputs, store, catalog, output, errors, cancellationToken) is var failed and not 0)
            {
                return failed;
            }

            // The instruments and derived series the service added, as its catalog has them: forEach patterns match
            // them, and derived series are computed from their inputs as the service's backtests compute them.
            foreach (var definition in await store.Instruments.ReadAllAsync(cancellationToken))
            {
                catalog.Put(definition);
            }

            var notifications = policy is null ? null : new NotificationReplay(policy, await store.Silences.ListAsync(cancellationToken: cancellationToken));
            var running = ForEachRules.Expand(rules, catalog.All.Select(d => d.Id)).ToList();
            var engine = new BacktestEngine(running, BacktestEngine.IntervalsOf(catalog)) { Notifications = notifications };
            var report = await engine.RunAsync(DerivedSeriesSource.Over(new StoreBacktestSource(store), catalog), from, to, new ProgressPrinter(errors), cancellationToken);
            await File.WriteAllTextAsync(outFile.FullName, BacktestReportJson.Serialize(report), new UTF8Encoding(false), cancellationToken);
            var counts = report.Counts;
            output.WriteLine(
                $"{report.Alerts.Count:#,0} alert(s) from {counts.Ticks:#,0} ticks and {counts.InventoryValues:#,0} inventory values " +
                $"in {counts.Elapsed.TotalSeconds:0.00} s ({counts.TicksPerSecond:#,0} ticks/s); report in {outFile.FullName}");
            return 0;
        }
        finally
        {
            if (scratch is not null)
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    private static async Task<int> ImportAsync(Inputs inputs, MonitorStore store, InstrumentCatalog catalog, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        foreach (var (kind, file) in new[] { (ImportCommand.Kind.Ticks, inputs.Ticks), (ImportCommand.Kind.Inventory, inputs.Inventory) })
        {
            if (file is not null)
            {
                var options = new ImportOptions { PublishedAfter = inputs.PublishedAfter };
                int exit = await ImportCommand.RunAsync(kind, file, options, store, catalog, output, errors, cancellationToken);
                if (exit != 0)
                {
                    return exit;
                }
            }
        }

        return 0;
    }

    /// <summary>The policy in the file, or null after printing why it cannot be used.</summary>
    private static NotificationPolicy? ReadPolicy(string path, TextWriter errors)
    {
        var (json, error) = PolicyFile.Read(path);
        if (json is null)
        {
            errors.WriteLine($"error: {error}");
            return null;
        }

        var read = NotificationPolicyReader.Read(json);
        foreach (var problem in read.Problems.Where(p => p.Severity == PolicyProblemSeverity.Error))
        {
            errors.WriteLine($"error: {Path.GetFileName(path)}: {problem.Path}: {problem.Message}");
        }

        return read.Policy;
    }

    private static IReadOnlyList<RuleDefinition>? ReadRules(FileInfo file, TextWriter errors)
    {
        if (!file.Exists)
        {
            errors.WriteLine($"error: {file.FullName} does not exist");
            return null;
        }

        string json = File.ReadAllText(file.FullName);
        var parsed = json.TrimStart().StartsWith('[') ? RuleJson.ParseList(json) : Single(RuleJson.Parse(json));
        foreach (var problem in parsed.Problems)
        {
            errors.WriteLine($"error: {file.Name}: {problem.Field}: {problem.Message}");
        }

        if (parsed.IsValid && parsed.Rules.Count == 0)
        {
            errors.WriteLine($"error: {file.Name} holds no rules");
        }

        return parsed.IsValid && parsed.Rules.Count > 0 ? parsed.Rules : null;
    }

    private static RuleListParseResult Single(RuleParseResult result) =>
        new(result.Rule is { } rule ? [rule] : [], result.Problems);

    private static DateTimeOffset? ParseTime(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        return CsvValues.TryParseTime(text, out var time) ? time : Error<DateTimeOffset>(result, $"'{text}' is not an ISO-8601 date or time");
    }

    private static T? Error<T>(ArgumentResult result, string message)
        where T : struct
    {
        result.AddError(message);
        return null;
    }

    /// <summary>Prints the share done at most every two seconds.</summary>
    private sealed class ProgressPrinter(TextWriter errors) : IProgress<double>
    {
        private long _last = System.Diagnostics.Stopwatch.GetTimestamp();

        public void Report(double value)
        {
            if (System.Diagnostics.Stopwatch.GetElapsedTime(_last) >= TimeSpan.FromSeconds(2))
            {
                _last = System.Diagnostics.Stopwatch.GetTimestamp();
                errors.WriteLine($"backtest: {value:P0}");
            }
        }
    }
}

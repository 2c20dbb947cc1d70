using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Monitor.Cli.Import;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Storage;
using Monitor.Testing;

namespace Monitor.Cli.Tests;

/// <summary><c>monitor backtest</c> end to end: over files, over a SQLite store and over PostgreSQL holding the same rows.</summary>
public sealed class BacktestCommandTests : IDisposable
{
    private const string Rules = """
        [{"id":"silver-high","name":"Silver above 34","type":"threshold","params":{"input":"COMEX:SI","op":"above","value":34}},
         {"id":"silver-etf","name":"Silver up while SLV drains","type":"priceFlowDivergence",
          "params":{"price":"COMEX:SI","flow":"ETF:SLV/holdings","window":"P5D","minPriceChangePct":3,"minFlowChangePct":1}},
         {"id":"silver-move","name":"Silver moves","type":"percentMove","evaluate":"tick","params":{"input":"COMEX:SI","window":"P1D","minPct":2}}]
        """;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("monitor-backtest-tests-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Files_StoreAndPostgres_SameAlertsAndAReportInTheContractShape()
    {
        var (ticks, inventory, rules) = WriteInputs();

        var files = await RunAsync(new BacktestCommand.Inputs(ticks, inventory, null), Sqlite("unused.db"), "files.json");
        var sqlite = Sqlite("store.db");
        await ImportIntoAsync(sqlite, ticks, inventory);
        var store = await RunAsync(new BacktestCommand.Inputs(null, null, null), sqlite, "store.json");
        string connection = await TestPostgres.CreateDatabaseAsync("monitor_cli_backtest");
        try
        {
            var postgres = new StorageOptions { Provider = StorageOptions.PostgresProvider, ConnectionString = connection };
            await ImportIntoAsync(postgres, ticks, inventory);
            var pg = await RunAsync(new BacktestCommand.Inputs(null, null, null), postgres, "pg.json");

            using var report = JsonDocument.Parse(files);
            var root = report.RootElement;
            Assert.Equal("completed", root.GetProperty("state").GetString());
            Assert.True(root.GetProperty("alerts").GetArrayLength() >= 3, files);
            // The ticks of the instruments the rules read: COMEX:SI and ETF:SLV, not COMEX:GC.
            Assert.Equal(2 * 40 * 8, root.GetProperty("stats").GetProperty("ticks").GetInt64());
            Assert.Equal(40, root.GetProperty("stats").GetProperty("inventoryValues").GetInt64());
            Assert.True(root.GetProperty("rules").GetProperty("silver-high").GetProperty("fired").GetInt32() > 0);
            Assert.Equal(3, root.GetProperty("parameters").GetProperty("rules").GetArrayLength());
            Assert.Equal(Alerts(files), Alerts(store));
            Assert.Equal(Alerts(files), Alerts(pg));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connection);
        }

        Assert.False(File.Exists(Path.Combine(_directory.FullName, "unused.db")));
    }

    [Fact]
    public async Task Range_OnlyItsEventsAreReplayed()
    {
        var (ticks, inventory, rules) = WriteInputs();
        var output = new FileInfo(Path.Combine(_directory.FullName, "range.json"));
        using var writer = new StringWriter();

        int exit = await BacktestCommand.RunAsync(rules, Day(10), Day(20), new BacktestCommand.Inputs(ticks, inventory, null), output, Sqlite("x.db"), writer, writer, CancellationToken.None);

        Assert.Equal(0, exit);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(output.FullName));
        Assert.Equal(2 * 10 * 8, report.RootElement.GetProperty("stats").GetProperty("ticks").GetInt64());
        Assert.Equal("2026-01-11T00:00:00+00:00", report.RootElement.GetProperty("parameters").GetProperty("from").GetString());
    }

    [Fact]
    public async Task Policy_ReportSaysWhatItWouldHaveSentAndWhatEachStepRemoved()
    {
        var (ticks, inventory, rules) = WriteInputs();
        var policy = new FileInfo(Path.Combine(_directory.FullName, "policy.yaml"));
        await File.WriteAllTextAsync(policy.FullName, """
            receivers: [{name: desk, webhook: {id: wh}}, {name: quiet, sendResolved: false, webhook: {id: wh2}}]
            route:
              receiver: desk
              groupBy: [ruleId]
              groupWait: 1h
              groupInterval: 1d
              repeatInterval: 1w
              routes:
                - matchers: [ruleId=silver-move]
                  receiver: quiet
                  continue: true
            """);
        var output = new FileInfo(Path.Combine(_directory.FullName, "policy.json"));
        using var writer = new StringWriter();

        int exit = await BacktestCommand.RunAsync(
            rules, null, null, new BacktestCommand.Inputs(ticks, inventory, null) { Policy = policy }, output, Sqlite("p.db"), writer, writer, CancellationToken.None);

        Assert.True(exit == 0, writer.ToString());
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(output.FullName));
        var notifications = report.RootElement.GetProperty("notifications");
        foreach (var receiver in notifications.GetProperty("receivers").EnumerateObject())
        {
            var counts = receiver.Value;
            int Count(string name) => counts.GetProperty(name).GetInt32();
            int Removed(string name) => counts.GetProperty("removed").GetProperty(name).GetInt32();
            Assert.Equal(Count("notifications"), Count("first") + Count("updates") + Count("repeats") + Count("resolved"));
            Assert.True(
                Count("transitions") == Count("first") + Count("updates") + Count("resolved") + Removed("grouping") + Removed("sendResolved"),
                counts.GetRawText());
        }

        // silver-move's alerts go to quiet only (its route matches and nothing after it does), grouped by rule.
        var quiet = notifications.GetProperty("receivers").GetProperty("quiet");
        Assert.Equal(0, quiet.GetProperty("resolved").GetInt32());
        Assert.True(quiet.GetProperty("removed").GetProperty("sendResolved").GetInt32() > 0, quiet.GetRawText());
        Assert.True(quiet.GetProperty("removed").GetProperty("grouping").GetInt32() > 0, quiet.GetRawText());
        Assert.True(quiet.GetProperty("notifications").GetInt32() < quiet.GetProperty("transitions").GetInt32(), quiet.GetRawText());
        foreach (string ruleId in new[] { "silver-high", "silver-move" })
        {
            int fired = report.RootElement.GetProperty("rules").GetProperty(ruleId).GetProperty("fired").GetInt32();
            Assert.Equal(fired, notifications.GetProperty("rules").GetProperty(ruleId).GetProperty("alertsFired").GetInt32());
        }
    }

    /// <summary>
    /// A derived series defined in the service is in its store: a backtest of the store computes it from its inputs'
    /// stored ticks, as the service's backtests do, and a rule over it (and a forEach over <c>X:*</c>) raises the
    /// alerts the service raised live.
    /// </summary>
    [Fact]
    public async Task DerivedSeriesDefinedInTheService_BacktestOfItsStoreRaisesTheLiveAlerts()
    {
        const string RulesJson = """
            [{"id":"gsr-high","name":"Ratio above 85","type":"expression","interval":"1m","evaluate":"tick","params":{"condition":"X:GSR > 85"}},
             {"id":"each-derived-high","name":"Derived above 85","type":"expression","interval":"1m","evaluate":"tick","forEach":["X:*"],"params":{"condition":"$ > 85"}}]
            """;
        string data = Directory.CreateDirectory(Path.Combine(_directory.FullName, "server")).FullName;
        string[] live;
        await using (var server = await ServerProcess.StartAsync(data))
        {
            var admin = server.CreateClient(TestApiKeys.Admin);
            await (await admin.PostJsonAsync("/api/v1/series", """{"id":"X:GSR","name":"Gold/silver ratio","expression":"COMEX:GC / COMEX:SI","unit":"ratio","intervals":["1m"]}""")).OkJsonAsync();
            foreach (var rule in JsonNode.Parse(RulesJson)!.AsArray())
            {
                await (await admin.PostJsonAsync("/api/v1/rules", rule!.ToJsonString())).OkJsonAsync();
            }

            await (await server.CreateClient(TestApiKeys.Ingest).PostJsonAsync("/api/v1/ticks", """
                [{"instrument":"COMEX:GC","ts":"2026-05-05T10:00:00Z","price":2400},
                 {"instrument":"COMEX:SI","ts":"2026-05-05T10:00:01Z","price":30},
                 {"instrument":"COMEX:GC","ts":"2026-05-05T10:00:30Z","price":2430},
                 {"instrument":"COMEX:SI","ts":"2026-05-05T10:01:10Z","price":28}]
                """)).OkJsonAsync();
            var alerts = await Eventually.GetAsync(
                () => server.CreateClient(TestApiKeys.Read).GetJsonAsync("/api/v1/alerts"),
                a => a.AsArray().Count == 2,
                because: "both rules fire on the ratio at 86.8");
            live = [.. alerts.AsArray().Select(a => Summary(a!["id"]!.GetValue<string>(), a["startedAt"]!.GetValue<string>(), a["message"]!.GetValue<string>())).Order()];
            await server.StopAsync();
        }

        var rules = new FileInfo(Path.Combine(_directory.FullName, "rules.json"));
        await File.WriteAllTextAsync(rules.FullName, RulesJson);
        var storage = new StorageOptions { Provider = StorageOptions.SqliteProvider, Sqlite = { Path = Path.Combine(data, "data", "monitor.db") } };

        string report = await RunAsync(new BacktestCommand.Inputs(null, null, null), storage, "derived.json");

        using var json = JsonDocument.Parse(report);
        Assert.Equal(
            live,
            json.RootElement.GetProperty("alerts").EnumerateArray()
                .Select(a => Summary(a.GetProperty("id").GetString()!, a.GetProperty("startedAt").GetString()!, a.GetProperty("message").GetString()!)).Order());
    }

    [Fact]
    public async Task InvalidRules_ExitCode2_EveryProblemByField()
    {
        var rules = new FileInfo(Path.Combine(_directory.FullName, "rules.json"));
        await File.WriteAllTextAsync(rules.FullName, """[{"id":"a","type":"threshold","params":{"input":"COMEX:SI","op":"over","value":1}},{"id":"b","type":"nope","params":{}}]""");
        using var output = new StringWriter();
        using var errors = new StringWriter();

        int exit = await BacktestCommand.RunAsync(
            rules, null, null, new BacktestCommand.Inputs(null, null, null), new FileInfo(Path.Combine(_directory.FullName, "out.json")), Sqlite("s.db"), output, errors, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains("rules.json: [0].params.op:", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("rules.json: [1].type:", errors.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory.FullName, "out.json")));
    }

    private static string Summary(string id, string startedAt, string message) => $"{id} {startedAt} {message}";

    private static DateTimeOffset Day(int day) => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(day);

    private static string[] Alerts(string report)
    {
        using var json = JsonDocument.Parse(report);
        return [.. json.RootElement.GetProperty("alerts").EnumerateArray().Select(a => a.GetRawText())];
    }

    private StorageOptions Sqlite(string name) =>
        new() { Provider = StorageOptions.SqliteProvider, Sqlite = { Path = Path.Combine(_directory.FullName, name) } };

    private static async Task ImportIntoAsync(StorageOptions storage, FileInfo ticks, FileInfo inventory)
    {
        await using var store = await MonitorStore.OpenAsync(storage);
        var catalog = InstrumentCatalog.BuiltIn();
        Assert.Equal(0, await ImportCommand.RunAsync(ImportCommand.Kind.Ticks, ticks, new ImportOptions(), store, catalog, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        Assert.Equal(0, await ImportCommand.RunAsync(ImportCommand.Kind.Inventory, inventory, new ImportOptions(), store, catalog, TextWriter.Null, TextWriter.Null, CancellationToken.None));
    }

    private async Task<string> RunAsync(BacktestCommand.Inputs inputs, StorageOptions storage, string name)
    {
        var rules = new FileInfo(Path.Combine(_directory.FullName, "rules.json"));
        var output = new FileInfo(Path.Combine(_directory.FullName, name));
        using var writer = new StringWriter();
        int exit = await BacktestCommand.RunAsync(rules, null, null, inputs, output, storage, writer, writer, CancellationToken.None);
        Assert.True(exit == 0, writer.ToString());
        return await File.ReadAllTextAsync(output.FullName);
    }

    /// <summary>40 days: silver rallies from 30 to about 36 and back, 8 ticks a day on three instruments; SLV holdings drain.</summary>
    private (FileInfo Ticks, FileInfo Inventory, FileInfo Rules) WriteInputs()
    {
        var random = new Random(5);
        var ticks = new StringBuilder("instrument,ts,price,volume,seq\n");
        var inventory = new StringBuilder("instrument,series,asOf,publishedAt,quantity,unit\n");
        int seq = 0;
        for (int day = 0; day < 40; day++)
        {
            double silver = 30 + (6 * Math.Sin(day / 40.0 * Math.PI));
            for (int i = 0; i < 8; i++)
            {
                string ts = Day(day).AddHours(1 + (2.5 * i)).ToString("O", CultureInfo.InvariantCulture);
                seq++;
                foreach (var (instrument, price) in new[] { ("COMEX:SI", silver), ("COMEX:GC", 2400.0), ("ETF:SLV", silver * 0.9) })
                {
                    ticks.Append(CultureInfo.InvariantCulture, $"{instrument},{ts},{price * (1 + (0.004 * (random.NextDouble() - 0.5))):F4},1,{seq}\n");
                }
            }

            double holdings = 520 - (day < 20 ? day * 1.5 : 30);
            inventory.Append(CultureInfo.InvariantCulture, $"ETF:SLV,holdings,{Day(day):yyyy-MM-dd},{Day(day).AddHours(22):O},{holdings:F3},moz\n");
        }

        var ticksFile = new FileInfo(Path.Combine(_directory.FullName, "ticks.csv"));
        var inventoryFile = new FileInfo(Path.Combine(_directory.FullName, "inventory.csv"));
        var rulesFile = new FileInfo(Path.Combine(_directory.FullName, "rules.json"));
        File.WriteAllText(ticksFile.FullName, ticks.ToString());
        File.WriteAllText(inventoryFile.FullName, inventory.ToString());
        File.WriteAllText(rulesFile.FullName, Rules);
        return (ticksFile, inventoryFile, rulesFile);
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Sources;
using Monitor.Storage;

namespace Monitor.Cli.Tests;

/// <summary><c>monitor sources replay</c> over a real SQLite store's archive.</summary>
public sealed class SourcesReplayTests : IAsyncLifetime
{
    private static readonly DateTimeOffset FirstFetch = new(2026, 1, 13, 22, 0, 0, TimeSpan.Zero);
    private static readonly InstrumentId Gld = InstrumentId.Parse("ETF:GLD");
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("monitor-replay-tests-");
    private string DatabasePath => Path.Combine(_directory.FullName, "monitor.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Replay_ArchiveNotYetStored_StoresItsValuesAsFirstPublished_ThenAgainStoresNothing()
    {
        await using (var store = MonitorStore.OpenSqlite(DatabasePath))
        {
            var source = new SourceDefinition("gld", SourceKinds.SpdrGld, "https://example.com/GLD_US_archive_EN.csv", "0 17 * * 1-5", "America/New_York", null, "nyse", false, "{}");
            await store.Sources.AddAsync(source, FirstFetch, null, null);
            await ArchiveAsync(store, FirstFetch, ("2026-01-13", 28_000_000));
            await ArchiveAsync(store, FirstFetch.AddDays(1), ("2026-01-13", 28_100_000), ("2026-01-14", 28_200_000));
        }

        var (first, firstJson, _) = await ReplayAsync(json: true);
        var (second, _, summary) = await ReplayAsync(json: false);

        Assert.Equal((0, 0), (first, second));
        var lines = firstJson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal([true, true, true], lines.Select(l => l["changed"]!.GetValue<bool>()));
        Assert.Contains("0 read differently", summary, StringComparison.Ordinal);
        await using var reopened = MonitorStore.OpenSqlite(DatabasePath);
        var versions = await reopened.Inventory.ReadAsync(Gld, InventorySeries.Holdings, null, new DateOnly(2026, 1, 13), new DateOnly(2026, 1, 13), allVersions: true);
        Assert.Equal([(28_000_000, FirstFetch), (28_100_000, FirstFetch.AddDays(1))], versions.Select(v => (v.Value.Quantity, v.Value.PublishedAt)));
    }

    [Fact]
    public async Task Replay_UnknownSource_ExitCode2()
    {
        await using (MonitorStore.OpenSqlite(DatabasePath))
        {
        }

        var output = new StringWriter();
        var errors = new StringWriter();
        int exit = await SourcesCommand.ReplayAsync(Storage(), "no-such-source", false, false, output, errors, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains("there is no source 'no-such-source'", errors.ToString(), StringComparison.Ordinal);
    }

    private static async Task ArchiveAsync(MonitorStore store, DateTimeOffset fetchedAt, params (string Date, double Ounces)[] rows)
    {
        byte[] content = Encoding.UTF8.GetBytes("Date,GLD Close,Total Net Asset Value Ounces in the Trust as at 4.15 p.m. NYT\n"
            + string.Concat(rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Date},400.10,{r.Ounces}\n"))));
        string sha = Convert.ToHexStringLower(SHA256.HashData(content));
        await store.Sources.AddFileAsync(
            "gld", new ArchivedFile(sha, "https://example.com/GLD_US_archive_EN.csv", fetchedAt, 200, content.Length, SourceResult.New, DateOnly.Parse(rows[^1].Date, CultureInfo.InvariantCulture), null), content);
    }

    private async Task<(int ExitCode, string Output, string Errors)> ReplayAsync(bool json)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int exit = await SourcesCommand.ReplayAsync(Storage(), "gld", dryRun: false, json, output, errors, CancellationToken.None);
        return (exit, output.ToString(), errors.ToString());
    }

    private StorageOptions Storage() => new() { Provider = StorageOptions.SqliteProvider, Sqlite = { Path = DatabasePath } };
}

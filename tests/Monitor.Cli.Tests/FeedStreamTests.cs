using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Monitor.Cli.Feed;
using Monitor.Testing;

namespace Monitor.Cli.Tests;

/// <summary><c>monitor feed --stream</c> against a real server process.</summary>
public sealed class FeedStreamTests : IDisposable
{
    private static readonly string[] Instruments = ["COMEX:SI", "COMEX:GC", "ETF:SLV"];

    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-feed-stream-").FullName;

    [Fact]
    public async Task Stream_ServerKilledAndRestartedMidRun_StoresEveryTickExactlyOnce()
    {
        var server = await ServerProcess.StartAsync(_directory);
        var address = server.BaseAddress;
        try
        {
            var feed = InvokeAsync(address, "--stream", "--rate", "1500", "--duration", "10s", "--concurrency", "2", "--seed", "7", "--json",
                "--instruments", string.Join(',', Instruments));

            // Once ticks are stored, SIGKILL: batches in flight are unacknowledged, some of them stored already.
            await Eventually.GetAsync(StoredTicksAsync, n => n > 2_000, TimeSpan.FromSeconds(60), "ticks stored before the kill");
            await server.KillAsync();
            await server.DisposeAsync();
            server = await ServerProcess.StartAsync(_directory, address);

            var (exitCode, summaryText, errors) = await feed;
            var summary = JsonNode.Parse(summaryText)!["ticks"]!;
            var requests = JsonNode.Parse(summaryText)!["requests"]!;
            Assert.True(requests["streamReconnects"]!.GetValue<long>() >= 1, errors);
            Assert.Equal(0, summary["failed"]!.GetValue<long>());
            Assert.Equal(0, summary["rejected"]!.GetValue<long>());
            Assert.Contains("reconnecting", errors, StringComparison.Ordinal);
            _ = exitCode; // an inventory post may fail while the server is down; the ticks may not

            // Every tick sent is stored once: none twice (seq is unique per instrument), none missing. Those stored before
            // the kill without an acknowledgement went again and were counted as duplicates.
            var (rows, distinct) = StoredRows();
            Assert.Equal(rows, distinct);
            Assert.Equal(summary["sent"]!.GetValue<long>(), rows);
            Assert.Equal(rows, summary["accepted"]!.GetValue<long>() + summary["late"]!.GetValue<long>() + summary["duplicates"]!.GetValue<long>());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<(int ExitCode, string Output, string Errors)> InvokeAsync(Uri server, params string[] arguments)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var root = new RootCommand { FeedCommand.Create() };
        var configuration = new InvocationConfiguration { Output = output, Error = errors, ProcessTerminationTimeout = null };
        string[] args = ["feed", "--url", server.ToString(), "--api-key", TestApiKeys.Ingest, .. arguments];
        int exitCode = await root.Parse(args).InvokeAsync(configuration).WaitAsync(TimeSpan.FromSeconds(120));
        return (exitCode, output.ToString(), errors.ToString());
    }

    private Task<long> StoredTicksAsync()
    {
        try
        {
            return Task.FromResult(StoredRows().Rows);
        }
        catch (Exception e) when (e is SqliteException or InvalidCastException)
        {
            return Task.FromResult(0L); // not created yet
        }
    }

    /// <summary>Rows in the instruments' tick tables, and distinct (instrument, seq) among them.</summary>
    private (long Rows, long Distinct) StoredRows()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "data", "monitor.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        long rows = 0, distinct = 0;
        foreach (string instrument in Instruments)
        {
            using var id = connection.CreateCommand();
            id.CommandText = "SELECT id FROM instruments WHERE name = $name";
            id.Parameters.AddWithValue("$name", instrument);
            long table = Convert.ToInt64(id.ExecuteScalar(), CultureInfo.InvariantCulture);
            using var count = connection.CreateCommand();
            count.CommandText = $"SELECT count(*), count(DISTINCT seq) FROM ticks_{table}";
            using var reader = count.ExecuteReader();
            reader.Read();
            rows += reader.GetInt64(0);
            distinct += reader.GetInt64(1);
        }

        return (rows, distinct);
    }
}

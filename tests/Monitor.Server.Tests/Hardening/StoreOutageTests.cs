using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Monitor.Server.Tests.Hardening;

/// <summary>
/// With the database unable to take writes, writes once answered 500 with no detail, /health/ready stayed 200 and the
/// log took a stack trace per request. Now, with either store: 503 with Retry-After and a detail, readiness down until
/// the database takes writes again, one log message per interval, and every acknowledged tick still there.
/// </summary>
public sealed class StoreOutageTests
{
    [Fact]
    public async Task PostgresReadOnly_Answers503AndNotReady_LogsOnce_LosesNoAcknowledgedTick()
    {
        string database = await TestPostgres.CreateDatabaseAsync("monitor_readonly");
        try
        {
            await OutageAsync(
                new() { ["Monitor:Storage:Provider"] = "postgres", ["ConnectionStrings:Monitor"] = database },
                readOnly => SetReadOnlyAsync(database, readOnly),
                () => Monitor.Storage.MonitorStore.OpenPostgresAsync(database, applyMigrations: false));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    /// <summary>
    /// SQLite's outage here is another process holding the database's write lock (an operator's <c>sqlite3</c> shell in
    /// a transaction, a tool writing to the file): the server's writes wait briefly for it, then fail as a busy database.
    /// </summary>
    [Fact]
    public async Task SqliteLockedByAnotherWriter_Answers503AndNotReady_LogsOnce_LosesNoAcknowledgedTick()
    {
        string directory = Directory.CreateTempSubdirectory("monitor-sqlite-outage-").FullName;
        string path = Path.Combine(directory, "monitor.db");
        SqliteConnection? locker = null;
        try
        {
            await OutageAsync(
                new() { ["Monitor:Storage:Sqlite:Path"] = path },
                locked =>
                {
                    if (locked)
                    {
                        locker = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
                        locker.Open();
                        using var begin = locker.CreateCommand();
                        begin.CommandText = "BEGIN IMMEDIATE";
                        begin.ExecuteNonQuery();
                    }
                    else
                    {
                        locker!.Dispose(); // rolls the open transaction back, releasing the lock
                    }

                    return Task.CompletedTask;
                },
                () => Monitor.Storage.MonitorStore.OpenAsync(new() { Sqlite = { Path = path } }));
        }
        finally
        {
            locker?.Dispose();
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Stores two ticks, starts the outage (<paramref name="setOutage"/> true), checks what the server answers and logs
    /// through it, ends it, and checks that the server recovers and that the store (opened by <paramref name="openStore"/>)
    /// holds every acknowledged tick.
    /// </summary>
    private static async Task OutageAsync(Dictionary<string, string> settings, Func<bool, Task> setOutage, Func<Task<Monitor.Storage.MonitorStore>> openStore)
    {
        var logs = new CapturedLogs();
        await using var server = new MonitorServerFactory(settings, services => services.AddSingleton<ILoggerProvider>(logs));
        var ingest = server.CreateClient(MonitorServerFactory.IngestKey);
        var admin = server.CreateClient(MonitorServerFactory.AdminKey);
        var reader = server.CreateClient((string?)null);
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        Assert.Equal(2, (await (await ingest.PostItemsAsync("/api/v1/ticks", Tick(start, 80, 1), Tick(start.AddSeconds(1), 81, 2))).OkJsonAsync())["accepted"]!.GetValue<int>());

        await setOutage(true);
        await Eventually.GetAsync(async () => (await reader.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), "ready goes down");
        string readiness = await (await reader.GetAsync("/health/ready")).Content.ReadAsStringAsync();
        int loggedBefore = logs.Errors.Count;
        for (int i = 0; i < 10; i++)
        {
            var refused = await ingest.PostItemsAsync("/api/v1/ticks", Tick(start.AddSeconds(2), 82, 3));
            Assert.True(refused.Headers.RetryAfter?.Delta == TimeSpan.FromSeconds(5), $"{(int)refused.StatusCode} {await refused.Content.ReadAsStringAsync()}");
            await refused.AssertProblemAsync(503, "cannot take writes");
        }

        var rule = await admin.PostJsonAsync("/api/v1/rules", """{"id":"outage","type":"threshold","severity":"info","params":{"input":"COMEX:SI","op":"above","value":100}}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, rule.StatusCode);
        // At most one message per interval for all of those, and no stack trace from the API or the grain.
        var errors = logs.Errors.Skip(loggedBefore).ToList();
        Assert.InRange(errors.Count(e => e.Category.EndsWith("StoreWriteFailures", StringComparison.Ordinal)), 0, 2);
        Assert.DoesNotContain(errors, e => e.Category.Contains("ExceptionHandler", StringComparison.Ordinal) || e.Category.EndsWith("InstrumentGrain", StringComparison.Ordinal));

        await setOutage(false);
        await Eventually.GetAsync(async () => (await reader.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "ready comes back");
        var retried = await Eventually.GetAsync(
            () => ingest.PostItemsAsync("/api/v1/ticks", Tick(start.AddSeconds(2), 82, 3)), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(30), "ingest works again");
        Assert.Equal(1, (await retried.OkJsonAsync())["accepted"]!.GetValue<int>());
        Assert.Contains("cannot take writes", readiness, StringComparison.Ordinal);

        await using var store = await openStore();
        var stored = await store.Ticks.ReadAfterAsync(Core.Market.InstrumentId.Parse("COMEX:SI"), 0).ToListAsync();
        Assert.Equal([80.0, 81.0, 82.0], stored.Select(t => t.Price));
    }

    private static object Tick(DateTimeOffset ts, double price, long seq) =>
        TestApi.Tick("COMEX:SI", ts.ToString("O", CultureInfo.InvariantCulture), price, seq: seq);

    /// <summary>Makes the test's database read-only (or writable again) for every session, ending the open ones so they reconnect under the new setting.</summary>
    private static async Task SetReadOnlyAsync(string database, bool readOnly)
    {
        string name = new NpgsqlConnectionStringBuilder(database).Database!;
        await using var connection = new NpgsqlConnection(TestPostgres.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"ALTER DATABASE \"{name}\" SET default_transaction_read_only = {(readOnly ? "on" : "off")};" +
            $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid();",
            connection);
        await command.ExecuteNonQueryAsync();
    }

    private sealed record LogEntry(string Category, LogLevel Level, string Message);

    /// <summary>The server's log entries at Error and above, as an operator would read them.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<LogEntry> _errors = new();

        public IReadOnlyCollection<LogEntry> Errors => _errors;

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _errors);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<LogEntry> errors) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    errors.Enqueue(new LogEntry(category, logLevel, formatter(state, exception)));
                }
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Monitor.Server.Tests.Hardening;

/// <summary>
/// With the database read-only, writes once answered 500 with no detail, /health/ready stayed 200 and the log took a
/// stack trace per request. Now: 503 with Retry-After and a detail, readiness down until the database takes writes
/// again, one log message per interval, and every acknowledged tick still there.
/// </summary>
public sealed class StoreOutageTests
{
    [Fact]
    public async Task PostgresReadOnly_Answers503AndNotReady_LogsOnce_LosesNoAcknowledgedTick()
    {
        string database = await TestPostgres.CreateDatabaseAsync("monitor_readonly");
        var logs = new CapturedLogs();
        try
        {
            await using var server = new MonitorServerFactory(
                new() { ["Monitor:Storage:Provider"] = "postgres", ["ConnectionStrings:Monitor"] = database },
                services => services.AddSingleton<ILoggerProvider>(logs));
            var ingest = server.CreateClient(MonitorServerFactory.IngestKey);
            var admin = server.CreateClient(MonitorServerFactory.AdminKey);
            var reader = server.CreateClient((string?)null);
            var start = DateTimeOffset.UtcNow.AddMinutes(-30);
            Assert.Equal(2, (await (await ingest.PostItemsAsync("/api/v1/ticks", Tick(start, 80, 1), Tick(start.AddSeconds(1), 81, 2))).OkJsonAsync())["accepted"]!.GetValue<int>());

            await SetReadOnlyAsync(database, true);
            await Eventually.GetAsync(async () => (await reader.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), "ready goes down");
            string readiness = await (await reader.GetAsync("/health/ready")).Content.ReadAsStringAsync();
            int loggedBefore = logs.Errors.Count;
            for (int i = 0; i < 20; i++)
            {
                var refused = await ingest.PostItemsAsync("/api/v1/ticks", Tick(start.AddSeconds(2), 82, 3));
                Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
                await refused.AssertProblemAsync(503, "cannot take writes");
            }

            var rule = await admin.PostJsonAsync("/api/v1/rules", """{"id":"outage","type":"threshold","severity":"info","params":{"input":"COMEX:SI","op":"above","value":100}}""");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, rule.StatusCode);
            // At most one message per interval for all of those, and no stack trace from the API or the grain.
            var errors = logs.Errors.Skip(loggedBefore).ToList();
            Assert.InRange(errors.Count(e => e.Category.EndsWith("StoreWriteFailures", StringComparison.Ordinal)), 0, 2);
            Assert.DoesNotContain(errors, e => e.Category.Contains("ExceptionHandler", StringComparison.Ordinal) || e.Category.EndsWith("InstrumentGrain", StringComparison.Ordinal));

            await SetReadOnlyAsync(database, false);
            await Eventually.GetAsync(async () => (await reader.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "ready comes back");
            var retried = await Eventually.GetAsync(
                () => ingest.PostItemsAsync("/api/v1/ticks", Tick(start.AddSeconds(2), 82, 3)), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(30), "ingest works again");
            Assert.Equal(1, (await retried.OkJsonAsync())["accepted"]!.GetValue<int>());
            Assert.Contains("cannot take writes", readiness, StringComparison.Ordinal);

            await using var store = await Monitor.Storage.MonitorStore.OpenPostgresAsync(database, applyMigrations: false);
            var stored = await store.Ticks.ReadAfterAsync(Core.Market.InstrumentId.Parse("COMEX:SI"), 0).ToListAsync();
            Assert.Equal([80.0, 81.0, 82.0], stored.Select(t => t.Price));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
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

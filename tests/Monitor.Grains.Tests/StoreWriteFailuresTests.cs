using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Monitor.Grains.Tests;

/// <summary>An outage under load is thousands of failed writes a second: the log says so once per interval, with the count.</summary>
public sealed class StoreWriteFailuresTests
{
    [Fact]
    public void ManyFailures_LoggedOncePerInterval_WithTheCountSinceTheLastMessage()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 14, 15, 30, 0, TimeSpan.Zero));
        var log = new ListLogger();
        var failures = new StoreWriteFailures(time, log);
        var error = new InvalidOperationException("attempt to write a readonly database");

        for (int i = 0; i < 1000; i++)
        {
            failures.Report(error, "storing ticks of COMEX:SI");
            time.Advance(TimeSpan.FromMilliseconds(20));
        }

        // 20 s of failures: one message.
        var first = Assert.Single(log.Messages);
        Assert.Contains("storing ticks of COMEX:SI failed: InvalidOperationException: attempt to write a readonly database", first, StringComparison.Ordinal);

        time.Advance(StoreWriteFailures.LogInterval);
        var thrown = failures.Unavailable(error, "storing inventory of ETF:SLV");

        Assert.Equal(2, log.Messages.Count);
        Assert.Contains("999 more failed since the last message", log.Messages[1], StringComparison.Ordinal);
        Assert.Contains("readonly database", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Guard_DatabaseThatTakesNoWrites_FailsAsStoreUnavailable_OtherFailuresAsThemselves()
    {
        var failures = new StoreWriteFailures(new FakeTimeProvider(), new ListLogger());
        var readOnly = new SqliteException("attempt to write a readonly database", SQLitePCL.raw.SQLITE_READONLY);

        var unavailable = await Assert.ThrowsAsync<StoreUnavailableException>(
            () => failures.GuardAsync(() => Task.FromException<int>(readOnly), "storing inventory of ETF:SLV"));
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => failures.GuardAsync(() => Task.FromException(new InvalidOperationException("a bug")), "activating ETF:SLV"));

        Assert.StartsWith("storing inventory of ETF:SLV failed: SqliteException", unavailable.Message, StringComparison.Ordinal);
    }

    private sealed class ListLogger : ILogger<StoreWriteFailures>
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Server.Hosting;
using Monitor.Storage;
using Monitor.Testing;

namespace Monitor.Server.Tests;

/// <summary>The hourly tick maintenance on fake time, over a real embedded store.</summary>
public sealed class TickRetentionServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-retention-").FullName;
    private MonitorStore _store = null!;

    public Task InitializeAsync()
    {
        _store = MonitorStore.OpenSqlite(Path.Combine(_directory, "monitor.db"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Running_RemovesTicksAtStartThenEachHourAsTheyPassTheRetention()
    {
        var clock = new FakeTimeProvider(Start);
        var silver = InstrumentId.Parse("COMEX:SI");
        StoredTick[] ticks =
        [
            new(1, Start.AddDays(-2), 30, 1, 1, false),
            new(2, Start.AddHours(-12), 31, 1, 2, false),
            new(3, Start, 32, 1, 3, false),
        ];
        await _store.Ticks.AppendAsync(silver, ticks);
        var options = Options.Create(new StorageOptions { TickRetention = TimeSpan.FromDays(1) });
        using var service = new TickRetentionService(_store.TickRetention, options, clock, NullLogger<TickRetentionService>.Instance);

        await service.StartAsync(CancellationToken.None);
        await WaitForIndicesAsync(silver, [2, 3], "the pass at start removes the tick two days old");

        clock.Advance(TimeSpan.FromHours(13));
        await WaitForIndicesAsync(silver, [3], "a pass after the second tick turned a day old");
        await service.StopAsync(CancellationToken.None);
    }

    private Task WaitForIndicesAsync(InstrumentId instrument, long[] expected, string because) =>
        Eventually.GetAsync(
            async () =>
            {
                var indices = new List<long>();
                await foreach (var tick in _store.Ticks.ReadAfterAsync(instrument, 0))
                {
                    indices.Add(tick.Index);
                }

                return indices.ToArray();
            },
            indices => indices.SequenceEqual(expected),
            because: because);
}

/// <summary>
/// The same service over PostgreSQL's partitioned tick table: as the fake clock passes midnight, the server makes the
/// day partitions a week ahead and drops whole days past <c>Monitor:Storage:TickRetention</c>; bars stay.
/// </summary>
public sealed class TickRetentionServicePostgresTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private string _connectionString = "";
    private MonitorStore _store = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync("monitor_partitions");
        _store = await MonitorStore.OpenPostgresAsync(_connectionString);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(_connectionString);
    }

    [Fact]
    public async Task Running_KeepsAWeekOfDayPartitionsAhead_AndDropsWholeDaysPastTheRetention_KeepingBars()
    {
        var clock = new FakeTimeProvider(Start);
        var silver = InstrumentId.Parse("COMEX:SI");
        await _store.Ticks.AppendAsync(silver, new StoredTick[] { new(1, Start.AddDays(-2), 30, 1, 1, false), new(2, Start, 31, 1, 2, false) });
        var oldBar = new Bar(Start.AddDays(-2), 30, 30, 30, 30, 1);
        await _store.Bars.UpsertAsync(silver, BarInterval.OneMinute, [oldBar]);
        var options = Options.Create(new StorageOptions { TickRetention = TimeSpan.FromDays(1) });
        using var service = new TickRetentionService(_store.TickRetention, options, clock, NullLogger<TickRetentionService>.Instance);

        await service.StartAsync(CancellationToken.None);
        var atStart = await WaitForPartitionsAsync(p => p.Contains("ticks_p20261214") && !p.Contains("ticks_p20261205"), "a week ahead of 12-07, 12-05 dropped");
        clock.Advance(TimeSpan.FromDays(1));
        var dayLater = await WaitForPartitionsAsync(p => p.Contains("ticks_p20261215") && !p.Contains("ticks_p20261206"), "a week ahead of 12-08, 12-06 dropped");
        await service.StopAsync(CancellationToken.None);

        Assert.Equal("ticks_p20261206", atStart[0]);
        Assert.Equal("ticks_p20261207", dayLater[0]);
        Assert.Equal([2L], (await _store.Ticks.ReadAfterAsync(silver, 0).ToListAsync()).Select(t => t.Index));
        Assert.Equal([oldBar], await _store.Bars.ReadAsync(silver, BarInterval.OneMinute, Start.AddDays(-3), Start, limit: 10));
        Assert.Equal(new TickMark(2, 2), await _store.Ticks.GetMarkAsync(silver));
    }

    private Task<List<string>> WaitForPartitionsAsync(Func<List<string>, bool> done, string because) =>
        Eventually.GetAsync(() => TestPostgres.TickPartitionsAsync(_connectionString), done, because: because);
}

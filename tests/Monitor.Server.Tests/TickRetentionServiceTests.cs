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

using Microsoft.Extensions.DependencyInjection;
using Monitor.Core.Ports;
using Monitor.Storage.Orleans.Tests.Grains;
using Monitor.Storage.Orleans.Tests.Infrastructure;

namespace Monitor.Storage.Orleans.Tests;

[Collection(OrleansOnPostgres.Name)]
public sealed class ReminderTests(PostgresDatabaseFixture database)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Reminder_RegistersFiresAndUnregisters()
    {
        var cluster = await database.SharedClusterAsync();
        var probe = cluster.GrainFactory.GetGrain<IReminderProbeGrain>("fires-" + Guid.NewGuid().ToString("N"));

        await probe.Start(Period);

        var row = Assert.Single(await ReminderRowsAsync(cluster.Options.ServiceId, probe.GetGrainId()));
        Assert.Equal((ReminderProbeGrain.ReminderName, (long)Period.TotalMilliseconds), (row.Name, row.PeriodMs));
        await Eventually.GetAsync(probe.GetTicks, ticks => ticks >= 2, Deadline, "two reminder ticks");

        await probe.Stop();

        Assert.False(await probe.IsRegistered());
        Assert.Empty(await ReminderRowsAsync(cluster.Options.ServiceId, probe.GetGrainId()));
    }

    [Fact]
    public async Task Reminder_AfterClusterRestart_IsLoadedFromTableAndFires()
    {
        var serviceId = PostgresDatabaseFixture.NewServiceId("reminder-restart");
        var key = "restart-" + Guid.NewGuid().ToString("N");
        await using (var first = await PostgresCluster.StartAsync(database.ConnectionString, serviceId))
        {
            var probe = first.GrainFactory.GetGrain<IReminderProbeGrain>(key);
            await probe.Start(Period);
            await Eventually.GetAsync(probe.GetTicks, ticks => ticks >= 1, Deadline, "a tick before the restart");
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(database.ConnectionString, serviceId);
        var restarted = second.GrainFactory.GetGrain<IReminderProbeGrain>(key);

        // The new activation counts from zero: ticks now come from the reminder the new silo read from the table.
        await Eventually.GetAsync(restarted.GetTicks, ticks => ticks >= 1, Deadline, "a tick after the restart");
        await restarted.Stop();
        Assert.Empty(await ReminderRowsAsync(serviceId, restarted.GetGrainId()));
    }

    [Fact]
    public async Task ReminderTable_RangeReads_FollowTheRingSemantics()
    {
        var cluster = await database.SharedClusterAsync();
        var table = cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress).GetRequiredService<IReminderTable>();
        // Far-future start: the shared silo may load these rows but never fires them. Grain ids of a grain type that
        // does not exist; only the table is under test.
        var startAt = DateTime.UtcNow.AddDays(1);
        var entries = Enumerable.Range(0, 64)
            .Select(i => new ReminderEntry
            {
                GrainId = GrainId.Create("rangeprobe", $"{Guid.NewGuid():N}-{i}"),
                ReminderName = "r",
                StartAt = startAt,
                Period = TimeSpan.FromMinutes(1),
            })
            .ToList();
        try
        {
            foreach (var entry in entries)
            {
                entry.ETag = await table.UpsertRow(entry);
            }

            var hashes = entries.Select(e => e.GrainId.GetUniformHashCode()).ToArray();
            uint[] edges = [0, 1, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFF, hashes[0], hashes[1], hashes[2] - 1, hashes[3] + 1];
            foreach (var begin in edges)
            {
                foreach (var end in edges)
                {
                    var read = (await table.ReadRows(begin, end)).Reminders
                        .Where(r => r.GrainId.Type.ToString() == "rangeprobe")
                        .Select(r => r.GrainId)
                        .ToHashSet();
                    var expected = entries.Where(e => InRange(e.GrainId.GetUniformHashCode(), begin, end)).Select(e => e.GrainId).ToHashSet();
                    Assert.True(expected.SetEquals(read), $"range ({begin:X8}, {end:X8}]: expected {expected.Count}, read {read.Count}");
                }
            }
        }
        finally
        {
            foreach (var entry in entries.Where(e => e.ETag is not null))
            {
                await table.RemoveRow(entry.GrainId, entry.ReminderName, entry.ETag!);
            }
        }
    }

    [Fact]
    public async Task ReminderTable_UpsertAdvancesETag_AndStaleRemoveIsRejected()
    {
        var cluster = await database.SharedClusterAsync();
        var table = cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress).GetRequiredService<IReminderTable>();
        var grainId = GrainId.Create("rangeprobe", Guid.NewGuid().ToString("N"));
        var startAt = new DateTime(DateTime.UtcNow.AddDays(1).Ticks / 10 * 10, DateTimeKind.Utc);
        var entry = new ReminderEntry { GrainId = grainId, ReminderName = "etag", StartAt = startAt, Period = TimeSpan.FromDays(30) };

        var first = await table.UpsertRow(entry);
        entry.Period = TimeSpan.FromDays(40); // beyond int milliseconds: stored as bigint
        var second = await table.UpsertRow(entry);

        Assert.NotEqual(first, second);
        var stored = await table.ReadRow(grainId, "etag");
        Assert.NotNull(stored);
        Assert.Equal((startAt, TimeSpan.FromDays(40), second), (stored.StartAt, stored.Period, stored.ETag));
        Assert.Equal(DateTimeKind.Utc, stored.StartAt.Kind);
        Assert.Single((await table.ReadRows(grainId)).Reminders);

        Assert.False(await table.RemoveRow(grainId, "etag", first!));
        Assert.True(await table.RemoveRow(grainId, "etag", second!));
        Assert.Null(await table.ReadRow(grainId, "etag"));
        Assert.Empty((await table.ReadRows(grainId)).Reminders);
    }

    /// <summary>Orleans' ring range (begin, end], wrapping when begin &gt;= end; begin = end is the whole ring.</summary>
    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private Task<List<ReminderRow>> ReminderRowsAsync(string serviceId, GrainId grainId) => database.QueryAsync(
        "SELECT reminder_name, period_ms FROM orleans_reminder WHERE service_id = @service AND grain_id = @grain",
        r => new ReminderRow(r.GetString(0), r.GetInt64(1)),
        ("service", serviceId), ("grain", grainId.ToString()));

    private sealed record ReminderRow(string Name, long PeriodMs);
}

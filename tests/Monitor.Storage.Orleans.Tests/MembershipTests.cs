using System.Data;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Storage.Orleans.Tests.Grains;
using Monitor.Storage.Orleans.Tests.Infrastructure;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;

namespace Monitor.Storage.Orleans.Tests;

[Collection(OrleansOnPostgres.Name)]
public sealed class MembershipTests(PostgresDatabaseFixture database)
{
    private const int Active = 3;
    private const int Dead = 6;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TwoSilos_JoinCluster_BothActiveInMembershipTable()
    {
        var serviceId = PostgresDatabaseFixture.NewServiceId("join");
        var clusterId = serviceId + "-cluster";
        await using var cluster = await PostgresCluster.StartAsync(database.ConnectionString, serviceId, initialSilos: 2, clusterId);

        var rows = await Eventually.GetAsync(
            () => MembersAsync(clusterId),
            members => members.Count(m => m.Status == Active) == 2,
            Deadline,
            "two Active rows");

        var expected = cluster.Silos.Select(s => (s.SiloAddress.Endpoint.Port, s.SiloAddress.Generation)).Order();
        Assert.Equal(expected, rows.Select(m => (m.Port, m.Generation)).Order());
        Assert.All(rows, m => Assert.True(m.ProxyPort > 0));
        // The client found its gateways through GatewaysQueryKey; a grain call proves the cluster is usable.
        var counter = cluster.GrainFactory.GetGrain<IPersistentCounterGrain>("join-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(0, (await counter.Get()).Total);
    }

    [Fact]
    public async Task KilledSilo_IsDeclaredDead_ThenCleanedUpWhileSurvivorStaysActive()
    {
        var serviceId = PostgresDatabaseFixture.NewServiceId("kill");
        var clusterId = serviceId + "-cluster";
        await using var cluster = await PostgresCluster.StartAsync(database.ConnectionString, serviceId, initialSilos: 2, clusterId);
        var survivor = cluster.Silos[0];
        var victim = cluster.Silos[1];

        await cluster.KillSiloAsync(victim);

        await Eventually.GetAsync(
            () => MembersAsync(clusterId),
            members => members.Any(m => m.Port == victim.SiloAddress.Endpoint.Port && m.Status == Dead),
            Deadline,
            "the killed silo's row to turn Dead");

        // The periodic cleanup only removes silos dead for DefunctSiloExpiration (days); call it with a cut-off
        // in the future so the freshly dead row qualifies. 10.4.2 takes the per-row CleanupDefunctSiloEntryKey path.
        var table = cluster.GetSiloServiceProvider(survivor.SiloAddress).GetRequiredService<IMembershipTable>();
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1));

        var remaining = await MembersAsync(clusterId);
        var only = Assert.Single(remaining);
        Assert.Equal((survivor.SiloAddress.Endpoint.Port, Active), (only.Port, only.Status));
    }

    [Fact]
    public async Task MembershipTable_WritesWithStaleTableVersion_AreRejectedAndChangeNothing()
    {
        var clusterId = PostgresDatabaseFixture.NewServiceId("table");
        var table = NewClusteringTable(clusterId);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);

        var empty = await table.ReadAllAsync();
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        var a = Entry(11111, SiloStatus.Joining);
        Assert.True(await table.InsertRowAsync(a, empty.Version.Next()));
        var afterInsert = await table.ReadAllAsync();
        Assert.Equal(1, afterInsert.Version.Version);
        var (storedA, etagA) = Assert.Single(afterInsert.Members);
        Assert.Equal((a.SiloAddress, a.SiloName, a.HostName, a.ProxyPort), (storedA.SiloAddress, storedA.SiloName, storedA.HostName, storedA.ProxyPort));
        Assert.Equal(afterInsert.Version.VersionEtag, etagA);

        // Another writer still holding version 0 loses, whatever it writes.
        Assert.False(await table.InsertRowAsync(Entry(22222, SiloStatus.Joining), empty.Version.Next()));
        a.Status = SiloStatus.Active;
        Assert.False(await table.UpdateRowAsync(a, empty.Version.VersionEtag, empty.Version.Next()));
        // A duplicate insert at the current version is refused without consuming the version.
        Assert.False(await table.InsertRowAsync(a, afterInsert.Version.Next()));
        var unchanged = await table.ReadAllAsync();
        Assert.Equal(1, unchanged.Version.Version);
        Assert.Equal(SiloStatus.Joining, Assert.Single(unchanged.Members).Item1.Status);

        // Orleans encodes suspicion times itself, to the millisecond; the table stores the text as given.
        var votedAt = DateTime.UtcNow;
        var suspicion = new Tuple<SiloAddress, DateTime>(
            Entry(33333, SiloStatus.Active).SiloAddress, votedAt.AddTicks(-(votedAt.Ticks % TimeSpan.TicksPerMillisecond)));
        a.SuspectTimes = [suspicion];
        Assert.True(await table.UpdateRowAsync(a, unchanged.Version.VersionEtag, unchanged.Version.Next()));
        var afterUpdate = await table.ReadRowAsync(a.SiloAddress);
        Assert.Equal(2, afterUpdate.Version.Version);
        var updated = Assert.Single(afterUpdate.Members).Item1;
        Assert.Equal(SiloStatus.Active, updated.Status);
        Assert.Equal([suspicion], updated.SuspectTimes);

        // Heartbeats never move IAmAliveTime backwards and do not change the table version.
        var later = Truncated(DateTime.UtcNow.AddMinutes(5));
        await table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = a.SiloAddress, IAmAliveTime = later });
        await table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = a.SiloAddress, IAmAliveTime = later.AddMinutes(-10) });
        var afterHeartbeat = await table.ReadRowAsync(a.SiloAddress);
        Assert.Equal(later, Assert.Single(afterHeartbeat.Members).Item1.IAmAliveTime);
        Assert.Equal(DateTimeKind.Utc, afterHeartbeat.Members[0].Item1.IAmAliveTime.Kind);
        Assert.Equal(2, afterHeartbeat.Version.Version);

        var unknown = await table.ReadRowAsync(Entry(44444, SiloStatus.Active).SiloAddress);
        Assert.Empty(unknown.Members);
        Assert.Equal(2, unknown.Version.Version);

        // A second silo initialising the same cluster finds the version row and leaves it alone.
        var second = NewClusteringTable(clusterId);
        await second.InitializeMembershipTableAsync(tryInitTableVersion: true);
        Assert.Equal(2, (await second.ReadAllAsync()).Version.Version);

        await table.DeleteMembershipTableEntriesAsync(clusterId);
        Assert.Empty(await database.QueryAsync(
            "SELECT 1 FROM orleans_membership_version WHERE deployment_id = @id UNION ALL SELECT 1 FROM orleans_membership WHERE deployment_id = @id",
            r => r.GetInt32(0), ("id", clusterId)));
    }

    [Fact]
    public async Task BulkCleanupQuery_RemovesOnlyDeadSilosSilentSinceTheCutoff()
    {
        var clusterId = PostgresDatabaseFixture.NewServiceId("bulk");
        var now = DateTime.UtcNow;
        await database.QueryAsync(
            """
            INSERT INTO orleans_membership_version (deployment_id, version) VALUES (@id, 5);
            INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                proxy_port, suspect_times, start_time, i_am_alive_time)
            VALUES (@id, '127.0.0.1', 1, 1, 'old-dead', 'h', 6, 0, 'x', @old, @old),
                   (@id, '127.0.0.1', 2, 1, 'recent-dead', 'h', 6, 0, NULL, @old, @now),
                   (@id, '127.0.0.1', 3, 1, 'old-active', 'h', 3, 0, NULL, @old, @old);
            SELECT 1;
            """,
            r => r.GetInt32(0), ("id", clusterId), ("old", now.AddDays(-8)), ("now", now));
        var cleanup = Assert.Single(await database.QueryAsync(
            "SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'CleanupDefunctSiloEntriesKey'", r => r.GetString(0)));

        // Bound the way the provider binds it: DeploymentId as a string, IAmAliveTime as DbType.DateTime (UTC).
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(cleanup, connection);
            command.Parameters.Add(new NpgsqlParameter("DeploymentId", DbType.String) { Value = clusterId });
            command.Parameters.Add(new NpgsqlParameter("IAmAliveTime", DbType.DateTime) { Value = now.AddDays(-7) });
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var left = await database.QueryAsync(
            "SELECT silo_name FROM orleans_membership WHERE deployment_id = @id ORDER BY silo_name", r => r.GetString(0), ("id", clusterId));
        Assert.Equal(["old-active", "recent-dead"], left);
    }

    private AdoNetClusteringTable NewClusteringTable(string clusterId) => new(
        new ServiceCollection().BuildServiceProvider(),
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = clusterId }),
        Options.Create(new AdoNetClusteringSiloOptions { Invariant = StorageNames.Invariant, ConnectionString = database.ConnectionString }),
        NullLogger<AdoNetClusteringTable>.Instance);

    private static MembershipEntry Entry(int port, SiloStatus status)
    {
        var now = Truncated(DateTime.UtcNow);
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 42),
            SiloName = $"silo-{port}",
            HostName = "test-host",
            Status = status,
            ProxyPort = port + 1,
            StartTime = now,
            IAmAliveTime = now,
        };
    }

    /// <summary>PostgreSQL keeps microseconds; compare at that precision.</summary>
    private static DateTime Truncated(DateTime value) => new(value.Ticks - value.Ticks % 10, DateTimeKind.Utc);

    private Task<List<Member>> MembersAsync(string clusterId) => database.QueryAsync(
        "SELECT port, generation, status, proxy_port FROM orleans_membership WHERE deployment_id = @id",
        r => new Member(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3)),
        ("id", clusterId));

    private sealed record Member(int Port, int Generation, int Status, int ProxyPort);
}

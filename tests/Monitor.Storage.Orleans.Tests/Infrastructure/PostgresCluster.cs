using Microsoft.Extensions.Configuration;
using Monitor.Core.Ports;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Monitor.Storage.Orleans.Tests.Infrastructure;

/// <summary>Names shared by the silo configuration and the test grains.</summary>
public static class StorageNames
{
    public const string Invariant = "Npgsql";

    /// <summary>ADO.NET grain storage with Orleans' default clear (the row stays, payload NULL).</summary>
    public const string Postgres = "postgres";

    /// <summary>ADO.NET grain storage with DeleteStateOnClear = true (clear deletes the row).</summary>
    public const string PostgresDeleteOnClear = "postgres-delete";
}

/// <summary>
/// Builds in-process TestClusters whose silos use the ADO.NET providers on the test database: clustering
/// (Orleans' test membership is switched off), grain storage and reminders. The client finds its gateways through
/// the same membership table. TestCluster gives every silo its own free silo and gateway ports.
/// </summary>
public static class PostgresCluster
{
    public const string ConnectionStringKey = "MonitorTests:OrleansConnectionString";

    public static TestCluster Create(string connectionString, string serviceId, short initialSilos = 1, string? clusterId = null)
    {
        var builder = new TestClusterBuilder(initialSilos);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ServiceId = serviceId;
        builder.Options.ClusterId = clusterId ?? $"{serviceId}-cluster";
        builder.ConfigureHostConfiguration(configuration => configuration.AddInMemoryCollection(
            new Dictionary<string, string?> { [ConnectionStringKey] = connectionString }));
        builder.AddSiloBuilderConfigurator<PostgresSiloConfigurator>();
        builder.AddClientBuilderConfigurator<PostgresClientConfigurator>();
        return builder.Build();
    }

    public static async Task<TestCluster> StartAsync(string connectionString, string serviceId, short initialSilos = 1, string? clusterId = null)
    {
        var cluster = Create(connectionString, serviceId, initialSilos, clusterId);
        try
        {
            await cluster.DeployAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    internal static string ConnectionString(IConfiguration configuration) =>
        configuration[ConnectionStringKey]
        ?? throw new InvalidOperationException($"{ConnectionStringKey} missing from the test cluster's configuration.");
}

public sealed class PostgresSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        var connectionString = PostgresCluster.ConnectionString(siloBuilder.Configuration);
        siloBuilder
            .UseAdoNetClustering(options =>
            {
                options.Invariant = StorageNames.Invariant;
                options.ConnectionString = connectionString;
            })
            .AddAdoNetGrainStorage(StorageNames.Postgres, options =>
            {
                options.Invariant = StorageNames.Invariant;
                options.ConnectionString = connectionString;
            })
            .AddAdoNetGrainStorage(StorageNames.PostgresDeleteOnClear, options =>
            {
                options.Invariant = StorageNames.Invariant;
                options.ConnectionString = connectionString;
                options.DeleteStateOnClear = true;
            })
            .UseAdoNetReminderService(options =>
            {
                options.Invariant = StorageNames.Invariant;
                options.ConnectionString = connectionString;
            })
            .Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1))
            .Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 2;
                options.NumVotesForDeathDeclaration = 1;
                options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            });
    }
}

public sealed class PostgresClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
    {
        var connectionString = PostgresCluster.ConnectionString(configuration);
        clientBuilder.UseAdoNetClustering(options =>
        {
            options.Invariant = StorageNames.Invariant;
            options.ConnectionString = connectionString;
        });
    }
}

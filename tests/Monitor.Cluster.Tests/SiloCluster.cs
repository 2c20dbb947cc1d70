namespace Monitor.Cluster.Tests;

/// <summary>
/// Silos of one Orleans cluster (ADO.NET membership) on a database of their own, each a real server process, with
/// the fast membership timing a test wants: a killed silo is declared dead in about two seconds.
/// </summary>
internal sealed class SiloCluster : IAsyncDisposable
{
    private readonly string[] _directories;
    private readonly ServerProcess[] _silos;

    private SiloCluster(string connectionString, string[] directories, ServerProcess[] silos)
    {
        ConnectionString = connectionString;
        _directories = directories;
        _silos = silos;
    }

    public string ConnectionString { get; }

    public ServerProcess this[int index] => _silos[index];

    /// <param name="settings">Settings every silo gets besides the cluster's own.</param>
    public static async Task<SiloCluster> StartAsync(int silos, params string[] settings)
    {
        string connectionString = await TestPostgres.CreateDatabaseAsync("cluster");
        string[] directories = [.. Enumerable.Range(0, silos).Select(_ => Directory.CreateTempSubdirectory("monitor-silo-").FullName)];
        var started = await Task.WhenAll(directories.Select(d => ServerProcess.StartAsync(d, [.. Settings(connectionString), .. settings])));
        return new SiloCluster(connectionString, directories, started);
    }

    /// <summary>The index of <paramref name="silo"/>.</summary>
    public int Index(ServerProcess silo) => Array.IndexOf(_silos, silo);

    /// <summary>The index of the silo whose process has the id <paramref name="processId"/>, or -1.</summary>
    public int IndexOfProcess(int processId) => Array.FindIndex(_silos, s => s.Id == processId);

    /// <summary>kill -9: the silo leaves without a word, and the others must find out.</summary>
    public Task KillAsync(int index) => _silos[index].KillAsync();

    /// <summary>Stops a silo gracefully (SIGTERM) and starts it again at the same address.</summary>
    public async Task RestartAsync(int index)
    {
        var silo = _silos[index];
        await silo.StopAsync();
        await silo.DisposeAsync();
        _silos[index] = await ServerProcess.StartAsync(_directories[index], silo.BaseAddress, Settings(ConnectionString));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await TestPostgres.DropDatabaseAsync(ConnectionString);
        foreach (string directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string[] Settings(string connectionString) =>
    [
        "--Monitor:Storage:Provider=postgres",
        $"--ConnectionStrings:Monitor={connectionString}",
        "--Monitor:Cluster:Mode=adonet",
        "--Monitor:Cluster:Membership:ProbeTimeout=00:00:01",
        "--Monitor:Cluster:Membership:NumMissedProbesLimit=2",
        "--Monitor:Cluster:Membership:NumVotesForDeathDeclaration=1",
        "--Monitor:Cluster:Membership:TableRefreshTimeout=00:00:02",
        "--Monitor:Webhooks:AllowPrivateNetworks=true",
    ];
}

using Monitor.Storage;

namespace Monitor.Grains.Tests;

/// <summary>A real SQLite store in a temporary directory of its own, deleted with it.</summary>
public sealed class TemporaryStore : IAsyncDisposable
{
    private readonly string _directory;

    private TemporaryStore(string directory, MonitorStore store) => (_directory, Store) = (directory, store);

    public MonitorStore Store { get; }

    /// <summary>The SQLite file of <see cref="Store"/>.</summary>
    public string DatabasePath => PathIn(_directory);

    public static async Task<TemporaryStore> OpenAsync()
    {
        var directory = Directory.CreateTempSubdirectory("monitor-grains-").FullName;
        return new TemporaryStore(directory, await MonitorStore.OpenAsync(new StorageOptions { Sqlite = { Path = PathIn(directory) } }));
    }

    private static string PathIn(string directory) => Path.Combine(directory, "monitor.db");

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}

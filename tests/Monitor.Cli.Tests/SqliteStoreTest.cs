using Monitor.Storage;

namespace Monitor.Cli.Tests;

/// <summary>A test class whose every test gets a fresh SQLite store in a folder of its own, deleted afterwards.</summary>
public abstract class SqliteStoreTest(string folderPrefix) : IAsyncLifetime
{
    protected DirectoryInfo Folder { get; } = Directory.CreateTempSubdirectory(folderPrefix);

    protected MonitorStore Store { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Store = MonitorStore.OpenSqlite(Path.Combine(Folder.FullName, "monitor.db"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        Folder.Delete(recursive: true);
    }
}

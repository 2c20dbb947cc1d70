using Microsoft.Data.Sqlite;
using Orleans.Serialization;
using Orleans.Storage;

namespace Monitor.Server.Hosting;

/// <summary>
/// Orleans grain storage in the embedded SQLite database, for the single-node default (Orleans ships no SQLite
/// provider). State is the Orleans binary serialization of the grain's state; the ETag is a version number, so
/// a write from a stale activation fails instead of overwriting newer state.
/// </summary>
/// <remarks>
/// One connection, one operation at a time: grains that write together (their timers run in step) queue here
/// instead of colliding on SQLite's file lock, whose busy retries would stall each waiting grain for far longer.
/// WAL with synchronous=NORMAL, as the store: safe across a process crash.
/// </remarks>
public sealed class SqliteGrainStorage : IGrainStorage, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Serializer _serializer;

    public SqliteGrainStorage(string path, Serializer serializer)
    {
        _serializer = serializer;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute(_connection, """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS grain_state (
                state_name TEXT NOT NULL,
                grain_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                payload BLOB NOT NULL,
                PRIMARY KEY (state_name, grain_id)) WITHOUT ROWID;
            """);
    }

    /// <summary>The grain state file for a store at <paramref name="storePath"/>: data/monitor.db gives data/monitor.grains.db.</summary>
    public static string PathBeside(string storePath) => Path.ChangeExtension(storePath, ".grains.db");

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        OneAtATimeAsync(() => ReadState(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        OneAtATimeAsync(() => WriteState(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        OneAtATimeAsync(() => ClearState(stateName, grainId, grainState));

    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    private async Task OneAtATimeAsync(Action operation)
    {
        await _gate.WaitAsync();
        try
        {
            operation();
        }
        finally
        {
            _gate.Release();
        }
    }

    private void ReadState<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT version, payload FROM grain_state WHERE state_name = $name AND grain_id = $id";
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.ETag = reader.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.State = _serializer.Deserialize<T>((byte[])reader.GetValue(1));
        grainState.RecordExists = true;
    }

    private void WriteState<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        long expected = grainState.ETag is null ? 0 : long.Parse(grainState.ETag, System.Globalization.CultureInfo.InvariantCulture);
        using var command = _connection.CreateCommand();
        command.CommandText = expected == 0
            ? "INSERT INTO grain_state (state_name, grain_id, version, payload) VALUES ($name, $id, 1, $payload) ON CONFLICT DO NOTHING"
            : "UPDATE grain_state SET version = version + 1, payload = $payload WHERE state_name = $name AND grain_id = $id AND version = $version";
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.Parameters.AddWithValue("$version", expected);
        command.Parameters.AddWithValue("$payload", _serializer.SerializeToArray(grainState.State));
        if (command.ExecuteNonQuery() != 1)
        {
            throw new InconsistentStateException(
                $"state '{stateName}' of {grainId} changed since version {expected} was read", "unknown", grainState.ETag ?? "none");
        }

        grainState.ETag = (expected + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    private void ClearState<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "DELETE FROM grain_state WHERE state_name = $name AND grain_id = $id";
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.ExecuteNonQuery();
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

using System.Collections.Concurrent;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Npgsql;

namespace Monitor.Storage.Postgres;

/// <summary>The PostgreSQL store's connections (one <see cref="NpgsqlDataSource"/>) and its instrument ids.</summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> _instrumentIds = new(StringComparer.Ordinal);

    public PostgresDatabase(string connectionString)
    {
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The id of an instrument, or null if nothing was ever stored for it.</summary>
    public async ValueTask<int?> FindInstrumentIdAsync(NpgsqlConnection connection, InstrumentId instrument, CancellationToken cancellationToken)
    {
        if (_instrumentIds.TryGetValue(instrument.Value, out int id))
        {
            return id;
        }

        await using var command = new NpgsqlCommand("SELECT id FROM instruments WHERE name = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = instrument.Value });
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int found)
        {
            _instrumentIds.TryAdd(instrument.Value, found);
            return found;
        }

        return null;
    }

    /// <summary>The id of an instrument, added if new. Call outside a transaction, so a cached id is a committed one.</summary>
    public async ValueTask<int> GetOrAddInstrumentIdAsync(NpgsqlConnection connection, InstrumentId instrument, CancellationToken cancellationToken)
    {
        if (_instrumentIds.TryGetValue(instrument.Value, out int id))
        {
            return id;
        }

        // Two statements, so the SELECT takes a fresh snapshot and sees a row another silo inserted concurrently.
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("INSERT INTO instruments (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
                {
                    Parameters = { new NpgsqlParameter<string> { TypedValue = instrument.Value } },
                },
                new NpgsqlBatchCommand("SELECT id FROM instruments WHERE name = $1")
                {
                    Parameters = { new NpgsqlParameter<string> { TypedValue = instrument.Value } },
                },
            },
        };
        id = (int)(await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        _instrumentIds.TryAdd(instrument.Value, id);
        return id;
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}

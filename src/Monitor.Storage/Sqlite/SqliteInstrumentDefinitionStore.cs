using Monitor.Core.Market;
using Monitor.Core.Ports;

namespace Monitor.Storage.Sqlite;

/// <summary>The instrument registry, one row per instrument, replaced in place.</summary>
internal sealed class SqliteInstrumentDefinitionStore(SqliteDatabase database) : IInstrumentDefinitionStore
{
    public Task PutAsync(IReadOnlyCollection<InstrumentDefinition> definitions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        return database.WriteAsync(
            (connection, transaction) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO instrument_definitions (id, definition) VALUES ($id, $definition)
                    ON CONFLICT (id) DO UPDATE SET definition = excluded.definition
                    """;
                var id = command.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Text);
                var definition = command.Parameters.Add("$definition", Microsoft.Data.Sqlite.SqliteType.Text);
                foreach (var instrument in definitions)
                {
                    id.Value = instrument.Id.Value;
                    definition.Value = StoredInstrumentDefinitions.Serialize(instrument);
                    command.ExecuteNonQuery();
                }

                return definitions.Count;
            },
            cancellationToken);
    }

    public async Task<bool> RemoveAsync(InstrumentId id, CancellationToken cancellationToken = default) =>
        await database.WriteAsync(
            (connection, transaction) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "DELETE FROM instrument_definitions WHERE id = $id";
                command.Parameters.AddWithValue("$id", id.Value);
                return command.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false) > 0;

    public Task<IReadOnlyList<InstrumentDefinition>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, definition FROM instrument_definitions ORDER BY id";
        using var reader = command.ExecuteReader();
        var definitions = new List<InstrumentDefinition>();
        while (reader.Read())
        {
            definitions.Add(StoredInstrumentDefinitions.Deserialize(reader.GetString(0), reader.GetString(1)));
        }

        return Task.FromResult<IReadOnlyList<InstrumentDefinition>>(definitions);
    }
}

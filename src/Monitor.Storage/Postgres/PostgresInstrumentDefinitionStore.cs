using Monitor.Core.Market;
using Monitor.Core.Ports;
using static Monitor.Storage.Postgres.PostgresParameters;

namespace Monitor.Storage.Postgres;

/// <summary>The instrument registry, one row per instrument, replaced in place.</summary>
internal sealed class PostgresInstrumentDefinitionStore(PostgresDatabase database) : IInstrumentDefinitionStore
{
    public async Task PutAsync(IReadOnlyCollection<InstrumentDefinition> definitions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        await using var command = database.DataSource.CreateCommand(
            """
            INSERT INTO instrument_definitions (id, definition) SELECT * FROM unnest($1::text[], $2::text[])
            ON CONFLICT (id) DO UPDATE SET definition = excluded.definition
            """);
        command.Parameters.Add(TextArray([.. definitions.Select(d => d.Id.Value)]));
        command.Parameters.Add(TextArray([.. definitions.Select(StoredInstrumentDefinitions.Serialize)]));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemoveAsync(InstrumentId id, CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand("DELETE FROM instrument_definitions WHERE id = $1");
        command.Parameters.Add(Text(id.Value));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<IReadOnlyList<InstrumentDefinition>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand("SELECT id, definition FROM instrument_definitions ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var definitions = new List<InstrumentDefinition>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            definitions.Add(StoredInstrumentDefinitions.Deserialize(reader.GetString(0), reader.GetString(1)));
        }

        return definitions;
    }
}

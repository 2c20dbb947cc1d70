using System.Runtime.CompilerServices;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Npgsql;
using NpgsqlTypes;

namespace Monitor.Storage.Postgres;

internal sealed class PostgresInventoryStore(PostgresDatabase database) : IInventoryStore
{
    /// <summary>Advisory lock (transaction scope) that serializes inventory appends across silos, so
    /// max(version) + 1 never races and arrival follows commit order. Inventory arrives a few values at a time.</summary>
    private const long AppendLockKey = 0x4D6F6E5F496E7601; // "Mon_Inv" + 1

    private const string Columns = "series, as_of, published_at, quantity, unit, received_at, version";

    public async ValueTask AppendAsync(IReadOnlyList<InventoryValue> values, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        StoredNumbers.RequireFinite(values);
        if (values.Count == 0)
        {
            return;
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var ids = new int[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            ids[i] = await database.GetOrAddInstrumentIdAsync(connection, values[i].Instrument, cancellationToken).ConfigureAwait(false);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)") { Parameters = { new NpgsqlParameter<long> { TypedValue = AppendLockKey } } },
            },
        };
        var received = UnixMicros.ToUtcDateTime(receivedAt);
        for (int i = 0; i < values.Count; i++)
        {
            var value = values[i];
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO inventory (instrument_id, series, as_of, version, published_at, quantity, unit, received_at)
                SELECT $1, $2, $3, coalesce(max(version), 0) + 1, $4, $5, $6, $7
                FROM inventory WHERE instrument_id = $1 AND series = $2 AND as_of = $3
                """)
            {
                Parameters =
                {
                    new NpgsqlParameter<int> { TypedValue = ids[i] },
                    new NpgsqlParameter<string> { TypedValue = value.Series },
                    new NpgsqlParameter<DateOnly> { TypedValue = value.AsOf },
                    new NpgsqlParameter<DateTime> { TypedValue = UnixMicros.ToUtcDateTime(value.PublishedAt), NpgsqlDbType = NpgsqlDbType.TimestampTz },
                    new NpgsqlParameter<double> { TypedValue = value.Quantity },
                    new NpgsqlParameter<string> { TypedValue = value.Unit.Symbol() },
                    new NpgsqlParameter<DateTime> { TypedValue = received, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                },
            });
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredInventory>> ReadAsync(
        InstrumentId instrument, string series, DateOnly from, DateOnly to, bool allVersions, CancellationToken cancellationToken = default)
    {
        var values = new List<StoredInventory>();
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await database.FindInstrumentIdAsync(connection, instrument, cancellationToken).ConfigureAwait(false) is not { } id)
        {
            return values;
        }

        string sql = allVersions
            ? $"""
               SELECT {Columns} FROM inventory
               WHERE instrument_id = $1 AND series = $2 AND as_of >= $3 AND as_of <= $4
               ORDER BY as_of, version
               """
            : $"""
               SELECT DISTINCT ON (as_of) {Columns} FROM inventory
               WHERE instrument_id = $1 AND series = $2 AND as_of >= $3 AND as_of <= $4
               ORDER BY as_of, version DESC
               """;
        await using var command = new NpgsqlCommand(sql, connection)
        {
            Parameters =
            {
                new NpgsqlParameter<int> { TypedValue = id },
                new NpgsqlParameter<string> { TypedValue = series },
                new NpgsqlParameter<DateOnly> { TypedValue = from },
                new NpgsqlParameter<DateOnly> { TypedValue = to },
            },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            values.Add(ReadValue(reader, instrument));
        }

        return values;
    }

    public async IAsyncEnumerable<StoredInventory> ReadPublishedAsync(
        InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await database.FindInstrumentIdAsync(connection, instrument, cancellationToken).ConfigureAwait(false) is not { } id)
        {
            yield break;
        }

        await using var command = new NpgsqlCommand(
            $"""
            SELECT {Columns} FROM inventory
            WHERE instrument_id = $1 AND published_at >= $2 AND published_at < $3
            ORDER BY published_at, series COLLATE "C", as_of, version
            """,
            connection)
        {
            Parameters =
            {
                new NpgsqlParameter<int> { TypedValue = id },
                new NpgsqlParameter<DateTime> { TypedValue = UnixMicros.ToUtcDateTime(from), NpgsqlDbType = NpgsqlDbType.TimestampTz },
                new NpgsqlParameter<DateTime> { TypedValue = UnixMicros.ToUtcDateTime(to), NpgsqlDbType = NpgsqlDbType.TimestampTz },
            },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadValue(reader, instrument);
        }
    }

    private static StoredInventory ReadValue(NpgsqlDataReader reader, InstrumentId instrument)
    {
        var value = new InventoryValue(
            instrument,
            reader.GetString(0),
            reader.GetFieldValue<DateOnly>(1),
            new DateTimeOffset(reader.GetFieldValue<DateTime>(2)),
            reader.GetDouble(3),
            StoredUnits.Parse(reader.GetString(4)));
        return new StoredInventory(value, new DateTimeOffset(reader.GetFieldValue<DateTime>(5)), reader.GetInt32(6));
    }
}

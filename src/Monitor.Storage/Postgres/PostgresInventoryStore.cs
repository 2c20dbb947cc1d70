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

    private const string Columns = "series, as_of, published_at, quantity, unit, received_at, version, location";

    public async ValueTask AppendAsync(IReadOnlyList<InventoryValue> values, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        StoredNumbers.RequireFinite(values);
        if (values.Count == 0)
        {
            return;
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await AddInstrumentsAsync(database, connection, values, cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await InsertAsync(database, connection, transaction, values, receivedAt, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives the values' instruments their ids before a transaction stores the values (an id is added outside
    /// any transaction, so the id cache never holds one a rollback took back).</summary>
    internal static async Task AddInstrumentsAsync(PostgresDatabase database, NpgsqlConnection connection, IReadOnlyList<InventoryValue> values, CancellationToken cancellationToken)
    {
        foreach (var value in values)
        {
            await database.GetOrAddInstrumentIdAsync(connection, value.Instrument, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Inserts the values in <paramref name="transaction"/>, each as the next version of its key; their
    /// instruments have ids (<see cref="AddInstrumentsAsync"/>).</summary>
    internal static async Task InsertAsync(
        PostgresDatabase database, NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<InventoryValue> values, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        StoredNumbers.RequireFinite(values);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)") { Parameters = { new NpgsqlParameter<long> { TypedValue = AppendLockKey } } },
            },
        };
        var received = UnixMicros.ToUtcDateTime(receivedAt);
        foreach (var value in values)
        {
            int id = await database.GetOrAddInstrumentIdAsync(connection, value.Instrument, cancellationToken).ConfigureAwait(false);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO inventory (instrument_id, series, location, location_key, as_of, version, published_at, quantity, unit, received_at)
                SELECT $1, $2, $8, $9, $3, coalesce(max(version), 0) + 1, $4, $5, $6, $7
                FROM inventory WHERE instrument_id = $1 AND series = $2 AND location_key = $9 AND as_of = $3
                """)
            {
                Parameters =
                {
                    new NpgsqlParameter<int> { TypedValue = id },
                    new NpgsqlParameter<string> { TypedValue = value.Series },
                    new NpgsqlParameter<DateOnly> { TypedValue = value.AsOf },
                    new NpgsqlParameter<DateTime> { TypedValue = UnixMicros.ToUtcDateTime(value.PublishedAt), NpgsqlDbType = NpgsqlDbType.TimestampTz },
                    new NpgsqlParameter<double> { TypedValue = value.Quantity },
                    new NpgsqlParameter<string> { TypedValue = value.Unit.Symbol() },
                    new NpgsqlParameter<DateTime> { TypedValue = received, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                    new NpgsqlParameter { Value = (object?)value.Location ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                    new NpgsqlParameter<string> { TypedValue = InventoryLocation.Key(value.Location) },
                },
            });
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<StoredInventory>> ReadAsync(
        InstrumentId instrument, string series, string? location, DateOnly from, DateOnly to, bool allVersions, CancellationToken cancellationToken = default) =>
        ReadAsync(
            instrument,
            allVersions
                ? $"""
                   SELECT {Columns} FROM inventory
                   WHERE instrument_id = $1 AND series = $2 AND location_key = $3 AND as_of >= $4 AND as_of <= $5
                   ORDER BY as_of, version
                   """
                : $"""
                   SELECT DISTINCT ON (as_of) {Columns} FROM inventory
                   WHERE instrument_id = $1 AND series = $2 AND location_key = $3 AND as_of >= $4 AND as_of <= $5
                   ORDER BY as_of, version DESC
                   """,
            [
                new NpgsqlParameter<string> { TypedValue = series },
                new NpgsqlParameter<string> { TypedValue = InventoryLocation.Key(location) },
                new NpgsqlParameter<DateOnly> { TypedValue = from },
                new NpgsqlParameter<DateOnly> { TypedValue = to },
            ],
            cancellationToken);

    public Task<IReadOnlyList<StoredInventory>> ReadLatestVersionsAsync(InstrumentId instrument, DateOnly from, DateOnly to, CancellationToken cancellationToken = default) =>
        ReadAsync(
            instrument,
            $"""
             SELECT DISTINCT ON (series, location_key, as_of) {Columns} FROM inventory
             WHERE instrument_id = $1 AND as_of >= $2 AND as_of <= $3
             ORDER BY series, location_key, as_of, version DESC
             """,
            [new NpgsqlParameter<DateOnly> { TypedValue = from }, new NpgsqlParameter<DateOnly> { TypedValue = to }],
            cancellationToken);

    public Task<IReadOnlyList<StoredInventory>> ReadNewestAsync(InstrumentId instrument, string? series, CancellationToken cancellationToken = default) =>
        ReadAsync(
            instrument,
            $"""
             SELECT DISTINCT ON (series COLLATE "C", location_key COLLATE "C") {Columns} FROM inventory
             WHERE instrument_id = $1 AND ($2::text IS NULL OR series = $2)
             ORDER BY series COLLATE "C", location_key COLLATE "C", as_of DESC, version DESC
             """,
            [new NpgsqlParameter { Value = (object?)series ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text }],
            cancellationToken);

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
            ORDER BY published_at, series COLLATE "C", location_key COLLATE "C", as_of, version
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

    /// <summary>Runs a query over one instrument's rows (<c>$1</c>, then <paramref name="parameters"/> as $2...) and reads every row.</summary>
    private async Task<IReadOnlyList<StoredInventory>> ReadAsync(
        InstrumentId instrument, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        var values = new List<StoredInventory>();
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await database.FindInstrumentIdAsync(connection, instrument, cancellationToken).ConfigureAwait(false) is not { } id)
        {
            return values;
        }

        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter<int> { TypedValue = id } } };
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            values.Add(ReadValue(reader, instrument));
        }

        return values;
    }

    private static StoredInventory ReadValue(NpgsqlDataReader reader, InstrumentId instrument)
    {
        var value = new InventoryValue(
            instrument,
            reader.GetString(0),
            reader.GetFieldValue<DateOnly>(1),
            new DateTimeOffset(reader.GetFieldValue<DateTime>(2)),
            reader.GetDouble(3),
            StoredUnits.Parse(reader.GetString(4)))
        {
            Location = reader.IsDBNull(7) ? null : reader.GetString(7),
        };
        return new StoredInventory(value, new DateTimeOffset(reader.GetFieldValue<DateTime>(5)), reader.GetInt32(6));
    }
}

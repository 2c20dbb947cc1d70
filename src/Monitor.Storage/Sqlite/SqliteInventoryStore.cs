using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Monitor.Core.Market;
using Monitor.Core.Ports;

namespace Monitor.Storage.Sqlite;

internal sealed class SqliteInventoryStore(SqliteDatabase database) : IInventoryStore
{
    private const string DateFormat = "yyyy-MM-dd";
    private const string Columns = "series, as_of, published_at, quantity, unit, received_at, version, location";

    /// <summary>The latest version of the row's key (rows aliased <c>i</c>).</summary>
    private const string LatestVersion = """
        version = (SELECT max(version) FROM inventory l
                   WHERE l.instrument_id = i.instrument_id AND l.series = i.series AND l.location_key = i.location_key AND l.as_of = i.as_of)
        """;

    public async ValueTask AppendAsync(IReadOnlyList<InventoryValue> values, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        StoredNumbers.RequireFinite(values);
        if (values.Count == 0)
        {
            return;
        }

        await AddInstrumentsAsync(database, values, cancellationToken).ConfigureAwait(false);
        using var transaction = await SqliteWriteTransaction.BeginAsync(database, cancellationToken).ConfigureAwait(false);
        Insert(database, transaction.Transaction, values, receivedAt);
        transaction.Commit();
    }

    /// <summary>Gives the values' instruments their ids before a transaction stores the values (<see cref="SqliteDatabase.GetOrAddInstrumentId"/>
    /// adds an id in a transaction of its own: an id is never taken back).</summary>
    internal static async Task AddInstrumentsAsync(SqliteDatabase database, IReadOnlyList<InventoryValue> values, CancellationToken cancellationToken)
    {
        await database.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var value in values)
            {
                database.GetOrAddInstrumentId(value.Instrument);
            }
        }
        finally
        {
            database.WriteLock.Release();
        }
    }

    /// <summary>Inserts the values in <paramref name="transaction"/> on the writer, each as the next version of its key;
    /// their instruments have ids (<see cref="AddInstrumentsAsync"/>).</summary>
    internal static void Insert(SqliteDatabase database, SqliteTransaction transaction, IReadOnlyList<InventoryValue> values, DateTimeOffset receivedAt)
    {
        StoredNumbers.RequireFinite(values);
        using var command = database.Writer.CreateCommand();
        command.Transaction = transaction;
        // The single writer makes max(version) + 1 safe; arrival (the rowid) increases with every row.
        command.CommandText = """
            INSERT INTO inventory (instrument_id, series, location, location_key, as_of, version, published_at, quantity, unit, received_at)
            SELECT $id, $series, $location, $locationKey, $asOf, coalesce(max(version), 0) + 1, $publishedAt, $quantity, $unit, $receivedAt
            FROM inventory WHERE instrument_id = $id AND series = $series AND location_key = $locationKey AND as_of = $asOf
            """;
        var id = command.Parameters.Add("$id", SqliteType.Integer);
        var series = command.Parameters.Add("$series", SqliteType.Text);
        var location = command.Parameters.Add("$location", SqliteType.Text);
        var locationKey = command.Parameters.Add("$locationKey", SqliteType.Text);
        var asOf = command.Parameters.Add("$asOf", SqliteType.Text);
        var publishedAt = command.Parameters.Add("$publishedAt", SqliteType.Integer);
        var quantity = command.Parameters.Add("$quantity", SqliteType.Real);
        var unit = command.Parameters.Add("$unit", SqliteType.Text);
        command.Parameters.AddWithValue("$receivedAt", UnixMicros.From(receivedAt));
        foreach (var value in values)
        {
            id.Value = database.GetOrAddInstrumentId(value.Instrument);
            series.Value = value.Series;
            location.Value = (object?)value.Location ?? DBNull.Value;
            locationKey.Value = InventoryLocation.Key(value.Location);
            asOf.Value = FormatDate(value.AsOf);
            publishedAt.Value = UnixMicros.From(value.PublishedAt);
            quantity.Value = value.Quantity;
            unit.Value = value.Unit.Symbol();
            command.ExecuteNonQuery();
        }
    }

    public Task<IReadOnlyList<StoredInventory>> ReadAsync(
        InstrumentId instrument, string series, string? location, DateOnly from, DateOnly to, bool allVersions, CancellationToken cancellationToken = default) =>
        Read(
            instrument,
            $"""
             SELECT {Columns} FROM inventory i
             WHERE instrument_id = $id AND series = $series AND location_key = $locationKey AND as_of >= $from AND as_of <= $to
             {(allVersions ? "" : "AND " + LatestVersion)}
             ORDER BY as_of, version
             """,
            command =>
            {
                command.Parameters.AddWithValue("$series", series);
                command.Parameters.AddWithValue("$locationKey", InventoryLocation.Key(location));
                command.Parameters.AddWithValue("$from", FormatDate(from));
                command.Parameters.AddWithValue("$to", FormatDate(to));
            },
            cancellationToken);

    public Task<IReadOnlyList<StoredInventory>> ReadLatestVersionsAsync(InstrumentId instrument, DateOnly from, DateOnly to, CancellationToken cancellationToken = default) =>
        Read(
            instrument,
            $"SELECT {Columns} FROM inventory i WHERE instrument_id = $id AND as_of >= $from AND as_of <= $to AND {LatestVersion}",
            command =>
            {
                command.Parameters.AddWithValue("$from", FormatDate(from));
                command.Parameters.AddWithValue("$to", FormatDate(to));
            },
            cancellationToken);

    public Task<IReadOnlyList<StoredInventory>> ReadNewestAsync(InstrumentId instrument, string? series, CancellationToken cancellationToken = default) =>
        Read(
            instrument,
            $"""
             SELECT {Columns} FROM inventory i
             WHERE instrument_id = $id {(series is null ? "" : "AND series = $series")}
               AND arrival = (SELECT arrival FROM inventory l
                              WHERE l.instrument_id = i.instrument_id AND l.series = i.series AND l.location_key = i.location_key
                              ORDER BY as_of DESC, version DESC LIMIT 1)
             ORDER BY series, location_key
             """,
            command =>
            {
                if (series is not null)
                {
                    command.Parameters.AddWithValue("$series", series);
                }
            },
            cancellationToken);

    public async IAsyncEnumerable<StoredInventory> ReadPublishedAsync(
        InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReader();
        if (database.FindInstrumentId(connection, instrument) is not { } id)
        {
            yield break;
        }

        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM inventory
            WHERE instrument_id = $id AND published_at >= $from AND published_at < $to
            ORDER BY published_at, series, location_key, as_of, version
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$from", UnixMicros.From(from));
        command.Parameters.AddWithValue("$to", UnixMicros.From(to));
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadValue(reader, instrument);
        }
    }

    /// <summary>Runs a query over one instrument's rows (<c>$id</c>) and reads every row it gives.</summary>
    private Task<IReadOnlyList<StoredInventory>> Read(
        InstrumentId instrument, string sql, Action<SqliteCommand> parameters, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        var values = new List<StoredInventory>();
        if (database.FindInstrumentId(connection, instrument) is not { } id)
        {
            return Task.FromResult<IReadOnlyList<StoredInventory>>(values);
        }

        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        parameters(command);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            values.Add(ReadValue(reader, instrument));
        }

        return Task.FromResult<IReadOnlyList<StoredInventory>>(values);
    }

    private static string FormatDate(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    private static StoredInventory ReadValue(SqliteDataReader reader, InstrumentId instrument)
    {
        var value = new InventoryValue(
            instrument,
            reader.GetString(0),
            DateOnly.ParseExact(reader.GetString(1), DateFormat, CultureInfo.InvariantCulture),
            UnixMicros.ToTime(reader.GetInt64(2)),
            reader.GetDouble(3),
            StoredUnits.Parse(reader.GetString(4)))
        {
            Location = reader.IsDBNull(7) ? null : reader.GetString(7),
        };
        return new StoredInventory(value, UnixMicros.ToTime(reader.GetInt64(5)), reader.GetInt32(6));
    }
}

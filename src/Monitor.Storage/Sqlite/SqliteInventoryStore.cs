using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Monitor.Core.Market;
using Monitor.Core.Ports;

namespace Monitor.Storage.Sqlite;

internal sealed class SqliteInventoryStore(SqliteDatabase database) : IInventoryStore
{
    private const string DateFormat = "yyyy-MM-dd";
    private const string Columns = "series, as_of, published_at, quantity, unit, received_at, version";

    public async ValueTask AppendAsync(IReadOnlyList<InventoryValue> values, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        StoredNumbers.RequireFinite(values);
        if (values.Count == 0)
        {
            return;
        }

        await database.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var ids = new long[values.Count];
            for (int i = 0; i < values.Count; i++)
            {
                ids[i] = database.GetOrAddInstrumentId(values[i].Instrument);
            }

            var connection = database.Writer;
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            // The single writer makes max(version) + 1 safe; arrival (the rowid) increases with every row.
            command.CommandText = """
                INSERT INTO inventory (instrument_id, series, as_of, version, published_at, quantity, unit, received_at)
                SELECT $id, $series, $asOf, coalesce(max(version), 0) + 1, $publishedAt, $quantity, $unit, $receivedAt
                FROM inventory WHERE instrument_id = $id AND series = $series AND as_of = $asOf
                """;
            var id = command.Parameters.Add("$id", SqliteType.Integer);
            var series = command.Parameters.Add("$series", SqliteType.Text);
            var asOf = command.Parameters.Add("$asOf", SqliteType.Text);
            var publishedAt = command.Parameters.Add("$publishedAt", SqliteType.Integer);
            var quantity = command.Parameters.Add("$quantity", SqliteType.Real);
            var unit = command.Parameters.Add("$unit", SqliteType.Text);
            command.Parameters.AddWithValue("$receivedAt", UnixMicros.From(receivedAt));
            for (int i = 0; i < values.Count; i++)
            {
                var value = values[i];
                id.Value = ids[i];
                series.Value = value.Series;
                asOf.Value = FormatDate(value.AsOf);
                publishedAt.Value = UnixMicros.From(value.PublishedAt);
                quantity.Value = value.Quantity;
                unit.Value = value.Unit.Symbol();
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        finally
        {
            database.WriteLock.Release();
        }
    }

    public Task<IReadOnlyList<StoredInventory>> ReadAsync(
        InstrumentId instrument, string series, DateOnly from, DateOnly to, bool allVersions, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        var values = new List<StoredInventory>();
        if (database.FindInstrumentId(connection, instrument) is not { } id)
        {
            return Task.FromResult<IReadOnlyList<StoredInventory>>(values);
        }

        using var command = connection.CreateCommand();
        command.CommandText = allVersions
            ? $"""
               SELECT {Columns} FROM inventory
               WHERE instrument_id = $id AND series = $series AND as_of >= $from AND as_of <= $to
               ORDER BY as_of, version
               """
            : $"""
               SELECT {Columns} FROM inventory i
               WHERE instrument_id = $id AND series = $series AND as_of >= $from AND as_of <= $to
                 AND version = (SELECT max(version) FROM inventory l
                                WHERE l.instrument_id = i.instrument_id AND l.series = i.series AND l.as_of = i.as_of)
               ORDER BY as_of
               """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$series", series);
        command.Parameters.AddWithValue("$from", FormatDate(from));
        command.Parameters.AddWithValue("$to", FormatDate(to));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            values.Add(ReadValue(reader, instrument));
        }

        return Task.FromResult<IReadOnlyList<StoredInventory>>(values);
    }

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
            ORDER BY published_at, series, as_of, version
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

    private static string FormatDate(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    private static StoredInventory ReadValue(SqliteDataReader reader, InstrumentId instrument)
    {
        var value = new InventoryValue(
            instrument,
            reader.GetString(0),
            DateOnly.ParseExact(reader.GetString(1), DateFormat, CultureInfo.InvariantCulture),
            UnixMicros.ToTime(reader.GetInt64(2)),
            reader.GetDouble(3),
            StoredUnits.Parse(reader.GetString(4)));
        return new StoredInventory(value, UnixMicros.ToTime(reader.GetInt64(5)), reader.GetInt32(6));
    }
}

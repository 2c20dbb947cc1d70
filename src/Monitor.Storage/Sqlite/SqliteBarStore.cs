using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Monitor.Core.Market;
using Monitor.Core.Ports;

namespace Monitor.Storage.Sqlite;

internal sealed class SqliteBarStore(SqliteDatabase database) : IBarStore
{
    public async ValueTask UpsertAsync(InstrumentId instrument, BarInterval interval, IReadOnlyList<Bar> bars, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bars);
        StoredNumbers.RequireFinite(instrument, bars);
        if (bars.Count == 0)
        {
            return;
        }

        await database.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long id = database.GetOrAddInstrumentId(instrument);
            var connection = database.Writer;
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO bars (instrument_id, bar_interval, time, open, high, low, close, volume)
                VALUES ($id, $interval, $time, $open, $high, $low, $close, $volume)
                ON CONFLICT (instrument_id, bar_interval, time) DO UPDATE SET
                    open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume
                """;
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$interval", interval.Name);
            var time = command.Parameters.Add("$time", SqliteType.Integer);
            var open = command.Parameters.Add("$open", SqliteType.Real);
            var high = command.Parameters.Add("$high", SqliteType.Real);
            var low = command.Parameters.Add("$low", SqliteType.Real);
            var close = command.Parameters.Add("$close", SqliteType.Real);
            var volume = command.Parameters.Add("$volume", SqliteType.Real);
            foreach (var bar in bars)
            {
                time.Value = UnixMicros.From(bar.Time);
                open.Value = bar.Open;
                high.Value = bar.High;
                low.Value = bar.Low;
                close.Value = bar.Close;
                volume.Value = bar.Volume;
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        finally
        {
            database.WriteLock.Release();
        }
    }

    public Task<IReadOnlyList<Bar>> ReadAsync(
        InstrumentId instrument, BarInterval interval, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        if (limit == 0 || database.FindInstrumentId(connection, instrument) is not { } id)
        {
            return Task.FromResult<IReadOnlyList<Bar>>([]);
        }

        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT time, open, high, low, close, volume FROM bars
            WHERE instrument_id = $id AND bar_interval = $interval AND time >= $from AND time < $to
            ORDER BY time DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$interval", interval.Name);
        command.Parameters.AddWithValue("$from", UnixMicros.From(from));
        command.Parameters.AddWithValue("$to", UnixMicros.From(to));
        command.Parameters.AddWithValue("$limit", limit);
        var bars = new List<Bar>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            bars.Add(ReadBar(reader));
        }

        bars.Reverse();
        return Task.FromResult<IReadOnlyList<Bar>>(bars);
    }

    public async IAsyncEnumerable<Bar> ReadRangeAsync(
        InstrumentId instrument, BarInterval interval, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReader();
        if (database.FindInstrumentId(connection, instrument) is not { } id)
        {
            yield break;
        }

        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT time, open, high, low, close, volume FROM bars
            WHERE instrument_id = $id AND bar_interval = $interval AND time >= $from AND time < $to
            ORDER BY time
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$interval", interval.Name);
        command.Parameters.AddWithValue("$from", UnixMicros.From(from));
        command.Parameters.AddWithValue("$to", UnixMicros.From(to));
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadBar(reader);
        }
    }

    public async Task DeleteFromAsync(InstrumentId instrument, BarInterval interval, DateTimeOffset from, CancellationToken cancellationToken = default)
    {
        long? id;
        using (var reader = database.OpenReader())
        {
            id = database.FindInstrumentId(reader, instrument);
        }

        if (id is null)
        {
            return;
        }

        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM bars WHERE instrument_id = $id AND bar_interval = $interval AND time >= $from";
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$interval", interval.Name);
            command.Parameters.AddWithValue("$from", UnixMicros.From(from));
            return command.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
    }

    private static Bar ReadBar(SqliteDataReader reader) => new(
        UnixMicros.ToTime(reader.GetInt64(0)), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5));
}

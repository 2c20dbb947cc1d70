using Monitor.Core.Market;
using Monitor.Core.Ports;

namespace Monitor.Storage.Sqlite;

/// <summary>Instrument snapshots, one row per instrument, replaced in place.</summary>
internal sealed class SqliteSnapshotStore(SqliteDatabase database) : IInstrumentSnapshotStore
{
    public Task PutAsync(InstrumentSnapshotRecord snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        StoredSnapshots.RequireFinite(snapshot);
        return database.WriteAsync(
            (connection, transaction) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO instrument_snapshots (instrument, bar_interval, price, time, change_pct, indicators, seq)
                    VALUES ($instrument, $interval, $price, $time, $change, $indicators, $seq)
                    ON CONFLICT (instrument) DO UPDATE SET bar_interval = excluded.bar_interval, price = excluded.price, time = excluded.time,
                        change_pct = excluded.change_pct, indicators = excluded.indicators, seq = excluded.seq
                    """;
                command.Parameters.AddWithValue("$instrument", snapshot.Instrument.Value);
                command.Parameters.AddWithValue("$interval", snapshot.Interval);
                command.Parameters.AddWithValue("$price", (object?)snapshot.Price ?? DBNull.Value);
                command.Parameters.AddWithValue("$time", snapshot.Time is { } time ? UnixMicros.From(time) : DBNull.Value);
                command.Parameters.AddWithValue("$change", (object?)snapshot.ChangePct ?? DBNull.Value);
                command.Parameters.AddWithValue("$indicators", StoredSnapshots.SerializeIndicators(snapshot.Indicators));
                command.Parameters.AddWithValue("$seq", snapshot.Seq);
                return command.ExecuteNonQuery();
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<InstrumentSnapshotRecord>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT instrument, bar_interval, price, time, change_pct, indicators, seq FROM instrument_snapshots";
        using var reader = command.ExecuteReader();
        var snapshots = new List<InstrumentSnapshotRecord>();
        while (reader.Read())
        {
            snapshots.Add(new InstrumentSnapshotRecord(
                InstrumentId.Parse(reader.GetString(0)),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetDouble(2),
                reader.IsDBNull(3) ? null : UnixMicros.ToTime(reader.GetInt64(3)),
                reader.IsDBNull(4) ? null : reader.GetDouble(4),
                StoredSnapshots.DeserializeIndicators(reader.GetString(5)),
                reader.GetInt64(6)));
        }

        return Task.FromResult<IReadOnlyList<InstrumentSnapshotRecord>>(snapshots);
    }
}

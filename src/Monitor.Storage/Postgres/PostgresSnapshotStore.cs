using Monitor.Core.Market;
using Monitor.Core.Ports;
using Npgsql;
using NpgsqlTypes;
using static Monitor.Storage.Postgres.PostgresParameters;

namespace Monitor.Storage.Postgres;

/// <summary>Instrument snapshots, one row per instrument, replaced in place.</summary>
internal sealed class PostgresSnapshotStore(PostgresDatabase database) : IInstrumentSnapshotStore
{
    public async Task PutAsync(InstrumentSnapshotRecord snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        StoredSnapshots.RequireFinite(snapshot);
        await using var command = database.DataSource.CreateCommand(
            """
            INSERT INTO instrument_snapshots (instrument, bar_interval, price, time, change_pct, indicators, seq)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (instrument) DO UPDATE SET bar_interval = excluded.bar_interval, price = excluded.price, time = excluded.time,
                change_pct = excluded.change_pct, indicators = excluded.indicators, seq = excluded.seq
            """);
        command.Parameters.Add(Text(snapshot.Instrument.Value));
        command.Parameters.Add(Text(snapshot.Interval));
        command.Parameters.Add(Number(snapshot.Price));
        command.Parameters.Add(snapshot.Time is { } time ? Time(time) : new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(Number(snapshot.ChangePct));
        command.Parameters.Add(Text(StoredSnapshots.SerializeIndicators(snapshot.Indicators)));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = snapshot.Seq });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<InstrumentSnapshotRecord>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT instrument, bar_interval, price, time, change_pct, indicators, seq FROM instrument_snapshots");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var snapshots = new List<InstrumentSnapshotRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            snapshots.Add(new InstrumentSnapshotRecord(
                InstrumentId.Parse(reader.GetString(0)),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetDouble(2),
                reader.IsDBNull(3) ? null : ReadTime(reader, 3),
                reader.IsDBNull(4) ? null : reader.GetDouble(4),
                StoredSnapshots.DeserializeIndicators(reader.GetString(5)),
                reader.GetInt64(6)));
        }

        return snapshots;
    }

    private static NpgsqlParameter Number(double? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double };
}

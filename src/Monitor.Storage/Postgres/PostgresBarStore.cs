using System.Runtime.CompilerServices;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Npgsql;
using NpgsqlTypes;

namespace Monitor.Storage.Postgres;

internal sealed class PostgresBarStore(PostgresDatabase database) : IBarStore
{
    private const int CommandsPerRoundTrip = 1_000;

    public async ValueTask UpsertAsync(InstrumentId instrument, BarInterval interval, IReadOnlyList<Bar> bars, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bars);
        StoredNumbers.RequireFinite(instrument, bars);
        if (bars.Count == 0)
        {
            return;
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        int id = await database.GetOrAddInstrumentIdAsync(connection, instrument, cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // One statement per bar, in order, so a bar given twice ends as the later one.
        for (int start = 0; start < bars.Count; start += CommandsPerRoundTrip)
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            for (int i = start; i < Math.Min(bars.Count, start + CommandsPerRoundTrip); i++)
            {
                var bar = bars[i];
                batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                    INSERT INTO bars (instrument_id, bar_interval, time, open, high, low, close, volume)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    ON CONFLICT (instrument_id, bar_interval, time) DO UPDATE SET
                        open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume
                    """)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<int> { TypedValue = id },
                        new NpgsqlParameter<string> { TypedValue = interval.Name },
                        new NpgsqlParameter<DateTime> { TypedValue = UnixMicros.ToUtcDateTime(bar.Time), NpgsqlDbType = NpgsqlDbType.TimestampTz },
                        new NpgsqlParameter<double> { TypedValue = bar.Open },
                        new NpgsqlParameter<double> { TypedValue = bar.High },
                        new NpgsqlParameter<double> { TypedValue = bar.Low },
                        new NpgsqlParameter<double> { TypedValue = bar.Close },
                        new NpgsqlParameter<double> { TypedValue = bar.Volume },
                    },
                });
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Bar>> ReadAsync(
        InstrumentId instrument, BarInterval interval, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (limit == 0)
        {
            return [];
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await database.FindInstrumentIdAsync(connection, instrument, cancellationToken).ConfigureAwait(false) is not { } id)
        {
            return [];
        }

        await using var command = new NpgsqlCommand(
            """
            SELECT time, open, high, low, close, volume FROM bars
            WHERE instrument_id = $1 AND bar_interval = $2 AND time >= $3 AND time < $4
            ORDER BY time DESC LIMIT $5
            """,
            connection);
        BindSeries(command, id, interval, from, to);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = limit });
        var bars = new List<Bar>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            bars.Add(ReadBar(reader));
        }

        bars.Reverse();
        return bars;
    }

    public async IAsyncEnumerable<Bar> ReadRangeAsync(
        InstrumentId instrument, BarInterval interval, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await database.FindInstrumentIdAsync(connection, instrument, cancellationToken).ConfigureAwait(false) is not { } id)
        {
            yield break;
        }

        await using var command = new NpgsqlCommand(
            """
            SELECT time, open, high, low, close, volume FROM bars
            WHERE instrument_id = $1 AND bar_interval = $2 AND time >= $3 AND time < $4
            ORDER BY time
            """,
            connection);
        BindSeries(command, id, interval, from, to);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadBar(reader);
        }
    }

    private static void BindSeries(NpgsqlCommand command, int id, BarInterval interval, DateTimeOffset from, DateTimeOffset to)
    {
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = interval.Name });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = UnixMicros.ToUtcDateTime(from), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = UnixMicros.ToUtcDateTime(to), NpgsqlDbType = NpgsqlDbType.TimestampTz });
    }

    private static Bar ReadBar(NpgsqlDataReader reader) => new(
        new DateTimeOffset(reader.GetFieldValue<DateTime>(0)), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5));

    public async Task DeleteFromAsync(InstrumentId instrument, BarInterval interval, DateTimeOffset from, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await database.FindInstrumentIdAsync(connection, instrument, cancellationToken).ConfigureAwait(false) is not { } id)
        {
            return;
        }

        await using var command = new NpgsqlCommand("DELETE FROM bars WHERE instrument_id = $1 AND bar_interval = $2 AND time >= $3", connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = interval.Name });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = UnixMicros.ToUtcDateTime(from), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

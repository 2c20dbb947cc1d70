using Monitor.Core.Ports;
using Npgsql;

namespace Monitor.Storage.Postgres;

/// <summary>
/// The ticks table's day partitions (schema script 050): created a week ahead of the clock, and on demand for older days
/// an import reaches; dropped whole once every tick in them is older than the retention.
/// </summary>
internal sealed class PostgresTickRetention(PostgresDatabase database) : ITickRetention
{
    /// <summary>Days after today that have a partition ready, so no real-time tick waits for one to be created.</summary>
    public const int DaysAhead = 7;

    public async Task<TickRetentionResult> MaintainAsync(DateTimeOffset now, TimeSpan? retention, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        int created = await CreatePartitionsAsync(
            connection, [.. Enumerable.Range(-1, DaysAhead + 2).Select(today.AddDays)], cancellationToken).ConfigureAwait(false);

        var dropped = new List<string>();
        if (retention is { } keep)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            // Dropping a partition locks the ticks table: give up rather than queue behind a long backtest read and
            // make every append wait behind the drop. The next pass tries again.
            await using (var timeout = new NpgsqlCommand("SET LOCAL lock_timeout = '5s'", connection, transaction))
            {
                await timeout.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var command = new NpgsqlCommand("SELECT monitor_drop_tick_partitions($1)", connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = (now - keep).UtcDateTime });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    dropped.Add(reader.GetString(0));
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return new TickRetentionResult(created, dropped, TicksDeleted: 0);
    }

    /// <summary>Creates the partitions of the UTC days given that do not exist yet; returns how many it created.</summary>
    public static async Task<int> CreatePartitionsAsync(NpgsqlConnection connection, DateOnly[] days, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE monitor_create_tick_partition(day)) FROM unnest($1::date[]) AS day", connection);
        command.Parameters.Add(new NpgsqlParameter<DateOnly[]> { TypedValue = days });
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}

using Monitor.Core.Rules;
using Monitor.Core.Webhooks;
using Npgsql;
using NpgsqlTypes;
using static Monitor.Storage.Postgres.PostgresParameters;

namespace Monitor.Storage.Postgres;

/// <summary>The SQL both outboxes share in PostgreSQL (<see cref="OutboxTables"/>): their attempts, recording them, and sending again.</summary>
internal sealed class PostgresOutbox(PostgresDatabase database, OutboxTables tables)
{
    /// <summary>When a pending entry is due: its next attempt (plus <c>$1</c> before a first attempt), or the end of its lease if later.</summary>
    private const string DueAt =
        "greatest(next_attempt_at + CASE WHEN attempt_count = 0 THEN $1 ELSE interval '0' END, coalesce(lease_until, '-infinity'))";

    /// <summary>Puts entries back to pending, due at <c>$1</c>, on a new run of the schedule; the caller adds the WHERE (from <c>$2</c>).</summary>
    public string Reset { get; } =
        $"UPDATE {tables.Entries} SET state = 'pending', next_attempt_at = $1, attempt_count = 0, lease_owner = NULL, lease_until = NULL";

    /// <summary>
    /// The groups with pending entries, limited to those <paramref name="sendable"/> selects (a query of group ids) if
    /// given: how many each has, and when the earliest is due.
    /// </summary>
    public async Task<IReadOnlyList<T>> ListBacklogAsync<T>(
        TimeSpan firstAttemptDelay, string? sendable, Func<string, int, DateTimeOffset, T> backlog, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            $"""
            SELECT {tables.Group}, count(*)::integer, min({DueAt}) FROM {tables.Entries}
            WHERE state = 'pending'{(sendable is null ? "" : $" AND {tables.Group} IN ({sendable})")}
            GROUP BY {tables.Group}
            """);
        command.Parameters.Add(Interval(firstAttemptDelay));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var groups = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            groups.Add(backlog(reader.GetString(0), reader.GetInt32(1), ReadTime(reader, 2)));
        }

        return groups;
    }

    /// <summary>
    /// Leases up to <paramref name="max"/> of the group's entries due at <paramref name="now"/> to <paramref name="owner"/>
    /// until <paramref name="leaseUntil"/>, earliest due first; returns the <paramref name="returning"/> columns of each, made by <paramref name="read"/>.
    /// </summary>
    public async Task<IReadOnlyList<T>> ClaimAsync<T>(
        string group, string owner, DateTimeOffset now, TimeSpan firstAttemptDelay, DateTimeOffset leaseUntil, int max, string returning,
        Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        // SKIP LOCKED: dispatchers claiming at the same moment each take rows the others have not locked, without waiting.
        await using var command = database.DataSource.CreateCommand(
            $"""
            UPDATE {tables.Entries} SET lease_owner = $2, lease_until = $3
            WHERE id IN (
                SELECT id FROM {tables.Entries}
                WHERE {tables.Group} = $4 AND state = 'pending' AND {DueAt} <= $5
                ORDER BY next_attempt_at, id LIMIT $6
                FOR UPDATE SKIP LOCKED)
            RETURNING {returning}
            """);
        command.Parameters.Add(Interval(firstAttemptDelay));
        command.Parameters.Add(Text(owner));
        command.Parameters.Add(Time(leaseUntil));
        command.Parameters.Add(Text(group));
        command.Parameters.Add(Time(now));
        command.Parameters.Add(Int(max));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var claimed = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add(read(reader));
        }

        return claimed;
    }

    /// <summary>
    /// The entries <paramref name="command"/> selects, made by <paramref name="read"/> from each row, each with its
    /// attempts (<paramref name="withAttempts"/>), read in the command's transaction.
    /// </summary>
    public async Task<List<T>> ReadEntriesAsync<T>(
        NpgsqlCommand command, Func<NpgsqlDataReader, T> read, Func<T, string> id, Func<T, IReadOnlyList<DeliveryAttempt>, T> withAttempts,
        CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(read(reader));
            }
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        var attempts = await ReadAttemptsAsync(command.Connection!, command.Transaction!, rows.Select(id), cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(row => withAttempts(row, attempts[id(row)]))];
    }

    /// <summary>The attempts of the entries <paramref name="ids"/>, by entry, oldest first (an empty list for one without).</summary>
    private async Task<Dictionary<string, List<DeliveryAttempt>>> ReadAttemptsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var attempts = ids.ToDictionary(id => id, _ => new List<DeliveryAttempt>(), StringComparer.Ordinal);
        await using var select = new NpgsqlCommand(
            $"SELECT {tables.EntryKey}, at, status, duration_ms, error FROM {tables.Attempts} WHERE {tables.EntryKey} = ANY($1) ORDER BY id", connection, transaction)
        {
            Parameters = { new NpgsqlParameter<string[]> { TypedValue = [.. attempts.Keys] } },
        };
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            attempts[reader.GetString(0)].Add(new DeliveryAttempt(
                ReadTime(reader, 1), reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.GetDouble(3), ReadText(reader, 4)));
        }

        return attempts;
    }

    private static NpgsqlParameter<TimeSpan> Interval(TimeSpan value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Interval };

    /// <summary>A write transaction for <see cref="OutboxRecorder"/>, on a connection of its own.</summary>
    public async Task<IOutboxWriter> BeginAsync(CancellationToken cancellationToken)
    {
        var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new Writer(connection, await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false), tables);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class Writer(NpgsqlConnection connection, NpgsqlTransaction transaction, OutboxTables tables) : IOutboxWriter
    {
        public async Task AddAttemptAsync(string entryId, DeliveryAttempt attempt, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand(
                $"""
                INSERT INTO {tables.Attempts} ({tables.EntryKey}, at, status, duration_ms, error)
                SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM {tables.Entries} WHERE id = $1)
                """,
                connection,
                transaction)
            {
                Parameters =
                {
                    Text(entryId), Time(attempt.At), new NpgsqlParameter<int?> { TypedValue = attempt.Status, NpgsqlDbType = NpgsqlDbType.Integer },
                    new NpgsqlParameter<double> { TypedValue = attempt.DurationMs }, Text(attempt.Error),
                },
            };
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public async Task<bool> CompleteAsync(string entryId, string owner, DeliveryState state, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand(
                $"""
                UPDATE {tables.Entries}
                SET state = $3, next_attempt_at = coalesce($4, next_attempt_at), attempt_count = attempt_count + 1, lease_owner = NULL, lease_until = NULL
                WHERE id = $1 AND state = 'pending' AND lease_owner = $2
                """,
                connection,
                transaction)
            {
                Parameters = { Text(entryId), Text(owner), Text(state.ToText()), NullableTime(nextAttemptAt) },
            };
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }

        public async Task DisableWebhookAsync(string webhookId, string reason, DateTimeOffset at, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand(
                "UPDATE webhooks SET enabled = false, disabled_reason = $2, disabled_at = $3, updated_at = $3 WHERE id = $1 AND enabled", connection, transaction)
            {
                Parameters = { Text(webhookId), Text(reason), Time(at) },
            };
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}

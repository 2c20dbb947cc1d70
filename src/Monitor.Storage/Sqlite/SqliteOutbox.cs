using Monitor.Core.Webhooks;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitor.Core.Rules;
using static Monitor.Storage.Sqlite.SqliteCommands;

namespace Monitor.Storage.Sqlite;

/// <summary>The SQL both outboxes share in SQLite (<see cref="OutboxTables"/>): their attempts, recording them, and sending again.</summary>
internal sealed class SqliteOutbox(SqliteDatabase database, OutboxTables tables)
{
    /// <summary>When a pending entry is due: its next attempt (plus <c>$first</c> before a first attempt), or the end of its lease if later.</summary>
    private const string DueAt = "max(next_attempt_at + CASE WHEN attempt_count = 0 THEN $first ELSE 0 END, coalesce(lease_until, 0))";

    /// <summary>Puts entries back to pending, due at <c>$at</c>, on a new run of the schedule; the caller adds the WHERE.</summary>
    public string Reset { get; } =
        $"UPDATE {tables.Entries} SET state = 'pending', next_attempt_at = $at, attempt_count = 0, lease_owner = NULL, lease_until = NULL";

    /// <summary>
    /// The groups with pending entries, limited to those <paramref name="sendable"/> selects (a query of group ids) if
    /// given: how many each has, and when the earliest is due.
    /// </summary>
    public IReadOnlyList<T> ListBacklog<T>(TimeSpan firstAttemptDelay, string? sendable, Func<string, int, DateTimeOffset, T> backlog)
    {
        using var connection = database.OpenReader();
        using var command = Command(connection, null, $"""
            SELECT {tables.Group}, count(*), min({DueAt}) FROM {tables.Entries}
            WHERE state = 'pending'{(sendable is null ? "" : $" AND {tables.Group} IN ({sendable})")}
            GROUP BY {tables.Group}
            """);
        command.Parameters.AddWithValue("$first", Micros(firstAttemptDelay));
        using var reader = command.ExecuteReader();
        var groups = new List<T>();
        while (reader.Read())
        {
            groups.Add(backlog(reader.GetString(0), reader.GetInt32(1), UnixMicros.ToTime(reader.GetInt64(2))));
        }

        return groups;
    }

    /// <summary>
    /// Leases up to <paramref name="max"/> of the group's entries due at <paramref name="now"/> to <paramref name="owner"/>
    /// until <paramref name="leaseUntil"/>, earliest due first; returns the <paramref name="returning"/> columns of each, made by <paramref name="read"/>.
    /// </summary>
    public Task<IReadOnlyList<T>> ClaimAsync<T>(
        string group, string owner, DateTimeOffset now, TimeSpan firstAttemptDelay, DateTimeOffset leaseUntil, int max, string returning,
        Func<SqliteDataReader, T> read, CancellationToken cancellationToken) =>
        database.WriteAsync<IReadOnlyList<T>>(
            (connection, transaction) =>
            {
                using var command = Command(connection, transaction, $"""
                    UPDATE {tables.Entries} SET lease_owner = $owner, lease_until = $until
                    WHERE id IN (
                        SELECT id FROM {tables.Entries}
                        WHERE {tables.Group} = $group AND state = 'pending' AND {DueAt} <= $now
                        ORDER BY next_attempt_at, id LIMIT $max)
                    RETURNING {returning}
                    """);
                command.Parameters.AddWithValue("$owner", owner);
                command.Parameters.AddWithValue("$until", UnixMicros.From(leaseUntil));
                command.Parameters.AddWithValue("$group", group);
                command.Parameters.AddWithValue("$now", UnixMicros.From(now));
                command.Parameters.AddWithValue("$first", Micros(firstAttemptDelay));
                command.Parameters.AddWithValue("$max", max);
                using var reader = command.ExecuteReader();
                var claimed = new List<T>();
                while (reader.Read())
                {
                    claimed.Add(read(reader));
                }

                return claimed;
            },
            cancellationToken);

    /// <summary>
    /// The entries <paramref name="command"/> selects, made by <paramref name="read"/> from each row, each with its
    /// attempts (<paramref name="withAttempts"/>), read in the command's transaction.
    /// </summary>
    public List<T> ReadEntries<T>(
        SqliteCommand command, Func<SqliteDataReader, T> read, Func<T, string> id, Func<T, IReadOnlyList<DeliveryAttempt>, T> withAttempts)
    {
        var rows = new List<T>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add(read(reader));
            }
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        var attempts = ReadAttempts(command.Connection!, command.Transaction!, rows.Select(id));
        return [.. rows.Select(row => withAttempts(row, attempts[id(row)]))];
    }

    /// <summary>The attempts of the entries <paramref name="ids"/>, by entry, oldest first (an empty list for one without).</summary>
    private Dictionary<string, List<DeliveryAttempt>> ReadAttempts(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<string> ids)
    {
        var attempts = ids.ToDictionary(id => id, _ => new List<DeliveryAttempt>(), StringComparer.Ordinal);
        using var select = Command(connection, transaction, $"""
            SELECT {tables.EntryKey}, at, status, duration_ms, error FROM {tables.Attempts}
            WHERE {tables.EntryKey} IN (SELECT value FROM json_each($ids)) ORDER BY id
            """);
        select.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(attempts.Keys.ToArray()));
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            attempts[reader.GetString(0)].Add(new DeliveryAttempt(
                UnixMicros.ToTime(reader.GetInt64(1)), reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.GetDouble(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return attempts;
    }

    private static long Micros(TimeSpan duration) => duration.Ticks / (TimeSpan.TicksPerMillisecond / 1000);

    /// <summary>A write transaction for <see cref="OutboxRecorder"/>, on the writer connection under the write lock until disposed.</summary>
    public async Task<IOutboxWriter> BeginAsync(CancellationToken cancellationToken) =>
        new Writer(await SqliteWriteTransaction.BeginAsync(database, cancellationToken).ConfigureAwait(false), tables);

    private sealed class Writer(SqliteWriteTransaction write, OutboxTables tables) : IOutboxWriter
    {
        private readonly SqliteCommand _attempt = write.Command($"""
            INSERT INTO {tables.Attempts} ({tables.EntryKey}, at, status, duration_ms, error)
            SELECT $id, $at, $status, $duration, $error WHERE EXISTS (SELECT 1 FROM {tables.Entries} WHERE id = $id)
            """);

        private readonly SqliteCommand _complete = write.Command($"""
            UPDATE {tables.Entries}
            SET state = $state, next_attempt_at = coalesce($next, next_attempt_at), attempt_count = attempt_count + 1,
                lease_owner = NULL, lease_until = NULL
            WHERE id = $id AND state = 'pending' AND lease_owner = $owner
            """);

        private readonly SqliteCommand _disable =
            write.Command("UPDATE webhooks SET enabled = 0, disabled_reason = $reason, disabled_at = $at, updated_at = $at WHERE id = $id AND enabled = 1");

        public Task AddAttemptAsync(string entryId, DeliveryAttempt attempt, CancellationToken cancellationToken)
        {
            var p = _attempt.Parameters;
            p.Clear();
            p.AddWithValue("$id", entryId);
            p.AddWithValue("$at", UnixMicros.From(attempt.At));
            p.AddWithValue("$status", (object?)attempt.Status ?? DBNull.Value);
            p.AddWithValue("$duration", attempt.DurationMs);
            p.AddWithValue("$error", (object?)attempt.Error ?? DBNull.Value);
            _attempt.ExecuteNonQuery();
            return Task.CompletedTask;
        }

        public Task<bool> CompleteAsync(string entryId, string owner, DeliveryState state, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken)
        {
            var p = _complete.Parameters;
            p.Clear();
            p.AddWithValue("$id", entryId);
            p.AddWithValue("$owner", owner);
            p.AddWithValue("$state", state.ToText());
            p.AddWithValue("$next", nextAttemptAt is { } next ? UnixMicros.From(next) : DBNull.Value);
            return Task.FromResult(_complete.ExecuteNonQuery() == 1);
        }

        public Task DisableWebhookAsync(string webhookId, string reason, DateTimeOffset at, CancellationToken cancellationToken)
        {
            var p = _disable.Parameters;
            p.Clear();
            p.AddWithValue("$id", webhookId);
            p.AddWithValue("$reason", reason);
            p.AddWithValue("$at", UnixMicros.From(at));
            _disable.ExecuteNonQuery();
            return Task.CompletedTask;
        }

        public Task CommitAsync(CancellationToken cancellationToken)
        {
            write.Commit();
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            _attempt.Dispose();
            _complete.Dispose();
            _disable.Dispose();
            write.Dispose();
            return default;
        }
    }
}

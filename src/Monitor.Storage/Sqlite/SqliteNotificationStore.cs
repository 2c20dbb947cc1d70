using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Storage.Sqlite;

internal sealed class SqliteNotificationStore(SqliteDatabase database, WebhookOutbox outbox) : INotificationStore
{
    private const string Columns = "id, receiver, kind, group_key, status, alert_ids, payload, state, created_at, next_attempt_at, attempt_count";

    private static readonly string[] AddedColumns = ["$id", "$receiver", "$kind", "$group", "$status", "$alerts", "$payload"];

    /// <summary>When a pending notification is due: its next attempt, or the end of its lease if later.</summary>
    private const string DueAt = "max(next_attempt_at, coalesce(lease_until, 0))";

    public async Task<int> AddAsync(IReadOnlyList<NewNotification> notifications, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        if (notifications.Count == 0)
        {
            return 0;
        }

        int added = await database.WriteAsync(
            (connection, transaction) =>
            {
                using var command = Command(connection, transaction, $"""
                    INSERT INTO notification_outbox ({Columns})
                    VALUES ($id, $receiver, $kind, $group, $status, $alerts, $payload, 'pending', $now, $now, 0)
                    ON CONFLICT DO NOTHING
                    """);
                command.Parameters.AddWithValue("$now", UnixMicros.From(now));
                var columns = AddedColumns.Select(name => command.Parameters.Add(name, SqliteType.Text)).ToArray();
                int count = 0;
                foreach (var n in notifications)
                {
                    object[] values = [n.Id, n.Receiver, n.Kind, n.GroupKey, n.Status, JsonSerializer.Serialize(n.AlertIds), n.Payload];
                    for (int i = 0; i < columns.Length; i++)
                    {
                        columns[i].Value = values[i];
                    }

                    count += command.ExecuteNonQuery();
                }

                return count;
            },
            cancellationToken).ConfigureAwait(false);
        if (added > 0)
        {
            outbox.Notify();
        }

        return added;
    }

    public Task<IReadOnlyList<StoredNotification>> ListAsync(NotificationLogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var transaction = connection.BeginTransaction(deferred: true);
        using var command = Command(connection, transaction, $"""
            SELECT {Columns} FROM notification_outbox
            WHERE ($receiver IS NULL OR receiver = $receiver) AND ($from IS NULL OR created_at >= $from) AND ($to IS NULL OR created_at < $to)
            ORDER BY created_at DESC, id DESC LIMIT $limit
            """);
        command.Parameters.AddWithValue("$receiver", (object?)query.Receiver ?? DBNull.Value);
        command.Parameters.AddWithValue("$from", query.From is { } from ? UnixMicros.From(from) : DBNull.Value);
        command.Parameters.AddWithValue("$to", query.To is { } to ? UnixMicros.From(to) : DBNull.Value);
        command.Parameters.AddWithValue("$limit", Math.Max(1, query.Limit));
        return Task.FromResult<IReadOnlyList<StoredNotification>>(Read(connection, transaction, command));
    }

    public Task<StoredNotification?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var transaction = connection.BeginTransaction(deferred: true);
        return Task.FromResult(Find(connection, transaction, id));
    }

    public async Task<StoredNotification?> ResendAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var notification = await database.WriteAsync(
            (connection, transaction) =>
            {
                using var command = Command(connection, transaction, """
                    UPDATE notification_outbox SET state = 'pending', next_attempt_at = $at, attempt_count = 0, lease_owner = NULL, lease_until = NULL
                    WHERE id = $id
                    """);
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$at", UnixMicros.From(at));
                command.ExecuteNonQuery();
                return Find(connection, transaction, id);
            },
            cancellationToken).ConfigureAwait(false);
        outbox.Notify();
        return notification;
    }

    public Task<IReadOnlyList<NotificationBacklog>> ListBacklogAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var command = Command(connection, null, $"""
            SELECT receiver, count(*), min({DueAt}) FROM notification_outbox WHERE state = 'pending' GROUP BY receiver
            """);
        using var reader = command.ExecuteReader();
        var backlog = new List<NotificationBacklog>();
        while (reader.Read())
        {
            backlog.Add(new NotificationBacklog(reader.GetString(0), reader.GetInt32(1), UnixMicros.ToTime(reader.GetInt64(2))));
        }

        return Task.FromResult<IReadOnlyList<NotificationBacklog>>(backlog);
    }

    public Task<IReadOnlyList<ClaimedNotification>> ClaimAsync(
        string receiver, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(owner);
        return database.WriteAsync<IReadOnlyList<ClaimedNotification>>(
            (connection, transaction) =>
            {
                using var command = Command(connection, transaction, $"""
                    UPDATE notification_outbox SET lease_owner = $owner, lease_until = $until
                    WHERE id IN (
                        SELECT id FROM notification_outbox
                        WHERE receiver = $receiver AND state = 'pending' AND {DueAt} <= $now
                        ORDER BY next_attempt_at, id LIMIT $max)
                    RETURNING id, receiver, kind, payload, attempt_count
                    """);
                command.Parameters.AddWithValue("$owner", owner);
                command.Parameters.AddWithValue("$until", UnixMicros.From(leaseUntil));
                command.Parameters.AddWithValue("$receiver", receiver);
                command.Parameters.AddWithValue("$now", UnixMicros.From(now));
                command.Parameters.AddWithValue("$max", max);
                using var reader = command.ExecuteReader();
                var claimed = new List<ClaimedNotification>();
                while (reader.Read())
                {
                    claimed.Add(new ClaimedNotification(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
                }

                return claimed;
            },
            cancellationToken);
    }

    public Task RecordAsync(string owner, IReadOnlyList<NotificationOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(outcomes);
        return database.WriteAsync(
            (connection, transaction) =>
            {
                using var attempt = Command(connection, transaction, """
                    INSERT INTO notification_attempts (notification_id, at, status, duration_ms, error) VALUES ($id, $at, $status, $duration, $error)
                    """);
                using var update = Command(connection, transaction, """
                    UPDATE notification_outbox
                    SET state = $state, next_attempt_at = coalesce($next, next_attempt_at), attempt_count = attempt_count + 1,
                        lease_owner = NULL, lease_until = NULL
                    WHERE id = $id AND state = 'pending' AND lease_owner = $owner
                    """);
                foreach (var outcome in outcomes)
                {
                    attempt.Parameters.Clear();
                    attempt.Parameters.AddWithValue("$id", outcome.Notification.Id);
                    attempt.Parameters.AddWithValue("$at", UnixMicros.From(outcome.Attempt.At));
                    attempt.Parameters.AddWithValue("$status", (object?)outcome.Attempt.Status ?? DBNull.Value);
                    attempt.Parameters.AddWithValue("$duration", outcome.Attempt.DurationMs);
                    attempt.Parameters.AddWithValue("$error", (object?)outcome.Attempt.Error ?? DBNull.Value);
                    attempt.ExecuteNonQuery();

                    update.Parameters.Clear();
                    update.Parameters.AddWithValue("$id", outcome.Notification.Id);
                    update.Parameters.AddWithValue("$owner", owner);
                    update.Parameters.AddWithValue("$state", outcome.State.ToText());
                    update.Parameters.AddWithValue("$next", outcome.NextAttemptAt is { } next ? UnixMicros.From(next) : DBNull.Value);
                    update.ExecuteNonQuery();
                }

                return true;
            },
            cancellationToken);
    }

    public Task WaitForNotificationsAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => outbox.WaitAsync(timeout, cancellationToken);

    private static StoredNotification? Find(SqliteConnection connection, SqliteTransaction transaction, string id)
    {
        using var command = Command(connection, transaction, $"SELECT {Columns} FROM notification_outbox WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        return Read(connection, transaction, command).SingleOrDefault();
    }

    /// <summary>The notifications <paramref name="command"/> selects (<see cref="Columns"/>), each with its attempts.</summary>
    private static List<StoredNotification> Read(SqliteConnection connection, SqliteTransaction transaction, SqliteCommand command)
    {
        var rows = new List<StoredNotification>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add(new StoredNotification(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    JsonSerializer.Deserialize<string[]>(reader.GetString(5)) ?? [], reader.GetString(6),
                    WebhookRules.ParseState(reader.GetString(7)), UnixMicros.ToTime(reader.GetInt64(8)), UnixMicros.ToTime(reader.GetInt64(9)),
                    reader.GetInt32(10), []));
            }
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        var attempts = rows.ToDictionary(row => row.Id, _ => new List<DeliveryAttempt>(), StringComparer.Ordinal);
        using (var select = Command(connection, transaction, """
            SELECT notification_id, at, status, duration_ms, error FROM notification_attempts
            WHERE notification_id IN (SELECT value FROM json_each($ids)) ORDER BY id
            """))
        {
            select.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(attempts.Keys.ToArray()));
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                attempts[reader.GetString(0)].Add(new DeliveryAttempt(
                    UnixMicros.ToTime(reader.GetInt64(1)), reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.GetDouble(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
        }

        return [.. rows.Select(row => row with { Attempts = attempts[row.Id] })];
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}

using System.Text.Json;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Npgsql;
using NpgsqlTypes;
using static Monitor.Storage.Postgres.PostgresParameters;

namespace Monitor.Storage.Postgres;

internal sealed class PostgresNotificationStore(PostgresDatabase database, WebhookOutbox outbox) : INotificationStore
{
    private const string Columns = "id, receiver, kind, group_key, status, alert_ids, payload, state, created_at, next_attempt_at, attempt_count";

    /// <summary>When a pending notification is due: its next attempt, or the end of its lease if later.</summary>
    private const string DueAt = "greatest(next_attempt_at, coalesce(lease_until, '-infinity'))";

    public async Task<int> AddAsync(IReadOnlyList<NewNotification> notifications, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        if (notifications.Count == 0)
        {
            return 0;
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var n in notifications)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                $"""
                INSERT INTO notification_outbox ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $8, 0)
                ON CONFLICT DO NOTHING
                """)
            {
                Parameters =
                {
                    Text(n.Id), Text(n.Receiver), Text(n.Kind), Text(n.GroupKey), Text(n.Status), Text(JsonSerializer.Serialize(n.AlertIds)),
                    Text(n.Payload), Time(now),
                },
            });
        }

        int added = await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (added > 0)
        {
            outbox.Notify();
        }

        return added;
    }

    public async Task<IReadOnlyList<StoredNotification>> ListAsync(NotificationLogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT {Columns} FROM notification_outbox
            WHERE ($1::text IS NULL OR receiver = $1) AND ($2::timestamptz IS NULL OR created_at >= $2) AND ($3::timestamptz IS NULL OR created_at < $3)
            ORDER BY created_at DESC, id DESC LIMIT $4
            """,
            connection,
            transaction)
        {
            Parameters = { Text(query.Receiver), OptionalTime(query.From), OptionalTime(query.To), Int(Math.Max(1, query.Limit)) },
        };
        return await ReadAsync(connection, transaction, command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredNotification?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        return await FindAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredNotification?> ResendAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(
            "UPDATE notification_outbox SET state = 'pending', next_attempt_at = $2, attempt_count = 0, lease_owner = NULL, lease_until = NULL WHERE id = $1",
            connection,
            transaction)
        {
            Parameters = { Text(id), Time(at) },
        })
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var notification = await FindAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        outbox.Notify();
        return notification;
    }

    public async Task<IReadOnlyList<NotificationBacklog>> ListBacklogAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"SELECT receiver, count(*)::int, min({DueAt}) FROM notification_outbox WHERE state = 'pending' GROUP BY receiver", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var backlog = new List<NotificationBacklog>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            backlog.Add(new NotificationBacklog(reader.GetString(0), reader.GetInt32(1), ReadTime(reader, 2)));
        }

        return backlog;
    }

    public async Task<IReadOnlyList<ClaimedNotification>> ClaimAsync(
        string receiver, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(owner);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // SKIP LOCKED: dispatchers claiming at the same moment each take rows the others have not locked, without waiting.
        await using var command = new NpgsqlCommand(
            $"""
            UPDATE notification_outbox SET lease_owner = $1, lease_until = $2
            WHERE id IN (
                SELECT id FROM notification_outbox
                WHERE receiver = $3 AND state = 'pending' AND {DueAt} <= $4
                ORDER BY next_attempt_at, id LIMIT $5
                FOR UPDATE SKIP LOCKED)
            RETURNING id, receiver, kind, payload, attempt_count
            """,
            connection)
        {
            Parameters = { Text(owner), Time(leaseUntil), Text(receiver), Time(now), Int(max) },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var claimed = new List<ClaimedNotification>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add(new ClaimedNotification(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
        }

        return claimed;
    }

    public async Task RecordAsync(string owner, IReadOnlyList<NotificationOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count == 0)
        {
            return;
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var outcome in outcomes)
        {
            var attempt = outcome.Attempt;
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "INSERT INTO notification_attempts (notification_id, at, status, duration_ms, error) VALUES ($1, $2, $3, $4, $5)")
            {
                Parameters =
                {
                    Text(outcome.Notification.Id), Time(attempt.At), new NpgsqlParameter<int?> { TypedValue = attempt.Status, NpgsqlDbType = NpgsqlDbType.Integer },
                    new NpgsqlParameter<double> { TypedValue = attempt.DurationMs }, Text(attempt.Error),
                },
            });
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                """
                UPDATE notification_outbox
                SET state = $3, next_attempt_at = coalesce($4, next_attempt_at), attempt_count = attempt_count + 1, lease_owner = NULL, lease_until = NULL
                WHERE id = $1 AND state = 'pending' AND lease_owner = $2
                """)
            {
                Parameters = { Text(outcome.Notification.Id), Text(owner), Text(outcome.State.ToText()), OptionalTime(outcome.NextAttemptAt) },
            });
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task WaitForNotificationsAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => outbox.WaitAsync(timeout, cancellationToken);

    private static NpgsqlParameter<DateTime?> OptionalTime(DateTimeOffset? time) =>
        new() { TypedValue = time is { } value ? UnixMicros.ToUtcDateTime(value) : null, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static async Task<StoredNotification?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM notification_outbox WHERE id = $1", connection, transaction)
        {
            Parameters = { Text(id) },
        };
        return (await ReadAsync(connection, transaction, command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>The notifications <paramref name="command"/> selects (<see cref="Columns"/>), each with its attempts.</summary>
    private static async Task<List<StoredNotification>> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<StoredNotification>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new StoredNotification(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    JsonSerializer.Deserialize<string[]>(reader.GetString(5)) ?? [], reader.GetString(6),
                    WebhookRules.ParseState(reader.GetString(7)), ReadTime(reader, 8), ReadTime(reader, 9), reader.GetInt32(10), []));
            }
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        var attempts = rows.ToDictionary(row => row.Id, _ => new List<DeliveryAttempt>(), StringComparer.Ordinal);
        await using (var select = new NpgsqlCommand(
            "SELECT notification_id, at, status, duration_ms, error FROM notification_attempts WHERE notification_id = ANY($1) ORDER BY id", connection, transaction)
        {
            Parameters = { new NpgsqlParameter<string[]> { TypedValue = [.. attempts.Keys] } },
        })
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                attempts[reader.GetString(0)].Add(new DeliveryAttempt(
                    ReadTime(reader, 1), reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.GetDouble(3), ReadText(reader, 4)));
            }
        }

        return [.. rows.Select(row => row with { Attempts = attempts[row.Id] })];
    }
}

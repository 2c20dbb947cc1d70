using Microsoft.Data.Sqlite;
using Monitor.Core.Alerts;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Storage.Sqlite;

internal sealed class SqliteWebhookStore(SqliteDatabase database, WebhookOutbox outbox) : IWebhookStore
{
    private const string Columns =
        "id, url, description, filter, secret, previous_secret, previous_secret_expires_at, enabled, disabled_reason, disabled_at, created_at, updated_at";

    private const string DeliveryColumns = "id, webhook_id, event, alert_id, payload, state, created_at, next_attempt_at, attempt_count";

    /// <summary>When a pending delivery is due: its next attempt (plus the first delay before a first attempt), or the end of its lease if later.</summary>
    private const string DueAt = "max(next_attempt_at + CASE WHEN attempt_count = 0 THEN $first ELSE 0 END, coalesce(lease_until, 0))";

    public async Task<Webhook> CreateAsync(WebhookRequest request, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var webhook = WebhookRules.NewWebhook(request, at);
        return await database.WriteAsync(
            (connection, transaction) =>
            {
                Write(connection, transaction, webhook, insert: true);
                return webhook;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task<Webhook?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        return Task.FromResult(Find(connection, null, id));
    }

    public Task<IReadOnlyList<Webhook>> ListAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        return Task.FromResult<IReadOnlyList<Webhook>>(Read(connection, null, $"SELECT {Columns} FROM webhooks ORDER BY created_at, id", null));
    }

    public Task<Webhook?> UpdateAsync(string id, WebhookChange change, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(change);
        return database.WriteAsync(
            (connection, transaction) =>
            {
                if (Find(connection, transaction, id) is not { } webhook)
                {
                    return null;
                }

                var changed = WebhookRules.Apply(webhook, change, at);
                Write(connection, transaction, changed, insert: false);
                return changed;
            },
            cancellationToken);
    }

    public Task<Webhook?> RotateSecretAsync(string id, string secret, DateTimeOffset previousExpiresAt, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return database.WriteAsync(
            (connection, transaction) =>
            {
                if (Find(connection, transaction, id) is not { } webhook)
                {
                    return null;
                }

                var rotated = WebhookRules.Rotate(webhook, secret, previousExpiresAt, at);
                Write(connection, transaction, rotated, insert: false);
                return rotated;
            },
            cancellationToken);
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return database.WriteAsync(
            (connection, transaction) =>
            {
                using var command = Command(connection, transaction, """
                    DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE webhook_id = $id);
                    DELETE FROM webhook_deliveries WHERE webhook_id = $id;
                    DELETE FROM webhooks WHERE id = $id;
                    """);
                command.Parameters.AddWithValue("$id", id);
                command.ExecuteNonQuery();
                return Scalar(connection, transaction, "SELECT changes()") > 0;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<StoredDelivery>> ListDeliveriesAsync(string webhookId, DeliveryState? state, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var transaction = connection.BeginTransaction(deferred: true);
        using var command = Command(connection, transaction, $"""
            SELECT {DeliveryColumns} FROM webhook_deliveries
            WHERE webhook_id = $webhook AND ($state IS NULL OR state = $state)
            ORDER BY created_at DESC, id DESC LIMIT $limit
            """);
        command.Parameters.AddWithValue("$webhook", webhookId);
        command.Parameters.AddWithValue("$state", state is { } s ? s.ToText() : DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        return Task.FromResult<IReadOnlyList<StoredDelivery>>(ReadDeliveries(connection, transaction, command));
    }

    public Task<StoredDelivery?> GetDeliveryAsync(string webhookId, string deliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        ArgumentNullException.ThrowIfNull(deliveryId);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var transaction = connection.BeginTransaction(deferred: true);
        return Task.FromResult(FindDelivery(connection, transaction, webhookId, deliveryId));
    }

    public async Task<StoredDelivery?> RedeliverAsync(string webhookId, string deliveryId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        ArgumentNullException.ThrowIfNull(deliveryId);
        var delivery = await database.WriteAsync(
            (connection, transaction) =>
            {
                using var command = Command(connection, transaction, $"{Redeliver} WHERE webhook_id = $webhook AND id = $id");
                command.Parameters.AddWithValue("$webhook", webhookId);
                command.Parameters.AddWithValue("$id", deliveryId);
                command.Parameters.AddWithValue("$at", UnixMicros.From(at));
                command.ExecuteNonQuery();
                return FindDelivery(connection, transaction, webhookId, deliveryId);
            },
            cancellationToken).ConfigureAwait(false);
        outbox.Notify();
        return delivery;
    }

    public async Task<int> RedeliverFailedAsync(string webhookId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        int count = await database.WriteAsync(
            (connection, transaction) =>
            {
                using var command = Command(
                    connection, transaction, $"{Redeliver} WHERE webhook_id = $webhook AND state = 'failed' AND created_at >= $from AND created_at < $to");
                command.Parameters.AddWithValue("$webhook", webhookId);
                command.Parameters.AddWithValue("$from", UnixMicros.From(from));
                command.Parameters.AddWithValue("$to", UnixMicros.From(to));
                command.Parameters.AddWithValue("$at", UnixMicros.From(at));
                return command.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
        outbox.Notify();
        return count;
    }

    public Task<IReadOnlyList<WebhookBacklog>> ListBacklogAsync(TimeSpan firstAttemptDelay, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var command = Command(connection, null, $"""
            SELECT webhook_id, count(*), min({DueAt}) FROM webhook_deliveries
            WHERE state = 'pending' AND webhook_id IN (SELECT id FROM webhooks WHERE enabled = 1)
            GROUP BY webhook_id
            """);
        command.Parameters.AddWithValue("$first", Micros(firstAttemptDelay));
        using var reader = command.ExecuteReader();
        var backlog = new List<WebhookBacklog>();
        while (reader.Read())
        {
            backlog.Add(new WebhookBacklog(reader.GetString(0), reader.GetInt32(1), UnixMicros.ToTime(reader.GetInt64(2))));
        }

        return Task.FromResult<IReadOnlyList<WebhookBacklog>>(backlog);
    }

    public Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(
        string webhookId, string owner, DateTimeOffset now, TimeSpan firstAttemptDelay, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        ArgumentNullException.ThrowIfNull(owner);
        return database.WriteAsync<IReadOnlyList<ClaimedDelivery>>(
            (connection, transaction) =>
            {
                using var command = Command(connection, transaction, $"""
                    UPDATE webhook_deliveries SET lease_owner = $owner, lease_until = $until
                    WHERE id IN (
                        SELECT id FROM webhook_deliveries
                        WHERE webhook_id = $webhook AND state = 'pending' AND {DueAt} <= $now
                        ORDER BY next_attempt_at, id LIMIT $max)
                    RETURNING id, webhook_id, event, alert_id, payload, attempt_count
                    """);
                command.Parameters.AddWithValue("$owner", owner);
                command.Parameters.AddWithValue("$until", UnixMicros.From(leaseUntil));
                command.Parameters.AddWithValue("$webhook", webhookId);
                command.Parameters.AddWithValue("$now", UnixMicros.From(now));
                command.Parameters.AddWithValue("$first", Micros(firstAttemptDelay));
                command.Parameters.AddWithValue("$max", max);
                using var reader = command.ExecuteReader();
                var claimed = new List<ClaimedDelivery>();
                while (reader.Read())
                {
                    claimed.Add(new ClaimedDelivery(
                        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5)));
                }

                return claimed;
            },
            cancellationToken);
    }

    public Task RecordAsync(string owner, IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(outcomes);
        return database.WriteAsync(
            (connection, transaction) =>
            {
                // Not for a delivery deleted (with its webhook) while it was being sent.
                using var attempt = Command(connection, transaction, """
                    INSERT INTO webhook_attempts (delivery_id, at, status, duration_ms, error)
                    SELECT $id, $at, $status, $duration, $error WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = $id)
                    """);
                using var update = Command(connection, transaction, """
                    UPDATE webhook_deliveries
                    SET state = $state, next_attempt_at = coalesce($next, next_attempt_at), attempt_count = attempt_count + 1,
                        lease_owner = NULL, lease_until = NULL
                    WHERE id = $id AND state = 'pending' AND lease_owner = $owner
                    """);
                using var disable = Command(connection, transaction, """
                    UPDATE webhooks SET enabled = 0, disabled_reason = $reason, disabled_at = $at, updated_at = $at WHERE id = $id AND enabled = 1
                    """);
                foreach (var outcome in outcomes)
                {
                    attempt.Parameters.Clear();
                    attempt.Parameters.AddWithValue("$id", outcome.Delivery.Id);
                    attempt.Parameters.AddWithValue("$at", UnixMicros.From(outcome.Attempt.At));
                    attempt.Parameters.AddWithValue("$status", (object?)outcome.Attempt.Status ?? DBNull.Value);
                    attempt.Parameters.AddWithValue("$duration", outcome.Attempt.DurationMs);
                    attempt.Parameters.AddWithValue("$error", (object?)outcome.Attempt.Error ?? DBNull.Value);
                    attempt.ExecuteNonQuery();

                    update.Parameters.Clear();
                    update.Parameters.AddWithValue("$id", outcome.Delivery.Id);
                    update.Parameters.AddWithValue("$owner", owner);
                    update.Parameters.AddWithValue("$state", outcome.State.ToText());
                    update.Parameters.AddWithValue("$next", outcome.NextAttemptAt is { } next ? UnixMicros.From(next) : DBNull.Value);
                    if (update.ExecuteNonQuery() == 1 && outcome.DisableWebhook is { } reason)
                    {
                        disable.Parameters.Clear();
                        disable.Parameters.AddWithValue("$id", outcome.Delivery.WebhookId);
                        disable.Parameters.AddWithValue("$reason", reason);
                        disable.Parameters.AddWithValue("$at", UnixMicros.From(outcome.Attempt.At));
                        disable.ExecuteNonQuery();
                    }
                }

                return true;
            },
            cancellationToken);
    }

    public Task WaitForDeliveriesAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => outbox.WaitAsync(timeout, cancellationToken);

    /// <summary>Every enabled webhook, for <see cref="SqliteAlertStore"/> to match a transition against.</summary>
    internal static List<Webhook> ReadEnabled(SqliteConnection connection, SqliteTransaction transaction) =>
        Read(connection, transaction, $"SELECT {Columns} FROM webhooks WHERE enabled = 1", null);

    /// <summary>Adds deliveries to the outbox, due at <paramref name="now"/>; returns how many were new.</summary>
    internal static int AddDeliveries(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<NewDelivery> deliveries, DateTimeOffset now)
    {
        using var command = Command(connection, transaction, $"""
            INSERT INTO webhook_deliveries ({DeliveryColumns}) VALUES ($id, $webhook, $event, $alert, $payload, 'pending', $now, $now, 0)
            ON CONFLICT DO NOTHING
            """);
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var webhook = command.Parameters.Add("$webhook", SqliteType.Text);
        var eventType = command.Parameters.Add("$event", SqliteType.Text);
        var alert = command.Parameters.Add("$alert", SqliteType.Text);
        var payload = command.Parameters.Add("$payload", SqliteType.Text);
        command.Parameters.AddWithValue("$now", UnixMicros.From(now));
        int added = 0;
        foreach (var delivery in deliveries)
        {
            id.Value = delivery.Id;
            webhook.Value = delivery.WebhookId;
            eventType.Value = delivery.Event;
            alert.Value = delivery.AlertId;
            payload.Value = delivery.Payload;
            added += command.ExecuteNonQuery();
        }

        return added;
    }

    private const string Redeliver =
        "UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $at, attempt_count = 0, lease_owner = NULL, lease_until = NULL";

    private static long Micros(TimeSpan duration) => duration.Ticks / (TimeSpan.TicksPerMillisecond / 1000);


    private static void Write(SqliteConnection connection, SqliteTransaction transaction, Webhook webhook, bool insert)
    {
        using var command = Command(connection, transaction, insert
            ? $"""
                INSERT INTO webhooks ({Columns})
                VALUES ($id, $url, $description, $filter, $secret, $previousSecret, $previousExpires, $enabled, $reason, $disabledAt, $createdAt, $updatedAt)
                """
            : """
                UPDATE webhooks SET url = $url, description = $description, filter = $filter, secret = $secret, previous_secret = $previousSecret,
                    previous_secret_expires_at = $previousExpires, enabled = $enabled, disabled_reason = $reason, disabled_at = $disabledAt,
                    created_at = $createdAt, updated_at = $updatedAt
                WHERE id = $id
                """);
        command.Parameters.AddWithValue("$id", webhook.Id);
        command.Parameters.AddWithValue("$url", webhook.Url);
        command.Parameters.AddWithValue("$description", (object?)webhook.Description ?? DBNull.Value);
        command.Parameters.AddWithValue("$filter", WebhookFilterJson.Serialize(webhook.Filter));
        command.Parameters.AddWithValue("$secret", webhook.Secret);
        command.Parameters.AddWithValue("$previousSecret", (object?)webhook.PreviousSecret ?? DBNull.Value);
        command.Parameters.AddWithValue("$previousExpires", Micros(webhook.PreviousSecretExpiresAt));
        command.Parameters.AddWithValue("$enabled", webhook.Enabled);
        command.Parameters.AddWithValue("$reason", (object?)webhook.DisabledReason ?? DBNull.Value);
        command.Parameters.AddWithValue("$disabledAt", Micros(webhook.DisabledAt));
        command.Parameters.AddWithValue("$createdAt", UnixMicros.From(webhook.CreatedAt));
        command.Parameters.AddWithValue("$updatedAt", UnixMicros.From(webhook.UpdatedAt));
        command.ExecuteNonQuery();
    }

    private static object Micros(DateTimeOffset? time) => time is { } value ? UnixMicros.From(value) : DBNull.Value;

    private static Webhook? Find(SqliteConnection connection, SqliteTransaction? transaction, string id) =>
        Read(connection, transaction, $"SELECT {Columns} FROM webhooks WHERE id = $id", command => command.Parameters.AddWithValue("$id", id)).SingleOrDefault();

    private static List<Webhook> Read(SqliteConnection connection, SqliteTransaction? transaction, string sql, Action<SqliteCommand>? bind)
    {
        using var command = Command(connection, transaction, sql);
        bind?.Invoke(command);
        using var reader = command.ExecuteReader();
        var webhooks = new List<Webhook>();
        while (reader.Read())
        {
            webhooks.Add(new Webhook(
                reader.GetString(0),
                reader.GetString(1),
                Text(reader, 2),
                WebhookFilterJson.Parse(reader.GetString(3)),
                reader.GetString(4),
                Text(reader, 5),
                Time(reader, 6),
                reader.GetBoolean(7),
                Text(reader, 8),
                Time(reader, 9),
                UnixMicros.ToTime(reader.GetInt64(10)),
                UnixMicros.ToTime(reader.GetInt64(11))));
        }

        return webhooks;
    }

    private static StoredDelivery? FindDelivery(SqliteConnection connection, SqliteTransaction transaction, string webhookId, string deliveryId)
    {
        using var command = Command(connection, transaction, $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE webhook_id = $webhook AND id = $id");
        command.Parameters.AddWithValue("$webhook", webhookId);
        command.Parameters.AddWithValue("$id", deliveryId);
        return ReadDeliveries(connection, transaction, command).SingleOrDefault();
    }

    /// <summary>The deliveries <paramref name="command"/> selects (<see cref="DeliveryColumns"/>), each with its attempts.</summary>
    private static List<StoredDelivery> ReadDeliveries(SqliteConnection connection, SqliteTransaction transaction, SqliteCommand command)
    {
        var rows = new List<StoredDelivery>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add(new StoredDelivery(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    WebhookRules.ParseState(reader.GetString(5)), UnixMicros.ToTime(reader.GetInt64(6)), UnixMicros.ToTime(reader.GetInt64(7)),
                    reader.GetInt32(8), []));
            }
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        var attempts = rows.ToDictionary(row => row.Id, _ => new List<DeliveryAttempt>(), StringComparer.Ordinal);
        using (var select = Command(connection, transaction, """
            SELECT delivery_id, at, status, duration_ms, error FROM webhook_attempts
            WHERE delivery_id IN (SELECT value FROM json_each($ids)) ORDER BY id
            """))
        {
            select.Parameters.AddWithValue("$ids", System.Text.Json.JsonSerializer.Serialize(attempts.Keys.ToArray()));
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                attempts[reader.GetString(0)].Add(new DeliveryAttempt(
                    UnixMicros.ToTime(reader.GetInt64(1)), reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.GetDouble(3), Text(reader, 4)));
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

    private static long Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        return (long)command.ExecuteScalar()!;
    }

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : UnixMicros.ToTime(reader.GetInt64(ordinal));
}

using Monitor.Core.Alerts;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Npgsql;
using NpgsqlTypes;
using static Monitor.Storage.Postgres.PostgresParameters;

namespace Monitor.Storage.Postgres;

internal sealed class PostgresWebhookStore(PostgresDatabase database, WebhookOutbox outbox) : IWebhookStore
{
    private const string Columns =
        "id, url, description, filter, secret, previous_secret, previous_secret_expires_at, enabled, disabled_reason, disabled_at, created_at, updated_at";

    private const string DeliveryColumns = "id, webhook_id, event, alert_id, payload, state, created_at, next_attempt_at, attempt_count";

    /// <summary>When a pending delivery is due: its next attempt (plus the first delay, $1, before a first attempt), or the end of its lease if later.</summary>
    private const string DueAt =
        "greatest(next_attempt_at + CASE WHEN attempt_count = 0 THEN $1 ELSE interval '0' END, coalesce(lease_until, '-infinity'))";

    private const string Redeliver =
        "UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $3, attempt_count = 0, lease_owner = NULL, lease_until = NULL";

    public async Task<Webhook> CreateAsync(WebhookRequest request, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var webhook = WebhookRules.NewWebhook(request, at);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await WriteAsync(connection, null, webhook, insert: true, cancellationToken).ConfigureAwait(false);
        return webhook;
    }

    public async Task<Webhook?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await FindAsync(connection, null, id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Webhook>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM webhooks ORDER BY created_at, id", connection);
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public Task<Webhook?> UpdateAsync(string id, WebhookChange change, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(change);
        return ChangeAsync(id, webhook => WebhookRules.Apply(webhook, change, at), cancellationToken);
    }

    public Task<Webhook?> RotateSecretAsync(string id, string secret, DateTimeOffset previousExpiresAt, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return ChangeAsync(id, webhook => WebhookRules.Rotate(webhook, secret, previousExpiresAt, at), cancellationToken);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE webhook_id = $1)") { Parameters = { Text(id) } },
                new NpgsqlBatchCommand("DELETE FROM webhook_deliveries WHERE webhook_id = $1") { Parameters = { Text(id) } },
                new NpgsqlBatchCommand("DELETE FROM webhooks WHERE id = $1") { Parameters = { Text(id) } },
            },
        };
        // A batch runs in one implicit transaction.
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return batch.BatchCommands[2].RecordsAffected > 0;
    }

    public async Task<IReadOnlyList<StoredDelivery>> ListDeliveriesAsync(string webhookId, DeliveryState? state, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT {DeliveryColumns} FROM webhook_deliveries
            WHERE webhook_id = $1 AND ($2::text IS NULL OR state = $2)
            ORDER BY created_at DESC, id DESC LIMIT $3
            """,
            connection,
            transaction)
        {
            Parameters = { Text(webhookId), Text(state?.ToText()), Int(limit) },
        };
        return await ReadDeliveriesAsync(connection, transaction, command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredDelivery?> GetDeliveryAsync(string webhookId, string deliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        ArgumentNullException.ThrowIfNull(deliveryId);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        return await FindDeliveryAsync(connection, transaction, webhookId, deliveryId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredDelivery?> RedeliverAsync(string webhookId, string deliveryId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        ArgumentNullException.ThrowIfNull(deliveryId);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand($"{Redeliver} WHERE webhook_id = $1 AND id = $2", connection, transaction)
        {
            Parameters = { Text(webhookId), Text(deliveryId), Time(at) },
        })
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var delivery = await FindDeliveryAsync(connection, transaction, webhookId, deliveryId, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        outbox.Notify();
        return delivery;
    }

    public async Task<int> RedeliverFailedAsync(string webhookId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"{Redeliver} WHERE webhook_id = $1 AND state = 'failed' AND created_at >= $2 AND created_at < $4", connection)
        {
            Parameters = { Text(webhookId), Time(from), Time(at), Time(to) },
        };
        int count = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        outbox.Notify();
        return count;
    }

    public async Task<IReadOnlyList<WebhookBacklog>> ListBacklogAsync(TimeSpan firstAttemptDelay, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT webhook_id, count(*)::integer, min({DueAt}) FROM webhook_deliveries
            WHERE state = 'pending' AND webhook_id IN (SELECT id FROM webhooks WHERE enabled)
            GROUP BY webhook_id
            """,
            connection)
        {
            Parameters = { Interval(firstAttemptDelay) },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var backlog = new List<WebhookBacklog>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            backlog.Add(new WebhookBacklog(reader.GetString(0), reader.GetInt32(1), ReadTime(reader, 2)));
        }

        return backlog;
    }

    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(
        string webhookId, string owner, DateTimeOffset now, TimeSpan firstAttemptDelay, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        ArgumentNullException.ThrowIfNull(owner);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // SKIP LOCKED: dispatchers claiming at the same moment each take rows the others have not locked, without waiting.
        await using var command = new NpgsqlCommand(
            $"""
            UPDATE webhook_deliveries SET lease_owner = $2, lease_until = $3
            WHERE id IN (
                SELECT id FROM webhook_deliveries
                WHERE webhook_id = $4 AND state = 'pending' AND {DueAt} <= $5
                ORDER BY next_attempt_at, id LIMIT $6
                FOR UPDATE SKIP LOCKED)
            RETURNING id, webhook_id, event, alert_id, payload, attempt_count
            """,
            connection)
        {
            Parameters = { Interval(firstAttemptDelay), Text(owner), Time(leaseUntil), Text(webhookId), Time(now), Int(max) },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var claimed = new List<ClaimedDelivery>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add(new ClaimedDelivery(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5)));
        }

        return claimed;
    }

    public async Task RecordAsync(string owner, IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken cancellationToken = default)
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
            // Not for a delivery deleted (with its webhook) while it was being sent.
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                """
                INSERT INTO webhook_attempts (delivery_id, at, status, duration_ms, error)
                SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = $1)
                """)
            {
                Parameters =
                {
                    Text(outcome.Delivery.Id), Time(attempt.At), new NpgsqlParameter<int?> { TypedValue = attempt.Status, NpgsqlDbType = NpgsqlDbType.Integer },
                    new NpgsqlParameter<double> { TypedValue = attempt.DurationMs }, Text(attempt.Error),
                },
            });
            // A webhook is disabled only by the dispatcher that still held the delivery (the CTE's row).
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                """
                WITH changed AS (
                    UPDATE webhook_deliveries
                    SET state = $3, next_attempt_at = coalesce($4, next_attempt_at), attempt_count = attempt_count + 1,
                        lease_owner = NULL, lease_until = NULL
                    WHERE id = $1 AND state = 'pending' AND lease_owner = $2
                    RETURNING webhook_id)
                UPDATE webhooks SET enabled = false, disabled_reason = $5, disabled_at = $6, updated_at = $6
                WHERE $5::text IS NOT NULL AND enabled AND id IN (SELECT webhook_id FROM changed)
                """)
            {
                Parameters =
                {
                    Text(outcome.Delivery.Id), Text(owner), Text(outcome.State.ToText()),
                    new NpgsqlParameter<DateTime?> { TypedValue = outcome.NextAttemptAt is { } next ? UnixMicros.ToUtcDateTime(next) : null, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                    Text(outcome.DisableWebhook), Time(attempt.At),
                },
            });
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task WaitForDeliveriesAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => outbox.WaitAsync(timeout, cancellationToken);

    /// <summary>Every enabled webhook, for <see cref="PostgresAlertStore"/> to match a transition against.</summary>
    internal static async Task<List<Webhook>> ReadEnabledAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM webhooks WHERE enabled", connection, transaction);
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds deliveries to the outbox, due at <paramref name="now"/>; returns how many were new.</summary>
    internal static async Task<int> AddDeliveriesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<NewDelivery> deliveries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int added = 0;
        foreach (var delivery in deliveries)
        {
            await using var command = new NpgsqlCommand(
                $"""
                INSERT INTO webhook_deliveries ({DeliveryColumns}) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6, 0)
                ON CONFLICT DO NOTHING
                """,
                connection,
                transaction)
            {
                Parameters = { Text(delivery.Id), Text(delivery.WebhookId), Text(delivery.Event), Text(delivery.AlertId), Text(delivery.Payload), Time(now) },
            };
            added += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return added;
    }

    private static NpgsqlParameter<TimeSpan> Interval(TimeSpan value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Interval };

    private async Task<Webhook?> ChangeAsync(string id, Func<Webhook, Webhook> change, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await FindAsync(connection, transaction, id, cancellationToken, forUpdate: true).ConfigureAwait(false) is not { } webhook)
        {
            return null;
        }

        var changed = change(webhook);
        await WriteAsync(connection, transaction, changed, insert: false, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed;
    }

    private static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Webhook webhook, bool insert, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            insert
                ? $"INSERT INTO webhooks ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                : """
                  UPDATE webhooks SET url = $2, description = $3, filter = $4, secret = $5, previous_secret = $6, previous_secret_expires_at = $7,
                      enabled = $8, disabled_reason = $9, disabled_at = $10, created_at = $11, updated_at = $12
                  WHERE id = $1
                  """,
            connection,
            transaction)
        {
            Parameters =
            {
                Text(webhook.Id), Text(webhook.Url), Text(webhook.Description), Text(WebhookFilterJson.Serialize(webhook.Filter)), Text(webhook.Secret),
                Text(webhook.PreviousSecret), OptionalTime(webhook.PreviousSecretExpiresAt), Bool(webhook.Enabled), Text(webhook.DisabledReason),
                OptionalTime(webhook.DisabledAt), Time(webhook.CreatedAt), Time(webhook.UpdatedAt),
            },
        };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlParameter<DateTime?> OptionalTime(DateTimeOffset? time) =>
        new() { TypedValue = time is { } value ? UnixMicros.ToUtcDateTime(value) : null, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static async Task<Webhook?> FindAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string id, CancellationToken cancellationToken, bool forUpdate = false)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM webhooks WHERE id = $1{(forUpdate ? " FOR UPDATE" : "")}", connection, transaction)
        {
            Parameters = { Text(id) },
        };
        return (await ReadAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    private static async Task<List<Webhook>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var webhooks = new List<Webhook>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            webhooks.Add(new Webhook(
                reader.GetString(0),
                reader.GetString(1),
                ReadText(reader, 2),
                WebhookFilterJson.Parse(reader.GetString(3)),
                reader.GetString(4),
                ReadText(reader, 5),
                reader.IsDBNull(6) ? null : ReadTime(reader, 6),
                reader.GetBoolean(7),
                ReadText(reader, 8),
                reader.IsDBNull(9) ? null : ReadTime(reader, 9),
                ReadTime(reader, 10),
                ReadTime(reader, 11)));
        }

        return webhooks;
    }

    private static async Task<StoredDelivery?> FindDeliveryAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string webhookId, string deliveryId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE webhook_id = $1 AND id = $2", connection, transaction)
        {
            Parameters = { Text(webhookId), Text(deliveryId) },
        };
        return (await ReadDeliveriesAsync(connection, transaction, command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>The deliveries <paramref name="command"/> selects (<see cref="DeliveryColumns"/>), each with its attempts.</summary>
    private static async Task<List<StoredDelivery>> ReadDeliveriesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<StoredDelivery>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new StoredDelivery(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    WebhookRules.ParseState(reader.GetString(5)), ReadTime(reader, 6), ReadTime(reader, 7), reader.GetInt32(8), []));
            }
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        var attempts = rows.ToDictionary(row => row.Id, _ => new List<DeliveryAttempt>(), StringComparer.Ordinal);
        await using (var select = new NpgsqlCommand(
            "SELECT delivery_id, at, status, duration_ms, error FROM webhook_attempts WHERE delivery_id = ANY($1) ORDER BY id", connection, transaction)
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

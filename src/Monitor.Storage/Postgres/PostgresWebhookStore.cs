using Monitor.Core.Alerts;
using Monitor.Core.Rules;
using Monitor.Core.Webhooks;
using Npgsql;
using static Monitor.Storage.Postgres.PostgresParameters;

namespace Monitor.Storage.Postgres;

/// <summary>The webhook tables in PostgreSQL: SQL only, for <see cref="WebhookStore"/>.</summary>
internal sealed class PostgresWebhookStore(PostgresDatabase database) : IWebhookTables
{
    private const string Columns = WebhookColumns.Webhook;

    private const string DeliveryColumns = WebhookColumns.Delivery;

    private readonly PostgresOutbox _outbox = new(database, OutboxTables.Webhooks);

    public async Task InsertAsync(Webhook webhook, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await WriteAsync(connection, null, webhook, insert: true, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Webhook?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await FindAsync(connection, null, id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Webhook>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM webhooks ORDER BY created_at, id", connection);
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Webhook?> ChangeAsync(string id, Func<Webhook, Webhook> change, CancellationToken cancellationToken)
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

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
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

    public async Task<IReadOnlyList<StoredDelivery>> ListDeliveriesAsync(string webhookId, DeliveryState? state, int limit, CancellationToken cancellationToken)
    {
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
        return await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredDelivery?> FindDeliveryAsync(string webhookId, string deliveryId, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        return await FindDeliveryAsync(connection, transaction, webhookId, deliveryId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredDelivery?> ResetDeliveryAsync(string webhookId, string deliveryId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand($"{_outbox.Reset} WHERE webhook_id = $2 AND id = $3", connection, transaction)
        {
            Parameters = { Time(at), Text(webhookId), Text(deliveryId) },
        })
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var delivery = await FindDeliveryAsync(connection, transaction, webhookId, deliveryId, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return delivery;
    }

    public async Task<int> ResetFailedAsync(string webhookId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"{_outbox.Reset} WHERE webhook_id = $2 AND state = 'failed' AND created_at >= $3 AND created_at < $4", connection)
        {
            Parameters = { Time(at), Text(webhookId), Time(from), Time(to) },
        };
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<IOutboxWriter> BeginRecordingAsync(CancellationToken cancellationToken) => _outbox.BeginAsync(cancellationToken);

    public Task<IReadOnlyList<WebhookBacklog>> ListBacklogAsync(TimeSpan firstAttemptDelay, CancellationToken cancellationToken) =>
        _outbox.ListBacklogAsync(
            firstAttemptDelay, "SELECT id FROM webhooks WHERE enabled", (webhook, pending, due) => new WebhookBacklog(webhook, pending, due), cancellationToken);

    public Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(
        string webhookId, string owner, DateTimeOffset now, TimeSpan firstAttemptDelay, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken) =>
        _outbox.ClaimAsync(
            webhookId, owner, now, firstAttemptDelay, leaseUntil, max, WebhookColumns.Claimed, WebhookColumns.ReadClaimed, cancellationToken);

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
                Text(webhook.PreviousSecret), NullableTime(webhook.PreviousSecretExpiresAt), Bool(webhook.Enabled), Text(webhook.DisabledReason),
                NullableTime(webhook.DisabledAt), Time(webhook.CreatedAt), Time(webhook.UpdatedAt),
            },
        };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

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

    private async Task<StoredDelivery?> FindDeliveryAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string webhookId, string deliveryId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE webhook_id = $1 AND id = $2", connection, transaction)
        {
            Parameters = { Text(webhookId), Text(deliveryId) },
        };
        return (await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>The deliveries <paramref name="command"/> selects (<see cref="DeliveryColumns"/>), each with its attempts.</summary>
    private Task<List<StoredDelivery>> ReadDeliveriesAsync(NpgsqlCommand command, CancellationToken cancellationToken) =>
        _outbox.ReadEntriesAsync(
            command,
            reader => new StoredDelivery(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                OutboxState.Parse(reader.GetString(5)), ReadTime(reader, 6), ReadTime(reader, 7), reader.GetInt32(8), []),
            delivery => delivery.Id,
            (delivery, attempts) => delivery with { Attempts = attempts },
            cancellationToken);
}

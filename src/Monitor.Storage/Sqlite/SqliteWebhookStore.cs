using Microsoft.Data.Sqlite;
using Monitor.Core.Alerts;
using Monitor.Core.Rules;
using static Monitor.Storage.Sqlite.SqliteCommands;
using Monitor.Core.Webhooks;

namespace Monitor.Storage.Sqlite;

/// <summary>The webhook tables in SQLite: SQL only, for <see cref="WebhookStore"/>.</summary>
internal sealed class SqliteWebhookStore(SqliteDatabase database) : IWebhookTables
{
    private const string Columns = WebhookColumns.Webhook;

    private const string DeliveryColumns = WebhookColumns.Delivery;

    private readonly SqliteOutbox _outbox = new(database, OutboxTables.Webhooks);

    public Task InsertAsync(Webhook webhook, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (connection, transaction) =>
            {
                Write(connection, transaction, webhook, insert: true);
                return true;
            },
            cancellationToken);

    public Task<Webhook?> FindAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        return Task.FromResult(Find(connection, null, id));
    }

    public Task<IReadOnlyList<Webhook>> ListAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        return Task.FromResult<IReadOnlyList<Webhook>>(Read(connection, null, $"SELECT {Columns} FROM webhooks ORDER BY created_at, id", null));
    }

    public Task<Webhook?> ChangeAsync(string id, Func<Webhook, Webhook> change, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (connection, transaction) =>
            {
                if (Find(connection, transaction, id) is not { } webhook)
                {
                    return null;
                }

                var changed = change(webhook);
                Write(connection, transaction, changed, insert: false);
                return changed;
            },
            cancellationToken);

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        database.WriteAsync(
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

    public Task<IReadOnlyList<StoredDelivery>> ListDeliveriesAsync(string webhookId, DeliveryState? state, int limit, CancellationToken cancellationToken)
    {
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
        return Task.FromResult<IReadOnlyList<StoredDelivery>>(ReadDeliveries(command));
    }

    public Task<StoredDelivery?> FindDeliveryAsync(string webhookId, string deliveryId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var transaction = connection.BeginTransaction(deferred: true);
        return Task.FromResult(FindDelivery(connection, transaction, webhookId, deliveryId));
    }

    public Task<StoredDelivery?> ResetDeliveryAsync(string webhookId, string deliveryId, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (connection, transaction) =>
            {
                using var command = Command(connection, transaction, $"{_outbox.Reset} WHERE webhook_id = $webhook AND id = $id");
                command.Parameters.AddWithValue("$webhook", webhookId);
                command.Parameters.AddWithValue("$id", deliveryId);
                command.Parameters.AddWithValue("$at", UnixMicros.From(at));
                command.ExecuteNonQuery();
                return FindDelivery(connection, transaction, webhookId, deliveryId);
            },
            cancellationToken);

    public Task<int> ResetFailedAsync(string webhookId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (connection, transaction) =>
            {
                using var command = Command(
                    connection, transaction, $"{_outbox.Reset} WHERE webhook_id = $webhook AND state = 'failed' AND created_at >= $from AND created_at < $to");
                command.Parameters.AddWithValue("$webhook", webhookId);
                command.Parameters.AddWithValue("$from", UnixMicros.From(from));
                command.Parameters.AddWithValue("$to", UnixMicros.From(to));
                command.Parameters.AddWithValue("$at", UnixMicros.From(at));
                return command.ExecuteNonQuery();
            },
            cancellationToken);

    public Task<IOutboxWriter> BeginRecordingAsync(CancellationToken cancellationToken) => _outbox.BeginAsync(cancellationToken);

    public Task<IReadOnlyList<WebhookBacklog>> ListBacklogAsync(TimeSpan firstAttemptDelay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(
            _outbox.ListBacklog(firstAttemptDelay, "SELECT id FROM webhooks WHERE enabled = 1", (webhook, pending, due) => new WebhookBacklog(webhook, pending, due)));
    }

    public Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(
        string webhookId, string owner, DateTimeOffset now, TimeSpan firstAttemptDelay, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken) =>
        _outbox.ClaimAsync(
            webhookId, owner, now, firstAttemptDelay, leaseUntil, max, WebhookColumns.Claimed, WebhookColumns.ReadClaimed, cancellationToken);

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

    private StoredDelivery? FindDelivery(SqliteConnection connection, SqliteTransaction transaction, string webhookId, string deliveryId)
    {
        using var command = Command(connection, transaction, $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE webhook_id = $webhook AND id = $id");
        command.Parameters.AddWithValue("$webhook", webhookId);
        command.Parameters.AddWithValue("$id", deliveryId);
        return ReadDeliveries(command).SingleOrDefault();
    }

    /// <summary>The deliveries <paramref name="command"/> selects (<see cref="DeliveryColumns"/>), each with its attempts.</summary>
    private List<StoredDelivery> ReadDeliveries(SqliteCommand command) =>
        _outbox.ReadEntries(
            command,
            reader => new StoredDelivery(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                OutboxState.Parse(reader.GetString(5)), UnixMicros.ToTime(reader.GetInt64(6)), UnixMicros.ToTime(reader.GetInt64(7)),
                reader.GetInt32(8), []),
            delivery => delivery.Id,
            (delivery, attempts) => delivery with { Attempts = attempts });


    private static long Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        return (long)command.ExecuteScalar()!;
    }

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : UnixMicros.ToTime(reader.GetInt64(ordinal));
}

using System.Text.Json;
using Monitor.Core.Ports;
using Npgsql;
using static Monitor.Storage.Postgres.PostgresParameters;

namespace Monitor.Storage.Postgres;

/// <summary>The notification outbox in PostgreSQL: SQL only, for <see cref="NotificationStore"/>.</summary>
internal sealed class PostgresNotificationStore(PostgresDatabase database) : INotificationTables
{
    private const string Columns = NotificationStore.Columns;

    private readonly PostgresOutbox _outbox = new(database, OutboxTables.Notifications);

    public async Task<int> InsertAsync(IReadOnlyList<NewNotification> notifications, DateTimeOffset now, CancellationToken cancellationToken)
    {
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

        return await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredNotification>> ListAsync(NotificationLogQuery query, CancellationToken cancellationToken)
    {
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
            Parameters = { Text(query.Receiver), NullableTime(query.From), NullableTime(query.To), Int(query.Limit) },
        };
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredNotification?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        return await FindAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredNotification?> ResetAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand($"{_outbox.Reset} WHERE id = $2", connection, transaction)
        {
            Parameters = { Time(at), Text(id) },
        })
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var notification = await FindAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return notification;
    }

    public Task<IReadOnlyList<NotificationBacklog>> ListBacklogAsync(CancellationToken cancellationToken) =>
        _outbox.ListBacklogAsync(TimeSpan.Zero, null, (receiver, pending, due) => new NotificationBacklog(receiver, pending, due), cancellationToken);

    public Task<IReadOnlyList<ClaimedNotification>> ClaimAsync(
        string receiver, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken) =>
        _outbox.ClaimAsync(
            receiver, owner, now, TimeSpan.Zero, leaseUntil, max, NotificationStore.ClaimedColumns, NotificationStore.ReadClaimed, cancellationToken);

    public Task<IOutboxWriter> BeginRecordingAsync(CancellationToken cancellationToken) => _outbox.BeginAsync(cancellationToken);

    private async Task<StoredNotification?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM notification_outbox WHERE id = $1", connection, transaction)
        {
            Parameters = { Text(id) },
        };
        return (await ReadAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>The notifications <paramref name="command"/> selects (<see cref="Columns"/>), each with its attempts.</summary>
    private Task<List<StoredNotification>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken) =>
        _outbox.ReadEntriesAsync(
            command,
            reader => new StoredNotification(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                JsonSerializer.Deserialize<string[]>(reader.GetString(5)) ?? [], reader.GetString(6),
                OutboxState.Parse(reader.GetString(7)), ReadTime(reader, 8), ReadTime(reader, 9), reader.GetInt32(10), []),
            notification => notification.Id,
            (notification, attempts) => notification with { Attempts = attempts },
            cancellationToken);
}

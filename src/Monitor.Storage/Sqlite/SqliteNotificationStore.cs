using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitor.Core.Ports;
using static Monitor.Storage.Sqlite.SqliteCommands;

namespace Monitor.Storage.Sqlite;

/// <summary>The notification outbox in SQLite: SQL only, for <see cref="NotificationStore"/>.</summary>
internal sealed class SqliteNotificationStore(SqliteDatabase database) : INotificationTables
{
    private const string Columns = NotificationStore.Columns;

    private static readonly string[] AddedColumns = ["$id", "$receiver", "$kind", "$group", "$status", "$alerts", "$payload"];

    private readonly SqliteOutbox _outbox = new(database, OutboxTables.Notifications);

    public Task<int> InsertAsync(IReadOnlyList<NewNotification> notifications, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(
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
            cancellationToken);

    public Task<IReadOnlyList<StoredNotification>> ListAsync(NotificationLogQuery query, CancellationToken cancellationToken)
    {
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
        command.Parameters.AddWithValue("$limit", query.Limit);
        return Task.FromResult<IReadOnlyList<StoredNotification>>(Read(command));
    }

    public Task<StoredNotification?> FindAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var transaction = connection.BeginTransaction(deferred: true);
        return Task.FromResult(Find(connection, transaction, id));
    }

    public Task<StoredNotification?> ResetAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (connection, transaction) =>
            {
                using var command = Command(connection, transaction, $"{_outbox.Reset} WHERE id = $id");
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$at", UnixMicros.From(at));
                command.ExecuteNonQuery();
                return Find(connection, transaction, id);
            },
            cancellationToken);

    public Task<IReadOnlyList<NotificationBacklog>> ListBacklogAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_outbox.ListBacklog(TimeSpan.Zero, null, (receiver, pending, due) => new NotificationBacklog(receiver, pending, due)));
    }

    public Task<IReadOnlyList<ClaimedNotification>> ClaimAsync(
        string receiver, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken) =>
        _outbox.ClaimAsync(
            receiver, owner, now, TimeSpan.Zero, leaseUntil, max, NotificationStore.ClaimedColumns, NotificationStore.ReadClaimed, cancellationToken);

    public Task<IOutboxWriter> BeginRecordingAsync(CancellationToken cancellationToken) => _outbox.BeginAsync(cancellationToken);

    private StoredNotification? Find(SqliteConnection connection, SqliteTransaction transaction, string id)
    {
        using var command = Command(connection, transaction, $"SELECT {Columns} FROM notification_outbox WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        return Read(command).SingleOrDefault();
    }

    /// <summary>The notifications <paramref name="command"/> selects (<see cref="Columns"/>), each with its attempts.</summary>
    private List<StoredNotification> Read(SqliteCommand command) =>
        _outbox.ReadEntries(
            command,
            reader => new StoredNotification(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                JsonSerializer.Deserialize<string[]>(reader.GetString(5)) ?? [], reader.GetString(6),
                OutboxState.Parse(reader.GetString(7)), UnixMicros.ToTime(reader.GetInt64(8)), UnixMicros.ToTime(reader.GetInt64(9)),
                reader.GetInt32(10), []),
            notification => notification.Id,
            (notification, attempts) => notification with { Attempts = attempts });
}

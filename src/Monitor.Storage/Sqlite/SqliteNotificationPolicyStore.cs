using Microsoft.Data.Sqlite;
using Monitor.Core.Ports;
using static Monitor.Storage.Sqlite.SqliteCommands;

namespace Monitor.Storage.Sqlite;

internal sealed class SqliteNotificationPolicyStore(SqliteDatabase database) : INotificationPolicyStore
{
    public Task<StoredNotificationPolicy?> GetAsync(CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT document, updated_at, updated_by FROM notification_policy WHERE id = 1";
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read()
            ? new StoredNotificationPolicy(reader.GetString(0), UnixMicros.ToTime(reader.GetInt64(1)), reader.IsDBNull(2) ? null : reader.GetString(2))
            : null);
    }

    public Task SaveAsync(string? document, string? by, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) =>
        {
            if (document is null)
            {
                SqliteDatabase.Execute(connection, "DELETE FROM notification_policy; DELETE FROM notification_inbox; UPDATE notification_runner SET state = NULL;", transaction);
                return 0;
            }

            using var command = Command(connection, transaction, """
                INSERT INTO notification_policy (id, document, updated_at, updated_by) VALUES (1, $document, $at, $by)
                ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """);
            command.Parameters.AddWithValue("$document", document);
            command.Parameters.AddWithValue("$at", UnixMicros.From(at));
            command.Parameters.AddWithValue("$by", (object?)by ?? DBNull.Value);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public Task<bool> TryLeaseAsync(string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) =>
        {
            using var command = Command(connection, transaction, """
                INSERT INTO notification_runner (id, owner, lease_until) VALUES (1, $owner, $until)
                ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
                WHERE notification_runner.owner = excluded.owner OR notification_runner.lease_until <= $now
                """);
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$until", UnixMicros.From(until));
            command.Parameters.AddWithValue("$now", UnixMicros.From(now));
            return command.ExecuteNonQuery() > 0;
        }, cancellationToken);

    public Task<string?> ReadStateAsync(CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state FROM notification_runner WHERE id = 1";
        return Task.FromResult(command.ExecuteScalar() as string);
    }

    public Task<IReadOnlyList<NotificationInboxEntry>> ReadInboxAsync(int max, CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, alert_id, at FROM notification_inbox ORDER BY seq LIMIT $max";
        command.Parameters.AddWithValue("$max", max);
        using var reader = command.ExecuteReader();
        var entries = new List<NotificationInboxEntry>();
        while (reader.Read())
        {
            entries.Add(new NotificationInboxEntry(reader.GetInt64(0), reader.GetString(1), UnixMicros.ToTime(reader.GetInt64(2))));
        }

        return Task.FromResult<IReadOnlyList<NotificationInboxEntry>>(entries);
    }

    public Task<bool> CommitAsync(string owner, string state, IReadOnlyList<long> processed, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) =>
        {
            using (var command = Command(connection, transaction, "UPDATE notification_runner SET state = $state WHERE id = 1 AND owner = $owner"))
            {
                command.Parameters.AddWithValue("$state", state);
                command.Parameters.AddWithValue("$owner", owner);
                if (command.ExecuteNonQuery() == 0)
                {
                    return false;
                }
            }

            using var delete = Command(connection, transaction, "DELETE FROM notification_inbox WHERE seq = $seq");
            var seq = delete.Parameters.Add("$seq", SqliteType.Integer);
            foreach (long sequence in processed)
            {
                seq.Value = sequence;
                delete.ExecuteNonQuery();
            }

            return true;
        }, cancellationToken);
}

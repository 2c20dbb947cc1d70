using Monitor.Core.Ports;
using Npgsql;
using static Monitor.Storage.Postgres.PostgresParameters;

namespace Monitor.Storage.Postgres;

internal sealed class PostgresNotificationPolicyStore(PostgresDatabase database) : INotificationPolicyStore
{
    /// <summary>Adds an inbox entry for alert <c>$1</c> changed at <c>$2</c>, if a policy is in force.</summary>
    internal const string AddToInbox = "INSERT INTO notification_inbox (alert_id, at) SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM notification_policy)";

    public async Task<StoredNotificationPolicy?> GetAsync(CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand("SELECT document, updated_at, updated_by FROM notification_policy WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredNotificationPolicy(reader.GetString(0), ReadTime(reader, 1), ReadText(reader, 2))
            : null;
    }

    public async Task SaveAsync(string? document, string? by, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand(document is null
            ? "DELETE FROM notification_policy; DELETE FROM notification_inbox; UPDATE notification_runner SET state = NULL;"
            : """
              INSERT INTO notification_policy (id, document, updated_at, updated_by) VALUES (1, $1, $2, $3)
              ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at, updated_by = excluded.updated_by
              """);
        if (document is not null)
        {
            command.Parameters.Add(Text(document));
            command.Parameters.Add(Time(at));
            command.Parameters.Add(Text(by));
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> TryLeaseAsync(string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand(
            """
            INSERT INTO notification_runner AS r (id, owner, lease_until) VALUES (1, $1, $2)
            ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
            WHERE r.owner = excluded.owner OR r.lease_until <= $3
            """);
        command.Parameters.Add(Text(owner));
        command.Parameters.Add(Time(until));
        command.Parameters.Add(Time(now));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<string?> ReadStateAsync(CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand("SELECT state FROM notification_runner WHERE id = 1");
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task<IReadOnlyList<NotificationInboxEntry>> ReadInboxAsync(int max, CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand("SELECT seq, alert_id, at FROM notification_inbox ORDER BY seq LIMIT $1");
        command.Parameters.Add(Int(max));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<NotificationInboxEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new NotificationInboxEntry(reader.GetInt64(0), reader.GetString(1), ReadTime(reader, 2)));
        }

        return entries;
    }

    public async Task<bool> CommitAsync(string owner, string state, IReadOnlyList<long> processed, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var update = new NpgsqlCommand("UPDATE notification_runner SET state = $1 WHERE id = 1 AND owner = $2", connection, transaction)
        {
            Parameters = { Text(state), Text(owner) },
        })
        {
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return false;
            }
        }

        await using (var delete = new NpgsqlCommand("DELETE FROM notification_inbox WHERE seq = ANY($1)", connection, transaction)
        {
            Parameters = { new NpgsqlParameter<long[]> { TypedValue = [.. processed] } },
        })
        {
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}

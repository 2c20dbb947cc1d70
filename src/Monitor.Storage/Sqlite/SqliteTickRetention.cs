using Monitor.Core.Ports;

namespace Monitor.Storage.Sqlite;

/// <summary>
/// Retention for the embedded store, which has no partitions: each instrument's tick table loses its rows older than
/// the retention, one table per write so that appends wait at most for one table's delete.
/// </summary>
internal sealed class SqliteTickRetention(SqliteDatabase database) : ITickRetention
{
    public async Task<TickRetentionResult> MaintainAsync(DateTimeOffset now, TimeSpan? retention, CancellationToken cancellationToken = default)
    {
        if (retention is not { } keep)
        {
            return new TickRetentionResult(0, [], 0);
        }

        long cutoff = UnixMicros.From(now - keep);
        long deleted = 0;
        foreach (string table in TickTables())
        {
            deleted += await database.WriteAsync(
                (connection, transaction) =>
                {
                    using var command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = $"DELETE FROM {table} WHERE time < $cutoff";
                    command.Parameters.AddWithValue("$cutoff", cutoff);
                    return command.ExecuteNonQuery();
                },
                cancellationToken).ConfigureAwait(false);
        }

        return new TickRetentionResult(0, [], deleted);
    }

    private List<string> TickTables()
    {
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM instruments ORDER BY id";
        using var reader = command.ExecuteReader();
        var tables = new List<string>();
        while (reader.Read())
        {
            tables.Add(SqliteDatabase.TickTable(reader.GetInt64(0)));
        }

        return tables;
    }
}

using Microsoft.Data.Sqlite;
using Monitor.Core.Ports;

namespace Monitor.Storage.Sqlite;

internal sealed class SqliteSilenceStore(SqliteDatabase database) : ISilenceStore
{
    private const string Columns = "id, rule_id, instrument, starts_at, ends_at, comment, created_by, created_at";

    public async Task<Silence> CreateAsync(SilenceRequest request, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var silence = SilenceRules.NewSilence(request, at);
        await database.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = database.Writer.CreateCommand();
            command.CommandText = $"""
                INSERT INTO silences ({Columns})
                VALUES ($id, $ruleId, $instrument, $startsAt, $endsAt, $comment, $createdBy, $createdAt)
                """;
            command.Parameters.AddWithValue("$id", silence.Id);
            command.Parameters.AddWithValue("$ruleId", (object?)silence.RuleId ?? DBNull.Value);
            command.Parameters.AddWithValue("$instrument", (object?)silence.Instrument ?? DBNull.Value);
            command.Parameters.AddWithValue("$startsAt", UnixMicros.From(silence.StartsAt));
            command.Parameters.AddWithValue("$endsAt", UnixMicros.From(silence.EndsAt));
            command.Parameters.AddWithValue("$comment", silence.Comment);
            command.Parameters.AddWithValue("$createdBy", silence.CreatedBy);
            command.Parameters.AddWithValue("$createdAt", UnixMicros.From(silence.CreatedAt));
            command.ExecuteNonQuery();
            return silence;
        }
        finally
        {
            database.WriteLock.Release();
        }
    }

    public Task<IReadOnlyList<Silence>> ListAsync(DateTimeOffset? activeAt = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        IReadOnlyList<Silence> silences = activeAt is { } at
            ? ReadOverlapping(connection, null, at, at)
            : Read(connection, null, $"SELECT {Columns} FROM silences ORDER BY starts_at, id", null);
        return Task.FromResult(silences);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await database.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = database.Writer.CreateCommand();
            command.CommandText = "DELETE FROM silences WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            return command.ExecuteNonQuery() > 0;
        }
        finally
        {
            database.WriteLock.Release();
        }
    }

    /// <summary>Silences active at some time in [<paramref name="from"/>, <paramref name="to"/>], by start then id.</summary>
    internal static List<Silence> ReadOverlapping(SqliteConnection connection, SqliteTransaction? transaction, DateTimeOffset from, DateTimeOffset to) =>
        Read(
            connection,
            transaction,
            $"SELECT {Columns} FROM silences WHERE starts_at <= $to AND ends_at > $from ORDER BY starts_at, id",
            command =>
            {
                command.Parameters.AddWithValue("$from", UnixMicros.From(from));
                command.Parameters.AddWithValue("$to", UnixMicros.From(to));
            });

    private static List<Silence> Read(SqliteConnection connection, SqliteTransaction? transaction, string sql, Action<SqliteCommand>? bind)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        bind?.Invoke(command);
        using var reader = command.ExecuteReader();
        var silences = new List<Silence>();
        while (reader.Read())
        {
            silences.Add(new Silence(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                UnixMicros.ToTime(reader.GetInt64(3)),
                UnixMicros.ToTime(reader.GetInt64(4)),
                reader.GetString(5),
                reader.GetString(6),
                UnixMicros.ToTime(reader.GetInt64(7))));
        }

        return silences;
    }
}

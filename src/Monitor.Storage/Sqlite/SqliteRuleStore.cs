using Microsoft.Data.Sqlite;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Storage.Sqlite;

internal sealed class SqliteRuleStore(SqliteDatabase database) : IRuleStore
{
    private const string Columns = "id, definition, created_at, updated_at, version";

    public async Task<RulePutResult> PutAsync(RuleDefinition rule, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        string json = RuleJson.Serialize(rule);
        await database.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = database.Writer;
            using var transaction = connection.BeginTransaction();
            var existing = Find(connection, transaction, rule.Id);
            if (existing is not null && existing.Json == json)
            {
                return new RulePutResult(existing, RuleChange.Unchanged);
            }

            var stored = existing is null
                ? new StoredRule(rule.Id, json, Truncate(at), Truncate(at), 1)
                : existing with { Json = json, UpdatedAt = Truncate(at), Version = existing.Version + 1 };
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = $"""
                    INSERT INTO rules ({Columns}) VALUES ($id, $definition, $createdAt, $updatedAt, $version)
                    ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at, version = excluded.version
                    """;
                command.Parameters.AddWithValue("$id", stored.Id);
                command.Parameters.AddWithValue("$definition", stored.Json);
                command.Parameters.AddWithValue("$createdAt", UnixMicros.From(stored.CreatedAt));
                command.Parameters.AddWithValue("$updatedAt", UnixMicros.From(stored.UpdatedAt));
                command.Parameters.AddWithValue("$version", stored.Version);
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            return new RulePutResult(stored, existing is null ? RuleChange.Added : RuleChange.Replaced);
        }
        finally
        {
            database.WriteLock.Release();
        }
    }

    public async Task<StoredRule?> AddAsync(RuleDefinition rule, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var stored = new StoredRule(rule.Id, RuleJson.Serialize(rule), Truncate(at), Truncate(at), 1);
        await database.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = database.Writer.CreateCommand();
            command.CommandText = $"INSERT INTO rules ({Columns}) VALUES ($id, $definition, $at, $at, 1) ON CONFLICT (id) DO NOTHING";
            command.Parameters.AddWithValue("$id", stored.Id);
            command.Parameters.AddWithValue("$definition", stored.Json);
            command.Parameters.AddWithValue("$at", UnixMicros.From(stored.CreatedAt));
            return command.ExecuteNonQuery() == 1 ? stored : null;
        }
        finally
        {
            database.WriteLock.Release();
        }
    }

    public Task<StoredRule?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        return Task.FromResult(Find(connection, null, id));
    }

    public Task<IReadOnlyList<StoredRule>> ListAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM rules ORDER BY id";
        using var reader = command.ExecuteReader();
        var rules = new List<StoredRule>();
        while (reader.Read())
        {
            rules.Add(Read(reader));
        }

        return Task.FromResult<IReadOnlyList<StoredRule>>(rules);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await database.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = database.Writer.CreateCommand();
            command.CommandText = "DELETE FROM rules WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            return command.ExecuteNonQuery() > 0;
        }
        finally
        {
            database.WriteLock.Release();
        }
    }

    private static StoredRule? Find(SqliteConnection connection, SqliteTransaction? transaction, string id)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {Columns} FROM rules WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    private static StoredRule Read(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), UnixMicros.ToTime(reader.GetInt64(2)), UnixMicros.ToTime(reader.GetInt64(3)), reader.GetInt32(4));

    private static DateTimeOffset Truncate(DateTimeOffset time) => UnixMicros.ToTime(UnixMicros.From(time));
}

using Microsoft.Data.Sqlite;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Storage.Sqlite;

/// <summary>Rules and their versions; every change writes the rule, its version and the instruments it reads (<c>rule_instruments</c>)
/// in one transaction under the write lock.</summary>
internal sealed class SqliteRuleStore(SqliteDatabase database) : IRuleStore
{
    private const string Columns = "id, definition, created_at, updated_at, version";
    private const string VersionColumns = "rule_id, version, changed_at, changed_by, definition";

    public Task<RulePutResult> PutAsync(RuleDefinition rule, DateTimeOffset at, string changedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(changedBy);
        string json = RuleJson.Serialize(rule);
        return WriteAsync(
            (connection, transaction) =>
            {
                var existing = Find(connection, transaction, rule.Id);
                if (existing is not null && existing.Json == json)
                {
                    return new RulePutResult(existing, RuleChange.Unchanged);
                }

                int version = NextVersion(connection, transaction, rule.Id);
                var stored = existing is null
                    ? new StoredRule(rule.Id, json, UnixMicros.Truncate(at), UnixMicros.Truncate(at), version)
                    : existing with { Json = json, UpdatedAt = UnixMicros.Truncate(at), Version = version };
                Store(connection, transaction, stored, changedBy);
                Index(connection, transaction, rule.Id, RuleIndex.Of(rule));
                return new RulePutResult(stored, existing is null ? RuleChange.Added : RuleChange.Replaced);
            },
            cancellationToken);
    }

    public Task<StoredRule?> AddAsync(RuleDefinition rule, DateTimeOffset at, string changedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(changedBy);
        return WriteAsync(
            (connection, transaction) =>
            {
                if (Find(connection, transaction, rule.Id) is not null)
                {
                    return null;
                }

                var stored = new StoredRule(rule.Id, RuleJson.Serialize(rule), UnixMicros.Truncate(at), UnixMicros.Truncate(at), NextVersion(connection, transaction, rule.Id));
                Store(connection, transaction, stored, changedBy);
                Index(connection, transaction, rule.Id, RuleIndex.Of(rule));
                return stored;
            },
            cancellationToken);
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

    public Task<IReadOnlyList<StoredRule>> ListReadingAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM rules WHERE id IN (SELECT rule_id FROM rule_instruments WHERE instrument = $instrument) ORDER BY id";
        command.Parameters.AddWithValue("$instrument", instrument.Value);
        using var reader = command.ExecuteReader();
        var rules = new List<StoredRule>();
        while (reader.Read())
        {
            rules.Add(Read(reader));
        }

        return Task.FromResult<IReadOnlyList<StoredRule>>(rules);
    }

    /// <summary>Indexes every rule stored before <c>rule_instruments</c> existed (the schema upgrade to version 12 runs it).</summary>
    internal static void IndexAll(SqliteConnection connection, SqliteTransaction transaction)
    {
        var rules = new List<StoredRule>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT {Columns} FROM rules";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rules.Add(Read(reader));
            }
        }

        foreach (var (id, instruments) in RuleIndex.Of(rules))
        {
            Index(connection, transaction, id, instruments);
        }
    }

    public Task<bool> DeleteAsync(string id, DateTimeOffset at, string changedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(changedBy);
        return WriteAsync(
            (connection, transaction) =>
            {
                if (Find(connection, transaction, id) is null)
                {
                    return false;
                }

                int version = NextVersion(connection, transaction, id);
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = $"""
                    DELETE FROM rules WHERE id = $id;
                    DELETE FROM rule_instruments WHERE rule_id = $id;
                    INSERT INTO rule_versions ({VersionColumns}) VALUES ($id, $version, $at, $by, NULL);
                    """;
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$version", version);
                command.Parameters.AddWithValue("$at", UnixMicros.From(at));
                command.Parameters.AddWithValue("$by", changedBy);
                command.ExecuteNonQuery();
                return true;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<StoredRuleVersion>> ListVersionsAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {VersionColumns} FROM rule_versions WHERE rule_id = $id ORDER BY version DESC";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        var versions = new List<StoredRuleVersion>();
        while (reader.Read())
        {
            versions.Add(ReadVersion(reader));
        }

        return Task.FromResult<IReadOnlyList<StoredRuleVersion>>(versions);
    }

    public Task<StoredRuleVersion?> GetVersionAsync(string id, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {VersionColumns} FROM rule_versions WHERE rule_id = $id AND version = $version";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$version", version);
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadVersion(reader) : null);
    }

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> write, CancellationToken cancellationToken)
    {
        await database.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = database.Writer;
            using var transaction = connection.BeginTransaction();
            var result = write(connection, transaction);
            transaction.Commit();
            return result;
        }
        finally
        {
            database.WriteLock.Release();
        }
    }

    /// <summary>The rule's next version: one past the last of its history (which outlives a deletion).</summary>
    private static int NextVersion(SqliteConnection connection, SqliteTransaction transaction, string id)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT coalesce(max(version), 0) + 1 FROM rule_versions WHERE rule_id = $id";
        command.Parameters.AddWithValue("$id", id);
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Store(SqliteConnection connection, SqliteTransaction transaction, StoredRule stored, string changedBy)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT INTO rules ({Columns}) VALUES ($id, $definition, $createdAt, $updatedAt, $version)
            ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at, version = excluded.version;
            INSERT INTO rule_versions ({VersionColumns}) VALUES ($id, $version, $updatedAt, $by, $definition);
            """;
        command.Parameters.AddWithValue("$id", stored.Id);
        command.Parameters.AddWithValue("$definition", stored.Json);
        command.Parameters.AddWithValue("$createdAt", UnixMicros.From(stored.CreatedAt));
        command.Parameters.AddWithValue("$updatedAt", UnixMicros.From(stored.UpdatedAt));
        command.Parameters.AddWithValue("$version", stored.Version);
        command.Parameters.AddWithValue("$by", changedBy);
        command.ExecuteNonQuery();
    }

    /// <summary>Makes the rule's index rows the instruments it reads now.</summary>
    private static void Index(SqliteConnection connection, SqliteTransaction transaction, string id, IReadOnlyList<string> instruments)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM rule_instruments WHERE rule_id = $id";
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
        command.CommandText = "INSERT OR IGNORE INTO rule_instruments (instrument, rule_id) VALUES ($instrument, $id)";
        var instrument = command.Parameters.Add("$instrument", SqliteType.Text);
        foreach (string name in instruments)
        {
            instrument.Value = name;
            command.ExecuteNonQuery();
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

    private static StoredRuleVersion ReadVersion(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetInt32(1), UnixMicros.ToTime(reader.GetInt64(2)),
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));

}

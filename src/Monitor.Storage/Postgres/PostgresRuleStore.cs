using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Core.Market;
using Npgsql;
using NpgsqlTypes;
using static Monitor.Storage.Postgres.PostgresParameters;

namespace Monitor.Storage.Postgres;

/// <summary>
/// Rules and their versions. Each change is one statement that writes the rule, logs its version and indexes the
/// instruments it reads (<c>rule_instruments</c>) together: concurrent changes of one id serialize on the rule's row, so
/// versions are numbered without gaps or repeats.
/// </summary>
internal sealed class PostgresRuleStore(PostgresDatabase database) : IRuleStore
{
    private const string Columns = "id, definition, created_at, updated_at, version";
    private const string VersionColumns = "rule_id, version, changed_at, changed_by, definition";

    /// <summary>The version a rule that does not exist (any more) is created with: one past its history's last.</summary>
    private const string NextVersion = "(SELECT coalesce(max(version), 0) + 1 FROM rule_versions WHERE rule_id = $1)";

    /// <summary>
    /// Makes rule $1's index rows the instruments of $5: the rows of other instruments go, the missing ones are added.
    /// The two touch different rows (statements of one WITH see the same snapshot, so deleting and re-adding one row would
    /// lose it). An unchanged definition has the same instruments, so it changes nothing.
    /// </summary>
    private const string Reindex = """
        unindexed AS (DELETE FROM rule_instruments WHERE rule_id = $1 AND instrument <> ALL ($5::text[])),
        indexed AS (
            INSERT INTO rule_instruments (instrument, rule_id) SELECT instrument, $1 FROM unnest($5::text[]) AS instrument
            ON CONFLICT DO NOTHING)
        """;

    public async Task<RulePutResult> PutAsync(RuleDefinition rule, DateTimeOffset at, string changedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(changedBy);
        string json = RuleJson.Serialize(rule);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // A definition equal to the stored one updates nothing and returns no row; xmax = 0 marks a row inserted.
        await using (var command = new NpgsqlCommand(
            $"""
            WITH changed AS (
                INSERT INTO rules ({Columns}) VALUES ($1, $2, $3, $3, {NextVersion})
                ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at, version = rules.version + 1
                WHERE rules.definition <> excluded.definition
                RETURNING {Columns}, xmax = 0 AS inserted),
            logged AS (
                INSERT INTO rule_versions ({VersionColumns}) SELECT id, version, updated_at, $4, definition FROM changed),
            {Reindex}
            SELECT {Columns}, inserted FROM changed
            """,
            connection)
        {
            Parameters = { Text(rule.Id), Text(json), Time(at), Text(changedBy), Instruments(rule) },
        })
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return new RulePutResult(Read(reader), reader.GetBoolean(5) ? RuleChange.Added : RuleChange.Replaced);
            }
        }

        var unchanged = await FindAsync(connection, rule.Id, cancellationToken).ConfigureAwait(false);
        return unchanged is not null
            ? new RulePutResult(unchanged, RuleChange.Unchanged)
            : await PutAsync(rule, at, changedBy, cancellationToken).ConfigureAwait(false); // deleted meanwhile: put it again
    }

    public async Task<StoredRule?> AddAsync(RuleDefinition rule, DateTimeOffset at, string changedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(changedBy);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"""
            WITH added AS (
                INSERT INTO rules ({Columns}) VALUES ($1, $2, $3, $3, {NextVersion}) ON CONFLICT (id) DO NOTHING RETURNING {Columns}),
            logged AS (
                INSERT INTO rule_versions ({VersionColumns}) SELECT id, version, updated_at, $4, definition FROM added),
            indexed AS (
                INSERT INTO rule_instruments (instrument, rule_id) SELECT instrument, id FROM added, unnest($5::text[]) AS instrument)
            SELECT {Columns} FROM added
            """,
            connection)
        {
            Parameters = { Text(rule.Id), Text(RuleJson.Serialize(rule)), Time(at), Text(changedBy), Instruments(rule) },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task<StoredRule?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await FindAsync(connection, id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredRule>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM rules ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rules = new List<StoredRule>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rules.Add(Read(reader));
        }

        return rules;
    }

    public async Task<IReadOnlyList<StoredRule>> ListReadingAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM rules WHERE id IN (SELECT rule_id FROM rule_instruments WHERE instrument = $1) ORDER BY id", connection)
        {
            Parameters = { Text(instrument.Value) },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rules = new List<StoredRule>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rules.Add(Read(reader));
        }

        return rules;
    }

    /// <summary>Indexes the rules stored before <c>rule_instruments</c> existed (the store's preparation runs it; a no-op after).</summary>
    internal async Task IndexUnindexedAsync(CancellationToken cancellationToken)
    {
        var unindexed = new List<StoredRule>();
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM rules r WHERE NOT EXISTS (SELECT 1 FROM rule_instruments i WHERE i.rule_id = r.id)", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                unindexed.Add(Read(reader));
            }
        }

        foreach (var (id, instruments) in RuleIndex.Of(unindexed))
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO rule_instruments (instrument, rule_id) SELECT instrument, $1 FROM unnest($2::text[]) AS instrument ON CONFLICT DO NOTHING", connection)
            {
                Parameters = { Text(id), TextArray(instruments) },
            };
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<bool> DeleteAsync(string id, DateTimeOffset at, string changedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(changedBy);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"""
            WITH deleted AS (DELETE FROM rules WHERE id = $1 RETURNING id, version),
            unindexed AS (DELETE FROM rule_instruments WHERE rule_id IN (SELECT id FROM deleted))
            INSERT INTO rule_versions ({VersionColumns}) SELECT id, version + 1, $2, $3, NULL FROM deleted
            """,
            connection)
        {
            Parameters = { Text(id), Time(at), Text(changedBy) },
        };
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<IReadOnlyList<StoredRuleVersion>> ListVersionsAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"SELECT {VersionColumns} FROM rule_versions WHERE rule_id = $1 ORDER BY version DESC", connection)
        {
            Parameters = { Text(id) },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var versions = new List<StoredRuleVersion>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            versions.Add(ReadVersion(reader));
        }

        return versions;
    }

    public async Task<StoredRuleVersion?> GetVersionAsync(string id, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"SELECT {VersionColumns} FROM rule_versions WHERE rule_id = $1 AND version = $2", connection)
        {
            Parameters = { Text(id), Int(version) },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadVersion(reader) : null;
    }

    private static async Task<StoredRule?> FindAsync(NpgsqlConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM rules WHERE id = $1", connection) { Parameters = { Text(id) } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static NpgsqlParameter<string[]> Instruments(RuleDefinition rule) => TextArray([.. RuleIndex.Of(rule)]);

    private static StoredRule Read(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), ReadTime(reader, 2), ReadTime(reader, 3), reader.GetInt32(4));

    private static StoredRuleVersion ReadVersion(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetInt32(1), ReadTime(reader, 2),
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));
}

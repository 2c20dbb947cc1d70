using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Npgsql;
using static Monitor.Storage.Postgres.PostgresParameters;

namespace Monitor.Storage.Postgres;

internal sealed class PostgresRuleStore(PostgresDatabase database) : IRuleStore
{
    private const string Columns = "id, definition, created_at, updated_at, version";

    public async Task<RulePutResult> PutAsync(RuleDefinition rule, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        string json = RuleJson.Serialize(rule);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One statement: concurrent puts of one id serialize on the row; a definition equal to the stored one
        // updates nothing and returns no row.
        await using (var command = new NpgsqlCommand(
            $"""
            INSERT INTO rules ({Columns}) VALUES ($1, $2, $3, $3, 1)
            ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at, version = rules.version + 1
            WHERE rules.definition <> excluded.definition
            RETURNING {Columns}
            """,
            connection)
        {
            Parameters = { Text(rule.Id), Text(json), Time(at) },
        })
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var stored = Read(reader);
                return new RulePutResult(stored, stored.Version == 1 ? RuleChange.Added : RuleChange.Replaced);
            }
        }

        var unchanged = await FindAsync(connection, rule.Id, cancellationToken).ConfigureAwait(false);
        return unchanged is not null
            ? new RulePutResult(unchanged, RuleChange.Unchanged)
            : await PutAsync(rule, at, cancellationToken).ConfigureAwait(false); // deleted meanwhile: put it again
    }

    public async Task<StoredRule?> AddAsync(RuleDefinition rule, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"INSERT INTO rules ({Columns}) VALUES ($1, $2, $3, $3, 1) ON CONFLICT (id) DO NOTHING RETURNING {Columns}", connection)
        {
            Parameters = { Text(rule.Id), Text(RuleJson.Serialize(rule)), Time(at) },
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

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM rules WHERE id = $1", connection) { Parameters = { Text(id) } };
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static async Task<StoredRule?> FindAsync(NpgsqlConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM rules WHERE id = $1", connection) { Parameters = { Text(id) } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static StoredRule Read(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), ReadTime(reader, 2), ReadTime(reader, 3), reader.GetInt32(4));
}

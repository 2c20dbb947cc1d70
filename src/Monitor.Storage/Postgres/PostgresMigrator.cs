using System.Security.Cryptography;
using System.Text;
using Monitor.Core.Ports;
using Npgsql;

namespace Monitor.Storage.Postgres;

/// <summary>One schema script: <paramref name="Name"/> is its file name (scripts apply in ordinal name order).</summary>
public sealed record MigrationScript(string Name, string Sql)
{
    /// <summary>SHA-256 of the script with line endings normalized, recorded when it is applied.</summary>
    public string Checksum { get; } =
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));
}

/// <summary>What a migration run did: the scripts it applied, and scripts applied earlier whose text has changed since.</summary>
public sealed record MigrationResult(IReadOnlyList<string> Applied, IReadOnlyList<string> ChangedSinceApplied);

/// <summary>
/// Brings a PostgreSQL database up to date with the schema scripts embedded under <c>Postgres/Schema</c>
/// (every <c>*.sql</c> file there: Monitor's tables and those Orleans' ADO.NET providers need). Each script runs
/// once, in file-name order, in its own transaction together with its row in <c>schema_migrations</c>. A session
/// advisory lock makes silos that start together take turns: the first applies, the others find nothing to do.
/// Scripts must therefore be transactional (no <c>CREATE INDEX CONCURRENTLY</c>, no <c>VACUUM</c>).
/// </summary>
public sealed class PostgresMigrator
{
    /// <summary>The advisory lock key held while migrating ("MonMigr" in ASCII).</summary>
    public const long LockKey = 0x4D6F6E4D69677201;

    private const string ResourcePrefix = "Monitor.Storage.Postgres.Schema.";

    private readonly string _connectionString;
    private readonly IReadOnlyList<MigrationScript> _scripts;

    /// <param name="connectionString">An Npgsql connection string with rights to create tables.</param>
    /// <param name="scripts">The scripts to apply; <see cref="EmbeddedScripts"/> when null.</param>
    public PostgresMigrator(string connectionString, IEnumerable<MigrationScript>? scripts = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = connectionString;
        _scripts = scripts is null ? EmbeddedScripts : Ordered(scripts);
    }

    /// <summary>Every <c>*.sql</c> embedded from <c>Postgres/Schema</c>, in ordinal file-name order.</summary>
    public static IReadOnlyList<MigrationScript> EmbeddedScripts { get; } = LoadEmbeddedScripts();

    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken = default)
    {
        // Not pooled: the session holds the advisory lock, and a script may leave session settings behind.
        var builder = new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false, CommandTimeout = 0 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Released when the connection closes (it is not pooled), however this method ends.
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({LockKey})", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            connection,
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                name text PRIMARY KEY,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """,
            cancellationToken).ConfigureAwait(false);

        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT name, checksum FROM schema_migrations", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var newlyApplied = new List<string>();
        var changed = new List<string>();
        foreach (var script in _scripts)
        {
            if (applied.TryGetValue(script.Name, out string? checksum))
            {
                if (checksum != script.Checksum)
                {
                    changed.Add(script.Name);
                }

                continue;
            }

            await ApplyAsync(connection, script, cancellationToken).ConfigureAwait(false);
            newlyApplied.Add(script.Name);
        }

        return new MigrationResult(newlyApplied, changed);
    }

    private static async Task ApplyAsync(NpgsqlConnection connection, MigrationScript script, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using (var command = new NpgsqlCommand(script.Sql, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", connection, transaction))
            {
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = script.Name });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = script.Checksum });
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception)
        {
            throw new InvalidOperationException($"schema script {script.Name} failed: {exception.MessageText} (SQLSTATE {exception.SqlState})", exception);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<MigrationScript> Ordered(IEnumerable<MigrationScript> scripts)
    {
        var list = scripts.OrderBy(script => script.Name, StringComparer.Ordinal).ToList();
        for (int i = 1; i < list.Count; i++)
        {
            if (list[i].Name == list[i - 1].Name)
            {
                throw new ArgumentException($"two schema scripts are named {list[i].Name}", nameof(scripts));
            }
        }

        return list;
    }

    private static List<MigrationScript> LoadEmbeddedScripts()
    {
        var assembly = typeof(PostgresMigrator).Assembly;
        var scripts = new List<MigrationScript>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            scripts.Add(new MigrationScript(resource[ResourcePrefix.Length..], reader.ReadToEnd()));
        }

        return Ordered(scripts);
    }
}

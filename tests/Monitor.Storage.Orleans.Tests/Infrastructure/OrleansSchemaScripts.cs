using Monitor.Core.Ports;
using Monitor.Storage.Postgres;
using Npgsql;

namespace Monitor.Storage.Orleans.Tests.Infrastructure;

/// <summary>
/// The Orleans ADO.NET scripts among the schema scripts Monitor.Storage embeds (Postgres/Schema/1xx_orleans_*.sql),
/// as <see cref="PostgresMigrator"/> sees them. <see cref="ApplyDirectlyAsync"/> runs them without the migrator's
/// once-only bookkeeping, to prove that running them again is harmless.
/// </summary>
public static class OrleansSchemaScripts
{
    public static IReadOnlyList<MigrationScript> Scripts { get; } = PostgresMigrator.EmbeddedScripts
        .Where(script => script.Name.Contains("_orleans_", StringComparison.Ordinal))
        .ToArray();

    public static async Task ApplyDirectlyAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        if (Scripts.Count == 0)
        {
            throw new InvalidOperationException(
                "Monitor.Storage embeds no Postgres/Schema/*_orleans_*.sql: check the EmbeddedResource item in its csproj.");
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var script in Scripts)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var command = new NpgsqlCommand(script.Sql, connection, transaction))
            {
                try
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
                catch (PostgresException e)
                {
                    throw new InvalidOperationException($"Applying {script.Name} failed: {e.MessageText}", e);
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }
}

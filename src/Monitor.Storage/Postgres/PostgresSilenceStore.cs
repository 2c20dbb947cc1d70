using Monitor.Core.Ports;
using Npgsql;
using static Monitor.Storage.Postgres.PostgresParameters;

namespace Monitor.Storage.Postgres;

internal sealed class PostgresSilenceStore(PostgresDatabase database) : ISilenceStore
{
    private const string Columns = "id, rule_id, instrument, starts_at, ends_at, comment, created_by, created_at";

    public async Task<Silence> CreateAsync(SilenceRequest request, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var silence = SilenceRules.NewSilence(request, at);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"INSERT INTO silences ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", connection)
        {
            Parameters =
            {
                Text(silence.Id), Text(silence.RuleId), Text(silence.Instrument), Time(silence.StartsAt), Time(silence.EndsAt),
                Text(silence.Comment), Text(silence.CreatedBy), Time(silence.CreatedAt),
            },
        };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return silence;
    }

    public async Task<IReadOnlyList<Silence>> ListAsync(DateTimeOffset? activeAt = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (activeAt is { } at)
        {
            return await ReadOverlappingAsync(connection, null, at, at, cancellationToken).ConfigureAwait(false);
        }

        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM silences ORDER BY starts_at, id", connection);
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM silences WHERE id = $1", connection) { Parameters = { Text(id) } };
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>Silences active at some time in [<paramref name="from"/>, <paramref name="to"/>], by start then id.</summary>
    internal static async Task<List<Silence>> ReadOverlappingAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM silences WHERE starts_at <= $2 AND ends_at > $1 ORDER BY starts_at, id", connection, transaction)
        {
            Parameters = { Time(from), Time(to) },
        };
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<Silence>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var silences = new List<Silence>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            silences.Add(new Silence(
                reader.GetString(0), ReadText(reader, 1), ReadText(reader, 2), ReadTime(reader, 3), ReadTime(reader, 4),
                reader.GetString(5), reader.GetString(6), ReadTime(reader, 7)));
        }

        return silences;
    }
}

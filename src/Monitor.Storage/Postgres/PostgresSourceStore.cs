using Monitor.Core.Ports;
using Monitor.Core.Sources;
using Npgsql;
using NpgsqlTypes;
using static Monitor.Storage.Postgres.PostgresParameters;

namespace Monitor.Storage.Postgres;

/// <summary>Sources and their archive in PostgreSQL; archived files' bytes are kept in the table (<c>bytea</c>).</summary>
internal sealed class PostgresSourceStore(PostgresDatabase database) : ISourceStore
{
    private const string Columns = """
        id, kind, url, schedule, time_zone, late_after, calendar, enabled, mapping, created_at, updated_at,
        last_fetch_at, last_result, last_error, last_activity_date, next_fetch_at, late_since, etag, last_modified, failures
        """;

    private const string FileColumns = "sha256, url, fetched_at, http_status, bytes, result, activity_date, detail";

    private const string DefinitionValues = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12";

    private const string SetDefinition = """
        kind = $2, url = $3, schedule = $4, time_zone = $5, late_after = $6, calendar = $7, enabled = $8, mapping = $9,
        updated_at = $10, next_fetch_at = $11, due_at = $12
        """;

    public Task<IReadOnlyList<StoredSource>> ListAsync(CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM sources ORDER BY id", [], cancellationToken);

    public async Task<StoredSource?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {Columns} FROM sources WHERE id = $1", [Text(id)], cancellationToken).ConfigureAwait(false)) is [var first, ..] ? first : null;

    public async Task<bool> AddAsync(SourceDefinition definition, DateTimeOffset at, DateTimeOffset? nextFetchAt, DateTimeOffset? dueAt, CancellationToken cancellationToken = default) =>
        await ExecuteAsync($"""
            INSERT INTO sources (id, kind, url, schedule, time_zone, late_after, calendar, enabled, mapping, created_at, updated_at, next_fetch_at, due_at)
            VALUES ({DefinitionValues}) ON CONFLICT (id) DO NOTHING
            """, Definition(definition, at, nextFetchAt, dueAt), cancellationToken).ConfigureAwait(false) > 0;

    public async Task<bool> ReplaceAsync(SourceDefinition definition, DateTimeOffset at, DateTimeOffset? nextFetchAt, DateTimeOffset? dueAt, CancellationToken cancellationToken = default) =>
        await ExecuteAsync($"UPDATE sources SET {SetDefinition} WHERE id = $1", Definition(definition, at, nextFetchAt, dueAt), cancellationToken).ConfigureAwait(false) > 0;

    public Task SeedAsync(SourceDefinition definition, string seedHash, DateTimeOffset at, DateTimeOffset? nextFetchAt, DateTimeOffset? dueAt, CancellationToken cancellationToken = default) =>
        ExecuteAsync($"""
            INSERT INTO sources (id, kind, url, schedule, time_zone, late_after, calendar, enabled, mapping, created_at, updated_at, next_fetch_at, due_at, seed_hash)
            VALUES ({DefinitionValues}, $13)
            ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, url = excluded.url, schedule = excluded.schedule, time_zone = excluded.time_zone,
                late_after = excluded.late_after, calendar = excluded.calendar, enabled = excluded.enabled, mapping = excluded.mapping,
                updated_at = excluded.updated_at, next_fetch_at = excluded.next_fetch_at, due_at = excluded.due_at, seed_hash = excluded.seed_hash
            WHERE sources.seed_hash IS DISTINCT FROM excluded.seed_hash
            """, [.. Definition(definition, at, nextFetchAt, dueAt), Text(seedHash)], cancellationToken);

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("DELETE FROM sources WHERE id = $1", [Text(id)], cancellationToken).ConfigureAwait(false) > 0;

    public Task<IReadOnlyList<StoredSource>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default) =>
        // SKIP LOCKED: schedulers claiming at the same moment each take sources the others have not locked.
        QueryAsync($"""
            UPDATE sources SET lease_owner = $1, lease_until = $2
            WHERE id IN (SELECT id FROM sources
                         WHERE due_at <= $3 AND enabled AND (lease_until IS NULL OR lease_until <= $3)
                         ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED)
            RETURNING {Columns}
            """, [Text(owner), Time(leaseUntil), Time(now), Int(max)], cancellationToken);

    public async Task<StoredSource?> ClaimAsync(string id, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"""
            UPDATE sources SET lease_owner = $1, lease_until = $2
            WHERE id = $4 AND (lease_until IS NULL OR lease_until <= $3 OR lease_owner = $1)
            RETURNING {Columns}
            """, [Text(owner), Time(leaseUntil), Time(now), Text(id)], cancellationToken).ConfigureAwait(false)) is [var first, ..] ? first : null;

    public async Task<bool> ReleaseAsync(string id, string owner, SourceState state, DateTimeOffset? dueAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        return await ExecuteAsync("""
            UPDATE sources SET lease_owner = NULL, lease_until = NULL, due_at = CASE WHEN enabled THEN $3 END,
                last_fetch_at = $4, last_result = $5, last_error = $6, last_activity_date = $7,
                next_fetch_at = $8, late_since = $9, etag = $10, last_modified = $11, failures = $12
            WHERE id = $1 AND lease_owner = $2
            """,
            [
                Text(id), Text(owner), NullableTime(dueAt), NullableTime(state.LastFetchAt), Text(state.LastResult?.ToText()), Text(state.LastError),
                Date(state.LastActivityDate), NullableTime(state.NextFetchAt), NullableTime(state.LateSince), Text(state.ETag), Text(state.LastModified), Int(state.Failures),
            ],
            cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<DateTimeOffset?> NextDueAtAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT min(greatest(due_at, coalesce(lease_until, '-infinity'))) FROM sources WHERE enabled AND due_at IS NOT NULL", connection);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime due ? new DateTimeOffset(due) : null;
    }

    public async Task<bool> AddFileAsync(string sourceId, ArchivedFile file, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        return await ExecuteAsync($"""
            INSERT INTO source_files (source_id, {FileColumns}, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (source_id, sha256) DO NOTHING
            """,
            [
                Text(sourceId), Text(file.Sha256), Text(file.Url), Time(file.FetchedAt), Int(file.HttpStatus),
                new NpgsqlParameter<long> { TypedValue = file.Bytes }, Text(file.Result.ToText()), Date(file.ActivityDate), Text(file.Detail),
                new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = content, NpgsqlDbType = NpgsqlDbType.Bytea },
            ],
            cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<ArchivedFile?> FindFileAsync(string sourceId, string sha256, CancellationToken cancellationToken = default) =>
        (await FilesAsync($"SELECT {FileColumns} FROM source_files WHERE source_id = $1 AND sha256 = $2", [Text(sourceId), Text(sha256)], cancellationToken)
            .ConfigureAwait(false)) is [var first, ..] ? first : null;

    public Task<IReadOnlyList<ArchivedFile>> ListFilesAsync(string sourceId, CancellationToken cancellationToken = default) =>
        FilesAsync($"SELECT {FileColumns} FROM source_files WHERE source_id = $1 ORDER BY fetched_at DESC, sha256", [Text(sourceId)], cancellationToken);

    public async Task<byte[]> ReadContentAsync(string sourceId, string sha256, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT content FROM source_files WHERE source_id = $1 AND sha256 = $2", connection)
        {
            Parameters = { Text(sourceId), Text(sha256) },
        };
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[]
            ?? throw new FileNotFoundException($"source {sourceId} has no archived file {sha256}");
    }

    private static NpgsqlParameter[] Definition(SourceDefinition definition, DateTimeOffset at, DateTimeOffset? nextFetchAt, DateTimeOffset? dueAt) =>
    [
        Text(definition.Id), Text(definition.Kind), Text(definition.Url), Text(definition.Schedule), Text(definition.TimeZone),
        new NpgsqlParameter { Value = (object?)definition.LateAfter ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Interval },
        Text(definition.Calendar), Bool(definition.Enabled), Text(definition.Mapping), Time(at), NullableTime(nextFetchAt),
        NullableTime(definition.Enabled ? dueAt : null),
    ];

    private static NpgsqlParameter Date(DateOnly? date) => new() { Value = (object?)date ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date };

    private async Task<int> ExecuteAsync(string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<StoredSource>> QueryAsync(string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var sources = new List<StoredSource>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var definition = new SourceDefinition(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<TimeSpan>(5), reader.GetString(6), reader.GetBoolean(7), reader.GetString(8));
            var state = new SourceState(
                OptionalTime(reader, 11),
                reader.IsDBNull(12) ? null : SourceResults.Parse(reader.GetString(12)),
                ReadText(reader, 13),
                reader.IsDBNull(14) ? null : reader.GetFieldValue<DateOnly>(14),
                OptionalTime(reader, 15),
                OptionalTime(reader, 16),
                ReadText(reader, 17),
                ReadText(reader, 18),
                reader.GetInt32(19));
            sources.Add(new StoredSource(definition, state, ReadTime(reader, 9), ReadTime(reader, 10)));
        }

        return sources;
    }

    private async Task<IReadOnlyList<ArchivedFile>> FilesAsync(string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var files = new List<ArchivedFile>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            files.Add(new ArchivedFile(
                reader.GetString(0), reader.GetString(1), ReadTime(reader, 2), reader.GetInt32(3), reader.GetInt64(4), SourceResults.Parse(reader.GetString(5)),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6), ReadText(reader, 7)));
        }

        return files;
    }

    private static DateTimeOffset? OptionalTime(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);
}

using Monitor.Core.Ports;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Monitor.Core.Sources;

namespace Monitor.Storage.Sqlite;

internal sealed class SqliteSourceStore(SqliteDatabase database) : ISourceStore
{
    private const string Columns = """
        id, kind, url, schedule, time_zone, late_after, calendar, enabled, mapping, created_at, updated_at,
        last_fetch_at, last_result, last_error, last_activity_date, next_fetch_at, late_since, etag, last_modified, failures
        """;

    private const string FileColumns = "sha256, url, fetched_at, http_status, bytes, result, activity_date, detail";

    /// <summary>Where archived files are kept: a folder beside the database file, one subfolder per source, a file per content hash.</summary>
    public string ArchiveDirectory { get; } = database.Path + ".sources";

    public Task<IReadOnlyList<StoredSource>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<StoredSource>>(Query($"SELECT {Columns} FROM sources ORDER BY id", _ => { }));

    public Task<StoredSource?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Query($"SELECT {Columns} FROM sources WHERE id = $id", p => p.AddWithValue("$id", id)).FirstOrDefault());

    public Task<bool> AddAsync(SourceDefinition definition, DateTimeOffset at, DateTimeOffset? nextFetchAt, DateTimeOffset? dueAt, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => Execute(connection, transaction, $"""
                INSERT INTO sources (id, kind, url, schedule, time_zone, late_after, calendar, enabled, mapping, created_at, updated_at, next_fetch_at, due_at)
                VALUES ($id, $kind, $url, $schedule, $zone, $lateAfter, $calendar, $enabled, $mapping, $at, $at, $next, $due)
                ON CONFLICT (id) DO NOTHING
                """, p => Definition(p, definition, at, nextFetchAt, dueAt)) > 0,
            cancellationToken);

    public Task<bool> ReplaceAsync(SourceDefinition definition, DateTimeOffset at, DateTimeOffset? nextFetchAt, DateTimeOffset? dueAt, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => Replace(connection, transaction, definition, at, nextFetchAt, dueAt, "") > 0, cancellationToken);

    public Task SeedAsync(SourceDefinition definition, string seedHash, DateTimeOffset at, DateTimeOffset? nextFetchAt, DateTimeOffset? dueAt, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) =>
            {
                int added = Execute(connection, transaction, """
                    INSERT INTO sources (id, kind, url, schedule, time_zone, late_after, calendar, enabled, mapping, created_at, updated_at, next_fetch_at, due_at, seed_hash)
                    VALUES ($id, $kind, $url, $schedule, $zone, $lateAfter, $calendar, $enabled, $mapping, $at, $at, $next, $due, $hash)
                    ON CONFLICT (id) DO NOTHING
                    """, p =>
                {
                    Definition(p, definition, at, nextFetchAt, dueAt);
                    p.AddWithValue("$hash", seedHash);
                });
                if (added == 0)
                {
                    Replace(connection, transaction, definition, at, nextFetchAt, dueAt, " AND seed_hash IS NOT $hash", p => p.AddWithValue("$hash", seedHash));
                }

                return true;
            },
            cancellationToken);

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => Execute(connection, transaction, "DELETE FROM sources WHERE id = $id", p => p.AddWithValue("$id", id)) > 0, cancellationToken);

    public Task<IReadOnlyList<StoredSource>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default) =>
        database.WriteAsync<IReadOnlyList<StoredSource>>(
            (connection, transaction) => Claim(connection, transaction, $"""
                UPDATE sources SET lease_owner = $owner, lease_until = $until
                WHERE id IN (SELECT id FROM sources
                             WHERE due_at <= $now AND enabled AND (lease_until IS NULL OR lease_until <= $now)
                             ORDER BY due_at LIMIT $max)
                RETURNING {Columns}
                """, owner, now, leaseUntil, p => p.AddWithValue("$max", max)),
            cancellationToken);

    public Task<StoredSource?> ClaimAsync(string id, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => Claim(connection, transaction, $"""
                UPDATE sources SET lease_owner = $owner, lease_until = $until
                WHERE id = $id AND (lease_until IS NULL OR lease_until <= $now OR lease_owner = $owner)
                RETURNING {Columns}
                """, owner, now, leaseUntil, p => p.AddWithValue("$id", id)).FirstOrDefault(),
            cancellationToken);

    public Task<bool> ReleaseAsync(string id, string owner, SourceState state, DateTimeOffset? dueAt, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => Execute(connection, transaction, """
                UPDATE sources SET lease_owner = NULL, lease_until = NULL, due_at = CASE WHEN enabled THEN $due END,
                    last_fetch_at = $fetchAt, last_result = $result, last_error = $error, last_activity_date = $activity,
                    next_fetch_at = $next, late_since = $lateSince, etag = $etag, last_modified = $modified, failures = $failures
                WHERE id = $id AND lease_owner = $owner
                """, p =>
            {
                p.AddWithValue("$id", id);
                p.AddWithValue("$owner", owner);
                p.AddWithValue("$due", Micros(dueAt));
                p.AddWithValue("$fetchAt", Micros(state.LastFetchAt));
                p.AddWithValue("$result", (object?)state.LastResult?.ToText() ?? DBNull.Value);
                p.AddWithValue("$error", (object?)state.LastError ?? DBNull.Value);
                p.AddWithValue("$activity", (object?)state.LastActivityDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? DBNull.Value);
                p.AddWithValue("$next", Micros(state.NextFetchAt));
                p.AddWithValue("$lateSince", Micros(state.LateSince));
                p.AddWithValue("$etag", (object?)state.ETag ?? DBNull.Value);
                p.AddWithValue("$modified", (object?)state.LastModified ?? DBNull.Value);
                p.AddWithValue("$failures", state.Failures);
            }) > 0,
            cancellationToken);

    public Task<DateTimeOffset?> NextDueAtAsync(CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT min(max(due_at, coalesce(lease_until, 0))) FROM sources WHERE enabled AND due_at IS NOT NULL";
        return Task.FromResult(command.ExecuteScalar() is long micros ? UnixMicros.ToTime(micros) : (DateTimeOffset?)null);
    }

    public async Task<bool> AddFileAsync(string sourceId, ArchivedFile file, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (await FindFileAsync(sourceId, file.Sha256, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        // The bytes first, under a temporary name then moved, so a row never names a file that is not all there.
        string path = ContentPath(sourceId, file.Sha256);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = path + ".tmp";
        await File.WriteAllBytesAsync(temporary, content.ToArray(), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
        return await database.WriteAsync(
            (connection, transaction) => Execute(connection, transaction, $"""
                INSERT INTO source_files (source_id, {FileColumns}) VALUES ($source, $sha, $url, $fetchedAt, $status, $bytes, $result, $activity, $detail)
                ON CONFLICT (source_id, sha256) DO NOTHING
                """, p =>
            {
                p.AddWithValue("$source", sourceId);
                p.AddWithValue("$sha", file.Sha256);
                p.AddWithValue("$url", file.Url);
                p.AddWithValue("$fetchedAt", UnixMicros.From(file.FetchedAt));
                p.AddWithValue("$status", file.HttpStatus);
                p.AddWithValue("$bytes", file.Bytes);
                p.AddWithValue("$result", file.Result.ToText());
                p.AddWithValue("$activity", (object?)file.ActivityDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? DBNull.Value);
                p.AddWithValue("$detail", (object?)file.Detail ?? DBNull.Value);
            }) > 0,
            cancellationToken).ConfigureAwait(false);
    }

    public Task<ArchivedFile?> FindFileAsync(string sourceId, string sha256, CancellationToken cancellationToken = default) =>
        Task.FromResult(Files($"SELECT {FileColumns} FROM source_files WHERE source_id = $source AND sha256 = $sha", sourceId, p => p.AddWithValue("$sha", sha256)).FirstOrDefault());

    public Task<IReadOnlyList<ArchivedFile>> ListFilesAsync(string sourceId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ArchivedFile>>(Files(
            $"SELECT {FileColumns} FROM source_files WHERE source_id = $source ORDER BY fetched_at DESC, sha256", sourceId, _ => { }));

    public Task<byte[]> ReadContentAsync(string sourceId, string sha256, CancellationToken cancellationToken = default) =>
        File.ReadAllBytesAsync(ContentPath(sourceId, sha256), cancellationToken);

    private string ContentPath(string sourceId, string sha256) =>
        Path.Combine(ArchiveDirectory, SourceIds.CheckedPathSegment(sourceId), SourceIds.CheckedPathSegment(sha256));

    private static int Replace(
        SqliteConnection connection, SqliteTransaction transaction, SourceDefinition definition, DateTimeOffset at, DateTimeOffset? nextFetchAt,
        DateTimeOffset? dueAt, string condition, Action<SqliteParameterCollection>? extra = null) =>
        Execute(connection, transaction, $"""
            UPDATE sources SET kind = $kind, url = $url, schedule = $schedule, time_zone = $zone, late_after = $lateAfter,
                calendar = $calendar, enabled = $enabled, mapping = $mapping, updated_at = $at, next_fetch_at = $next, due_at = $due
                {(extra is null ? "" : ", seed_hash = $hash")}
            WHERE id = $id{condition}
            """, p =>
        {
            Definition(p, definition, at, nextFetchAt, dueAt);
            extra?.Invoke(p);
        });

    private static void Definition(SqliteParameterCollection p, SourceDefinition definition, DateTimeOffset at, DateTimeOffset? nextFetchAt, DateTimeOffset? dueAt)
    {
        p.AddWithValue("$id", definition.Id);
        p.AddWithValue("$kind", definition.Kind);
        p.AddWithValue("$url", definition.Url);
        p.AddWithValue("$schedule", definition.Schedule);
        p.AddWithValue("$zone", definition.TimeZone);
        p.AddWithValue("$lateAfter", (object?)definition.LateAfter?.Ticks ?? DBNull.Value);
        p.AddWithValue("$calendar", definition.Calendar);
        p.AddWithValue("$enabled", definition.Enabled);
        p.AddWithValue("$mapping", definition.Mapping);
        p.AddWithValue("$at", UnixMicros.From(at));
        p.AddWithValue("$next", Micros(nextFetchAt));
        p.AddWithValue("$due", Micros(definition.Enabled ? dueAt : null));
    }

    private static List<StoredSource> Claim(
        SqliteConnection connection, SqliteTransaction transaction, string sql, string owner, DateTimeOffset now, DateTimeOffset leaseUntil,
        Action<SqliteParameterCollection> parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$now", UnixMicros.From(now));
        command.Parameters.AddWithValue("$until", UnixMicros.From(leaseUntil));
        parameters(command.Parameters);
        return ReadAll(command);
    }

    private List<StoredSource> Query(string sql, Action<SqliteParameterCollection> parameters)
    {
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        parameters(command.Parameters);
        return ReadAll(command);
    }

    private List<ArchivedFile> Files(string sql, string sourceId, Action<SqliteParameterCollection> parameters)
    {
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$source", sourceId);
        parameters(command.Parameters);
        using var reader = command.ExecuteReader();
        var files = new List<ArchivedFile>();
        while (reader.Read())
        {
            files.Add(new ArchivedFile(
                reader.GetString(0), reader.GetString(1), UnixMicros.ToTime(reader.GetInt64(2)), reader.GetInt32(3), reader.GetInt64(4),
                SourceResults.Parse(reader.GetString(5)), reader.IsDBNull(6) ? null : DateOnly.ParseExact(reader.GetString(6), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return files;
    }

    private static List<StoredSource> ReadAll(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var sources = new List<StoredSource>();
        while (reader.Read())
        {
            var definition = new SourceDefinition(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : TimeSpan.FromTicks(reader.GetInt64(5)), reader.GetString(6), reader.GetBoolean(7), reader.GetString(8));
            var state = new SourceState(
                Time(reader, 11),
                reader.IsDBNull(12) ? null : SourceResults.Parse(reader.GetString(12)),
                reader.IsDBNull(13) ? null : reader.GetString(13),
                reader.IsDBNull(14) ? null : DateOnly.ParseExact(reader.GetString(14), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                Time(reader, 15),
                Time(reader, 16),
                reader.IsDBNull(17) ? null : reader.GetString(17),
                reader.IsDBNull(18) ? null : reader.GetString(18),
                reader.GetInt32(19));
            sources.Add(new StoredSource(definition, state, UnixMicros.ToTime(reader.GetInt64(9)), UnixMicros.ToTime(reader.GetInt64(10))));
        }

        return sources;
    }

    private static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : UnixMicros.ToTime(reader.GetInt64(ordinal));

    private static object Micros(DateTimeOffset? time) => time is { } t ? UnixMicros.From(t) : DBNull.Value;

    private static int Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, Action<SqliteParameterCollection> parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        parameters(command.Parameters);
        return command.ExecuteNonQuery();
    }

}

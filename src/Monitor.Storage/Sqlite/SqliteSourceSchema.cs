namespace Monitor.Storage.Sqlite;

/// <summary>The tables of data sources and their archive (schema version 5), part of <see cref="SqliteDatabase"/>'s
/// schema; the PostgreSQL script <c>020_sources.sql</c> explains the columns. Times are Unix microseconds. The archived
/// files' bytes live beside the database file (<see cref="SqliteSourceStore.ArchiveDirectory"/>), not in it.</summary>
internal static class SqliteSourceSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS sources (
            id TEXT NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL,
            url TEXT NOT NULL,
            schedule TEXT NOT NULL,
            time_zone TEXT NOT NULL,
            late_after INTEGER,
            calendar TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            mapping TEXT NOT NULL,
            seed_hash TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            due_at INTEGER,
            lease_owner TEXT,
            lease_until INTEGER,
            last_fetch_at INTEGER,
            last_result TEXT,
            last_error TEXT,
            last_activity_date TEXT,
            next_fetch_at INTEGER,
            late_since INTEGER,
            etag TEXT,
            last_modified TEXT,
            failures INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS source_files (
            source_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            url TEXT NOT NULL,
            fetched_at INTEGER NOT NULL,
            http_status INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            result TEXT NOT NULL,
            activity_date TEXT,
            detail TEXT,
            PRIMARY KEY (source_id, sha256)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS source_files_fetched ON source_files (source_id, fetched_at);

        """;
}

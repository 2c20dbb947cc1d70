namespace Monitor.Storage.Sqlite;

/// <summary>The notification outbox (schema version 11), part of <see cref="SqliteDatabase"/>'s schema; the PostgreSQL
/// script <c>045_notification_outbox.sql</c> explains the columns. Times are Unix microseconds.</summary>
internal static class SqliteNotificationOutboxSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS notification_outbox (
            id TEXT NOT NULL PRIMARY KEY,
            receiver TEXT NOT NULL,
            kind TEXT NOT NULL,
            group_key TEXT NOT NULL,
            status TEXT NOT NULL,
            alert_ids TEXT NOT NULL,
            payload TEXT NOT NULL,
            state TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            attempt_count INTEGER NOT NULL,
            lease_owner TEXT,
            lease_until INTEGER) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS notification_outbox_pending ON notification_outbox (receiver, next_attempt_at) WHERE state = 'pending';
        CREATE INDEX IF NOT EXISTS notification_outbox_created ON notification_outbox (created_at, id);

        CREATE TABLE IF NOT EXISTS notification_attempts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            notification_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            status INTEGER,
            duration_ms REAL NOT NULL,
            error TEXT);
        CREATE INDEX IF NOT EXISTS notification_attempts_notification ON notification_attempts (notification_id, id);

        """;
}

namespace Monitor.Storage.Sqlite;

/// <summary>The notification policy's tables (schema version 8), part of <see cref="SqliteDatabase"/>'s schema; the
/// PostgreSQL script <c>040_notification_policy.sql</c> explains the columns. Times are Unix microseconds.</summary>
internal static class SqliteNotificationSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS notification_policy (
            id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
            document TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            updated_by TEXT);

        CREATE TABLE IF NOT EXISTS notification_inbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            alert_id TEXT NOT NULL,
            at INTEGER NOT NULL);

        CREATE TABLE IF NOT EXISTS notification_runner (
            id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
            owner TEXT NOT NULL,
            lease_until INTEGER NOT NULL,
            state TEXT);

        """;

    /// <summary>Adds an inbox entry for the alert <c>$id</c> changed at <c>$at</c>, if a policy is in force.</summary>
    public const string AddToInbox = """
        INSERT INTO notification_inbox (alert_id, at) SELECT $id, $at WHERE EXISTS (SELECT 1 FROM notification_policy)
        """;
}

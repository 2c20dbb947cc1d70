using Monitor.Core.Ports;
namespace Monitor.Storage.Sqlite;

/// <summary>The tables of webhooks and their delivery outbox (schema version 4), part of <see cref="SqliteDatabase"/>'s
/// schema; the PostgreSQL script <c>003_webhooks.sql</c> explains the columns. Times are Unix microseconds.</summary>
internal static class SqliteWebhookSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS webhooks (
            id TEXT NOT NULL PRIMARY KEY,
            url TEXT NOT NULL,
            description TEXT,
            filter TEXT NOT NULL,
            secret TEXT NOT NULL,
            previous_secret TEXT,
            previous_secret_expires_at INTEGER,
            enabled INTEGER NOT NULL,
            disabled_reason TEXT,
            disabled_at INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS webhook_deliveries (
            id TEXT NOT NULL PRIMARY KEY,
            webhook_id TEXT NOT NULL,
            event TEXT NOT NULL,
            alert_id TEXT NOT NULL,
            payload TEXT NOT NULL,
            state TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            attempt_count INTEGER NOT NULL,
            lease_owner TEXT,
            lease_until INTEGER) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS webhook_deliveries_pending ON webhook_deliveries (webhook_id, next_attempt_at) WHERE state = 'pending';
        CREATE INDEX IF NOT EXISTS webhook_deliveries_created ON webhook_deliveries (webhook_id, created_at, id);

        CREATE TABLE IF NOT EXISTS webhook_attempts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            delivery_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            status INTEGER,
            duration_ms REAL NOT NULL,
            error TEXT);
        CREATE INDEX IF NOT EXISTS webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

        """;
}

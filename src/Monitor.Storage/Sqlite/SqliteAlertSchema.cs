using Monitor.Core.Ports;
namespace Monitor.Storage.Sqlite;

/// <summary>The tables of rules, alerts and silences (schema version 3), part of <see cref="SqliteDatabase"/>'s schema.
/// Times are Unix microseconds; states and enums their contract spelling.</summary>
internal static class SqliteAlertSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS rules (
            id TEXT NOT NULL PRIMARY KEY,
            definition TEXT NOT NULL,       -- RuleJson.Serialize
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            version INTEGER NOT NULL) WITHOUT ROWID;

        -- The instruments each rule reads (schema version 12), so an instrument's grain reads only its own rules.
        CREATE TABLE IF NOT EXISTS rule_instruments (
            instrument TEXT NOT NULL,
            rule_id TEXT NOT NULL,
            PRIMARY KEY (instrument, rule_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS rule_instruments_rule ON rule_instruments (rule_id);

        -- Every version of every rule (schema version 8): the definition as stored then, NULL for a deletion.
        CREATE TABLE IF NOT EXISTS rule_versions (
            rule_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            changed_at INTEGER NOT NULL,
            changed_by TEXT,                -- the API key's name; NULL for versions from before the history was kept
            definition TEXT,
            PRIMARY KEY (rule_id, version)) WITHOUT ROWID;

        -- The current view of each alert: filtered fields as columns, the rest in view (AlertViewJson).
        CREATE TABLE IF NOT EXISTS alerts (
            id TEXT NOT NULL PRIMARY KEY,
            rule_id TEXT NOT NULL,
            state TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            instruments TEXT NOT NULL,      -- JSON array
            last_at INTEGER NOT NULL,       -- time of the transition the view comes from
            silenced INTEGER NOT NULL,
            acknowledged_by TEXT,
            acknowledged_at INTEGER,
            ack_comment TEXT,
            ack_key TEXT,
            view TEXT NOT NULL) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS alerts_started ON alerts (started_at, id);
        CREATE INDEX IF NOT EXISTS alerts_rule ON alerts (rule_id, started_at, id);

        -- One row per state change; the key makes recording a transition idempotent.
        CREATE TABLE IF NOT EXISTS alert_transitions (
            alert_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            to_state TEXT NOT NULL,
            from_state TEXT,
            silenced INTEGER NOT NULL,
            PRIMARY KEY (alert_id, at, to_state)) WITHOUT ROWID;

        -- What people did with each alert (schema version 12): acknowledgements, assignments, shelves, comments.
        CREATE TABLE IF NOT EXISTS alert_activity (
            seq INTEGER PRIMARY KEY,
            alert_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,             -- AlertActivityKind, camel case
            by_name TEXT NOT NULL,
            key_name TEXT,
            text TEXT,
            assignee TEXT,
            until INTEGER);
        CREATE INDEX IF NOT EXISTS alert_activity_alert ON alert_activity (alert_id, seq);

        CREATE TABLE IF NOT EXISTS silences (
            id TEXT NOT NULL PRIMARY KEY,
            rule_id TEXT,
            instrument TEXT,
            starts_at INTEGER NOT NULL,
            ends_at INTEGER NOT NULL,
            comment TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS silences_ends ON silences (ends_at);

        """;

    /// <summary>The history of rules stored before it was kept: each rule's current definition as its current version.</summary>
    public const string BackfillRuleVersions = """
        INSERT OR IGNORE INTO rule_versions (rule_id, version, changed_at, changed_by, definition)
        SELECT id, version, updated_at, NULL, definition FROM rules;
        """;

    /// <summary>The alerts table's columns for what people did with an alert (schema version 12), added to new and older
    /// files alike: the current assignment and shelf, and the number of comments (the history is alert_activity).</summary>
    public static readonly IReadOnlyList<(string Name, string Type)> HandlingColumns =
    [
        ("assignee", "TEXT"), ("assigned_by", "TEXT"), ("assigned_key", "TEXT"), ("assigned_at", "INTEGER"),
        ("shelved_until", "INTEGER"), ("shelved_by", "TEXT"), ("shelved_key", "TEXT"), ("shelved_at", "INTEGER"),
        ("comment_count", "INTEGER NOT NULL DEFAULT 0"),
    ];

    /// <summary>Order of states within one time: a view from a later-ranked transition replaces one from an earlier.</summary>
    public static string Rank(string column) => $"CASE {column} WHEN 'pending' THEN 0 WHEN 'firing' THEN 1 ELSE 2 END";
}

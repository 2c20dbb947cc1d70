-- Rules, alerts and silences (docs/api.md, Rules).
-- Applied once by PostgresMigrator after 001 and before the Orleans scripts; IF NOT EXISTS keeps a manual re-run harmless.
-- Ids are text in the "C" collation, so ordering by id is ordinal whatever the database's collation.

CREATE TABLE IF NOT EXISTS rules (
    id text COLLATE "C" PRIMARY KEY,
    definition text NOT NULL,           -- RuleJson.Serialize, kept as written
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    version integer NOT NULL
);

-- The current view of each alert: filtered fields as columns, the rest in view (the contract's alert JSON).
CREATE TABLE IF NOT EXISTS alerts (
    id text COLLATE "C" PRIMARY KEY,
    rule_id text COLLATE "C" NOT NULL,
    state text NOT NULL,
    started_at timestamptz NOT NULL,
    instruments text[] NOT NULL,
    last_at timestamptz NOT NULL,       -- time of the transition the view comes from
    silenced boolean NOT NULL,
    acknowledged_by text,
    acknowledged_at timestamptz,
    ack_comment text,
    view text NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_started ON alerts (started_at, id);
CREATE INDEX IF NOT EXISTS alerts_rule ON alerts (rule_id, started_at, id);
CREATE INDEX IF NOT EXISTS alerts_instruments ON alerts USING gin (instruments);

-- One row per state change; the key makes recording a transition idempotent.
CREATE TABLE IF NOT EXISTS alert_transitions (
    alert_id text COLLATE "C" NOT NULL,
    at timestamptz NOT NULL,
    to_state text NOT NULL,
    from_state text,
    silenced boolean NOT NULL,
    PRIMARY KEY (alert_id, at, to_state)
);

CREATE TABLE IF NOT EXISTS silences (
    id text COLLATE "C" PRIMARY KEY,
    rule_id text,
    instrument text,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    comment text NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX IF NOT EXISTS silences_ends ON silences (ends_at);

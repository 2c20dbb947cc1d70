-- What people did with each alert: its current assignment and shelf (snooze) and its number of comments on the alert,
-- and the whole history (acknowledgements, assignments, shelves, comments) in alert_activity.
ALTER TABLE alerts
    ADD COLUMN IF NOT EXISTS assignee text,
    ADD COLUMN IF NOT EXISTS assigned_by text,
    ADD COLUMN IF NOT EXISTS assigned_key text,
    ADD COLUMN IF NOT EXISTS assigned_at timestamptz,
    ADD COLUMN IF NOT EXISTS shelved_until timestamptz,
    ADD COLUMN IF NOT EXISTS shelved_by text,
    ADD COLUMN IF NOT EXISTS shelved_key text,
    ADD COLUMN IF NOT EXISTS shelved_at timestamptz,
    ADD COLUMN IF NOT EXISTS comment_count integer NOT NULL DEFAULT 0;

CREATE TABLE IF NOT EXISTS alert_activity (
    seq bigserial PRIMARY KEY,
    alert_id text NOT NULL,
    at timestamptz NOT NULL,
    kind text NOT NULL,         -- acknowledged, assigned, unassigned, shelved, unshelved, comment
    by_name text NOT NULL,      -- the free-text name the person gave
    key_name text,              -- the API key's name
    text text,
    assignee text,
    until timestamptz);
CREATE INDEX IF NOT EXISTS alert_activity_alert ON alert_activity (alert_id, seq);

-- The notification policy (docs/api.md, Notification policy) and the state of the one runner that applies it.
-- notification_policy: at most one row, the policy document as sent (JSON).
CREATE TABLE IF NOT EXISTS notification_policy (
    id integer NOT NULL PRIMARY KEY CHECK (id = 1),
    document text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text);

-- notification_inbox: an alert changed (a transition stored, an acknowledgement) while a policy was in force; written
-- in the transaction that stored the change, removed by the runner in the transaction that stores its decisions.
CREATE TABLE IF NOT EXISTS notification_inbox (
    seq bigserial PRIMARY KEY,
    alert_id text NOT NULL,
    at timestamptz NOT NULL);

-- notification_runner: who applies the policy (a lease, taken over once it ends) and its groups (JSON).
CREATE TABLE IF NOT EXISTS notification_runner (
    id integer NOT NULL PRIMARY KEY CHECK (id = 1),
    owner text NOT NULL,
    lease_until timestamptz NOT NULL,
    state text);

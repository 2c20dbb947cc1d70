-- Webhook subscriptions and their delivery outbox (docs/api.md, Webhooks).
-- Deliveries are added in the transaction that stores an alert's transition; dispatchers lease them
-- (lease_owner, lease_until), so one sends a delivery at a time and a dead one's lease runs out.
-- No foreign keys: a webhook deleted while an alert is being stored must not fail the alert's transaction.

CREATE TABLE IF NOT EXISTS webhooks (
    id text COLLATE "C" PRIMARY KEY,
    url text NOT NULL,
    description text,
    filter text NOT NULL,               -- JSON: ruleIds, instruments, severities, events
    secret text NOT NULL,               -- whsec_<base64>
    previous_secret text,               -- still signs until previous_secret_expires_at (rotation)
    previous_secret_expires_at timestamptz,
    enabled boolean NOT NULL,
    disabled_reason text,
    disabled_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id text COLLATE "C" PRIMARY KEY,    -- the webhook-id header: msg_ + hash of webhook, alert and event
    webhook_id text COLLATE "C" NOT NULL,
    event text NOT NULL,
    alert_id text COLLATE "C" NOT NULL,
    payload text NOT NULL,              -- the body, the same bytes on every attempt
    state text NOT NULL,                -- pending, delivered, failed
    created_at timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    attempt_count integer NOT NULL,     -- attempts in the current run of the retry schedule
    lease_owner text,
    lease_until timestamptz
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_pending ON webhook_deliveries (webhook_id, next_attempt_at) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_created ON webhook_deliveries (webhook_id, created_at, id);

CREATE TABLE IF NOT EXISTS webhook_attempts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id text COLLATE "C" NOT NULL,
    at timestamptz NOT NULL,
    status integer,                     -- HTTP status, null when no answer came
    duration_ms double precision NOT NULL,
    error text
);
CREATE INDEX IF NOT EXISTS webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- The notification outbox (docs/api.md, Notification log): what the notification policy decided to send, one row
-- per notification and receiver, leased by dispatchers like webhook deliveries (lease_owner, lease_until). The
-- payload is the message rendered for the receiver's kind; the receiver's address and secrets are not stored here.

CREATE TABLE IF NOT EXISTS notification_outbox (
    id text COLLATE "C" PRIMARY KEY,    -- the policy's stable notification id (ntf_...)
    receiver text COLLATE "C" NOT NULL, -- a receiver name of the policy
    kind text NOT NULL,                 -- webhook, slack, teams, email, telegram
    group_key text NOT NULL,
    status text NOT NULL,               -- firing or resolved: the group's
    alert_ids text NOT NULL,            -- JSON array of the group's alert ids
    payload text NOT NULL,              -- the rendered message, the same on every attempt
    state text NOT NULL,                -- pending, delivered, failed
    created_at timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    attempt_count integer NOT NULL,     -- attempts in the current run of the retry schedule
    lease_owner text,
    lease_until timestamptz
);
CREATE INDEX IF NOT EXISTS notification_outbox_pending ON notification_outbox (receiver, next_attempt_at) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS notification_outbox_created ON notification_outbox (created_at, id);

CREATE TABLE IF NOT EXISTS notification_attempts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id text COLLATE "C" NOT NULL,
    at timestamptz NOT NULL,
    status integer,                     -- HTTP status or SMTP reply code, null when no answer came
    duration_ms double precision NOT NULL,
    error text
);
CREATE INDEX IF NOT EXISTS notification_attempts_notification ON notification_attempts (notification_id, id);

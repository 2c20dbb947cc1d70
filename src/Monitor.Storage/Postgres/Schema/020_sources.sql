-- Data sources, their status and the archive of every distinct file they fetched.
-- Schedulers on every silo lease due sources (lease_owner, lease_until), so one fetches a source at a time.
-- due_at is when the source next needs attention: its next fetch, or the moment its newest report becomes late
-- (null while paused).

CREATE TABLE IF NOT EXISTS sources (
    id text COLLATE "C" PRIMARY KEY,
    kind text NOT NULL,                 -- cme-stocks, lme-stocks, spdr-gld, cftc-cot, csv
    url text NOT NULL,
    schedule text NOT NULL,             -- five-field cron in time_zone
    time_zone text NOT NULL,            -- IANA name
    late_after interval,                -- business time after the newest activity date; null: never late
    calendar text NOT NULL,             -- the publisher's business days: cme, lme, nyse, weekdays
    enabled boolean NOT NULL,
    mapping text NOT NULL,              -- JSON object
    seed_hash text,                     -- hash of the configuration this source was last seeded from
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    due_at timestamptz,
    lease_owner text,
    lease_until timestamptz,
    last_fetch_at timestamptz,
    last_result text,                   -- new, unchanged, restated, rejected, failed
    last_error text,
    last_activity_date date,
    next_fetch_at timestamptz,
    late_since timestamptz,             -- when the newest report became late; null while on time
    etag text,                          -- validators of the last file, for conditional requests
    last_modified text,
    failures integer NOT NULL DEFAULT 0 -- fetches failed in a row: which retry delay comes next
);
CREATE INDEX IF NOT EXISTS sources_due ON sources (due_at) WHERE enabled;

CREATE TABLE IF NOT EXISTS source_files (
    source_id text COLLATE "C" NOT NULL,
    sha256 text COLLATE "C" NOT NULL,   -- of the content, lower-case hex
    url text NOT NULL,
    fetched_at timestamptz NOT NULL,    -- the first fetch of this content
    http_status integer NOT NULL,
    bytes bigint NOT NULL,
    result text NOT NULL,               -- what this file came to when first fetched
    activity_date date,
    detail text,                        -- why it was rejected
    content bytea NOT NULL,             -- as it came
    PRIMARY KEY (source_id, sha256)
);
CREATE INDEX IF NOT EXISTS source_files_fetched ON source_files (source_id, fetched_at);

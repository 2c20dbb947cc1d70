-- Who removed which of an instrument's ticks (from_time <= time < to_time), when, and how many
-- (DELETE /api/v1/instruments/{id}/ticks). deleted_by is the API key's name.
CREATE TABLE IF NOT EXISTS tick_deletions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instrument text NOT NULL,
    from_time timestamptz NOT NULL,
    to_time timestamptz NOT NULL,
    deleted_by text NOT NULL,
    deleted_at timestamptz NOT NULL,
    tick_count bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS tick_deletions_instrument ON tick_deletions (instrument, id);

-- Each instrument's headline state as its grain last wrote it (last price, today's change, the indicators of its
-- finest interval, the seq of its last hub message): GET /api/v1/instruments reads it for instruments whose grain is
-- not active, so listing the catalog activates none. One row per instrument, replaced in place.
CREATE TABLE IF NOT EXISTS instrument_snapshots (
    instrument text COLLATE "C" PRIMARY KEY,
    bar_interval text NOT NULL,
    price double precision,
    time timestamptz,
    change_pct double precision,
    indicators text NOT NULL,
    seq bigint NOT NULL
);

-- One row that /health/ready writes, to know the database takes writes (it is not read-only, full or refusing them).
CREATE TABLE IF NOT EXISTS store_probe (
    id integer PRIMARY KEY,
    written_at bigint NOT NULL -- Unix milliseconds
);

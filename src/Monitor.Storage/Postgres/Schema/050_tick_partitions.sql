-- Ticks partitioned by the UTC day of their time, so that retention drops whole days (a catalog change) instead of
-- deleting rows, and a day's index stays small. Partitions are named ticks_pYYYYMMDD; the server creates them ahead of
-- the clock and on demand for older days (an import), through monitor_create_tick_partition.
--
-- The partition key must be part of every unique index, so the primary key becomes (instrument_id, idx, time). The tick
-- store's duplicate check still holds: a retried tick carries the same index and the same time.
--
-- Upgrading a database whose ticks table is not partitioned keeps its rows where they are: the old table is attached
-- as one partition, ticks_legacy, covering everything before the day after its newest tick. Retention drops it once
-- that whole range is older than the retention. Attaching builds the new primary key's index once, over the old rows.

CREATE OR REPLACE FUNCTION monitor_create_tick_partition(day date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    partition_name text := 'ticks_p' || to_char(day, 'YYYYMMDD');
BEGIN
    IF to_regclass(partition_name) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE format(
        'CREATE TABLE %I PARTITION OF ticks FOR VALUES FROM (%L) TO (%L)',
        partition_name,
        (day::timestamp AT TIME ZONE 'UTC'),
        ((day + 1)::timestamp AT TIME ZONE 'UTC'));
    RETURN true;
EXCEPTION
    -- Another silo created it first.
    WHEN duplicate_table THEN RETURN false;
    -- The day lies inside ticks_legacy's range: its rows already have a partition.
    WHEN invalid_object_definition THEN RETURN false;
END;
$$;

-- Drops every partition whose whole range ends at or before the cutoff; returns the names dropped.
CREATE OR REPLACE FUNCTION monitor_drop_tick_partitions(cutoff timestamptz) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    partition record;
BEGIN
    FOR partition IN
        SELECT c.relname AS name,
               substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \(''([^'']+)''\)')::timestamptz AS upper_bound
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'ticks'::regclass
        ORDER BY 2
    LOOP
        EXIT WHEN partition.upper_bound > cutoff;
        EXECUTE format('DROP TABLE %I', partition.name);
        RETURN NEXT partition.name;
    END LOOP;
END;
$$;

DO $$
DECLARE
    legacy_end timestamptz;
BEGIN
    IF (SELECT relkind FROM pg_class WHERE oid = 'ticks'::regclass) = 'p' THEN
        RETURN;
    END IF;

    ALTER TABLE ticks RENAME TO ticks_legacy;
    ALTER TABLE ticks_legacy DROP CONSTRAINT ticks_pkey;
    ALTER INDEX ticks_instrument_time RENAME TO ticks_legacy_instrument_time;

    CREATE TABLE ticks (
        idx bigint NOT NULL,
        time timestamptz NOT NULL,
        price double precision NOT NULL,
        volume double precision NOT NULL,
        seq bigint NOT NULL,
        instrument_id integer NOT NULL,
        late boolean NOT NULL,
        PRIMARY KEY (instrument_id, idx, time)
    ) PARTITION BY RANGE (time);
    CREATE INDEX ticks_instrument_time ON ticks (instrument_id, time);

    SELECT (date_trunc('day', max(time) AT TIME ZONE 'UTC') + interval '1 day') AT TIME ZONE 'UTC'
    INTO legacy_end FROM ticks_legacy;
    IF legacy_end IS NULL THEN
        DROP TABLE ticks_legacy;
    ELSE
        EXECUTE format('ALTER TABLE ticks ATTACH PARTITION ticks_legacy FOR VALUES FROM (MINVALUE) TO (%L)', legacy_end);
    END IF;
END;
$$;

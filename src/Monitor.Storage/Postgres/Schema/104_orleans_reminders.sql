-- Orleans ADO.NET reminders (Microsoft.Orleans.Reminders.AdoNet, invariant "Npgsql") on PostgreSQL.
--
-- Contract (provider 10.4.2):
--   * A reminder is keyed by (@ServiceId, @GrainId, @ReminderName); @GrainId is GrainId.ToString() ("type/key").
--   * @GrainHash is the grain's uniform hash, a uint passed as a signed int. The reminder service reads its share
--     of the ring with @BeginHash/@EndHash (same signed encoding), meaning the half-open range (begin, end].
--     The provider calls ReadRangeRows1Key when (int)begin < (int)end and ReadRangeRows2Key otherwise (the range
--     wraps, or begin = end for the whole ring). Casting to int rotates the ring, so the split stays correct.
--   * @Period is in milliseconds (int, or bigint beyond int range); "Period" is read back as a 64-bit value.
--   * The etag is an integer "Version": UpsertReminderRowKey returns the new one; DeleteReminderRowKey deletes
--     only at the given version and returns a single boolean.

CREATE TABLE IF NOT EXISTS orleans_reminder
(
    service_id    text        NOT NULL,
    grain_id      text        NOT NULL,
    reminder_name text        NOT NULL,
    start_time    timestamptz NOT NULL,
    period_ms     bigint      NOT NULL,
    grain_hash    integer     NOT NULL,
    version       integer     NOT NULL,
    CONSTRAINT orleans_reminder_pkey PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS orleans_reminder_service_hash_idx ON orleans_reminder (service_id, grain_hash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'UpsertReminderRowKey',
    $sql$
    INSERT INTO orleans_reminder (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
    VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
    ON CONFLICT ON CONSTRAINT orleans_reminder_pkey DO UPDATE
    SET start_time = EXCLUDED.start_time,
        period_ms = EXCLUDED.period_ms,
        grain_hash = EXCLUDED.grain_hash,
        version = orleans_reminder.version + 1
    RETURNING version AS "Version";
    $sql$
),
(
    'ReadReminderRowKey',
    $sql$
    SELECT r.grain_id AS "GrainId", r.reminder_name AS "ReminderName", r.start_time AS "StartTime",
           r.period_ms AS "Period", r.version AS "Version"
    FROM orleans_reminder AS r
    WHERE r.service_id = @ServiceId AND r.grain_id = @GrainId AND r.reminder_name = @ReminderName;
    $sql$
),
(
    'ReadReminderRowsKey',
    $sql$
    SELECT r.grain_id AS "GrainId", r.reminder_name AS "ReminderName", r.start_time AS "StartTime",
           r.period_ms AS "Period", r.version AS "Version"
    FROM orleans_reminder AS r
    WHERE r.service_id = @ServiceId AND r.grain_id = @GrainId;
    $sql$
),
(
    -- (begin, end] without wrap-around.
    'ReadRangeRows1Key',
    $sql$
    SELECT r.grain_id AS "GrainId", r.reminder_name AS "ReminderName", r.start_time AS "StartTime",
           r.period_ms AS "Period", r.version AS "Version"
    FROM orleans_reminder AS r
    WHERE r.service_id = @ServiceId AND r.grain_hash > @BeginHash AND r.grain_hash <= @EndHash;
    $sql$
),
(
    -- (begin, end] wrapping past the top of the ring (or the whole ring when begin = end).
    'ReadRangeRows2Key',
    $sql$
    SELECT r.grain_id AS "GrainId", r.reminder_name AS "ReminderName", r.start_time AS "StartTime",
           r.period_ms AS "Period", r.version AS "Version"
    FROM orleans_reminder AS r
    WHERE r.service_id = @ServiceId AND (r.grain_hash > @BeginHash OR r.grain_hash <= @EndHash);
    $sql$
),
(
    'DeleteReminderRowKey',
    $sql$
    WITH deleted AS (
        DELETE FROM orleans_reminder AS r
        WHERE r.service_id = @ServiceId AND r.grain_id = @GrainId AND r.reminder_name = @ReminderName
          AND r.version = @Version
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM deleted) AS "Deleted";
    $sql$
),
(
    'DeleteReminderRowsKey',
    $sql$
    DELETE FROM orleans_reminder WHERE service_id = @ServiceId;
    $sql$
)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

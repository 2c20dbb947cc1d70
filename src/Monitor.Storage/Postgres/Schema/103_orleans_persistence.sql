-- Orleans ADO.NET grain persistence (Microsoft.Orleans.Persistence.AdoNet, invariant "Npgsql") on PostgreSQL.
--
-- Contract (provider 10.4.2):
--   * A state is identified by @ServiceId, @GrainTypeString (the state name given to [PersistentState]),
--     @GrainIdN0/@GrainIdN1 (GUID halves or 0/the integer key) and @GrainIdExtensionString (the key extension,
--     the whole key of a string-keyed grain, or NULL). @GrainIdHash/@GrainTypeHash are 32-bit hashes of those,
--     used here only to keep the index narrow. The grain TYPE is not part of the identity: two grain classes
--     with the same string key must not use the same state name on the same storage.
--   * The etag is an integer version. @GrainStateVersion is NULL when the grain has never seen a stored row.
--   * ReadFromStorageKey returns zero or one row: "PayloadBinary" (NULL after a clear) and "Version".
--   * WriteToStorageKey, ClearStorageKey and DeleteStorageKey must return exactly one row whose single value is
--     the new version, or NULL when @GrainStateVersion is not the stored version (or, for NULL, when a row already
--     exists): the provider turns NULL into InconsistentStateException.
--   * ClearStorageKey keeps the row (payload NULL, version advanced) so a later write still needs the etag;
--     DeleteStorageKey (used with DeleteStateOnClear = true) removes it and returns the version it would have had.

CREATE TABLE IF NOT EXISTS orleans_grain_state
(
    service_id          text        NOT NULL,
    grain_id_hash       integer     NOT NULL,
    grain_type_hash     integer     NOT NULL,
    grain_id_n0         bigint      NOT NULL,
    grain_id_n1         bigint      NOT NULL,
    grain_type          text        NOT NULL,
    grain_id_extension  text        NULL,
    payload             bytea       NULL,
    version             integer     NOT NULL,
    modified_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orleans_grain_state_key UNIQUE NULLS NOT DISTINCT
        (service_id, grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, grain_type, grain_id_extension)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'ReadFromStorageKey',
    $sql$
    SELECT s.payload AS "PayloadBinary", s.version AS "Version"
    FROM orleans_grain_state AS s
    WHERE s.service_id = @ServiceId
      AND s.grain_id_hash = @GrainIdHash
      AND s.grain_type_hash = @GrainTypeHash
      AND s.grain_id_n0 = @GrainIdN0
      AND s.grain_id_n1 = @GrainIdN1
      AND s.grain_type = @GrainTypeString
      AND s.grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString;
    $sql$
),
(
    -- Known version: compare-and-swap on the row. No version: insert, and a row that is already there is a conflict.
    'WriteToStorageKey',
    $sql$
    WITH updated AS (
        UPDATE orleans_grain_state AS s
        SET payload = @PayloadBinary, version = s.version + 1, modified_at = now()
        WHERE @GrainStateVersion IS NOT NULL
          AND s.service_id = @ServiceId
          AND s.grain_id_hash = @GrainIdHash
          AND s.grain_type_hash = @GrainTypeHash
          AND s.grain_id_n0 = @GrainIdN0
          AND s.grain_id_n1 = @GrainIdN1
          AND s.grain_type = @GrainTypeString
          AND s.grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
          AND s.version = @GrainStateVersion
        RETURNING s.version
    ),
    inserted AS (
        INSERT INTO orleans_grain_state
            (service_id, grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, grain_type, grain_id_extension,
             payload, version, modified_at)
        SELECT @ServiceId, @GrainIdHash, @GrainTypeHash, @GrainIdN0, @GrainIdN1, @GrainTypeString,
               @GrainIdExtensionString, @PayloadBinary, 1, now()
        WHERE @GrainStateVersion IS NULL
        ON CONFLICT ON CONSTRAINT orleans_grain_state_key DO NOTHING
        RETURNING version
    )
    SELECT (SELECT version FROM updated UNION ALL SELECT version FROM inserted LIMIT 1) AS "NewGrainStateVersion";
    $sql$
),
(
    -- Same compare-and-swap as a write, with no payload; a grain that never stored anything gets a fresh empty row.
    'ClearStorageKey',
    $sql$
    WITH updated AS (
        UPDATE orleans_grain_state AS s
        SET payload = NULL, version = s.version + 1, modified_at = now()
        WHERE @GrainStateVersion IS NOT NULL
          AND s.service_id = @ServiceId
          AND s.grain_id_hash = @GrainIdHash
          AND s.grain_type_hash = @GrainTypeHash
          AND s.grain_id_n0 = @GrainIdN0
          AND s.grain_id_n1 = @GrainIdN1
          AND s.grain_type = @GrainTypeString
          AND s.grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
          AND s.version = @GrainStateVersion
        RETURNING s.version
    ),
    inserted AS (
        INSERT INTO orleans_grain_state
            (service_id, grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, grain_type, grain_id_extension,
             payload, version, modified_at)
        SELECT @ServiceId, @GrainIdHash, @GrainTypeHash, @GrainIdN0, @GrainIdN1, @GrainTypeString,
               @GrainIdExtensionString, NULL, 1, now()
        WHERE @GrainStateVersion IS NULL
        ON CONFLICT ON CONSTRAINT orleans_grain_state_key DO NOTHING
        RETURNING version
    )
    SELECT (SELECT version FROM updated UNION ALL SELECT version FROM inserted LIMIT 1) AS "NewGrainStateVersion";
    $sql$
),
(
    'DeleteStorageKey',
    $sql$
    WITH deleted AS (
        DELETE FROM orleans_grain_state AS s
        WHERE s.service_id = @ServiceId
          AND s.grain_id_hash = @GrainIdHash
          AND s.grain_type_hash = @GrainTypeHash
          AND s.grain_id_n0 = @GrainIdN0
          AND s.grain_id_n1 = @GrainIdN1
          AND s.grain_type = @GrainTypeString
          AND s.grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
          AND s.version = @GrainStateVersion
        RETURNING s.version + 1 AS version
    )
    SELECT (SELECT version FROM deleted) AS "NewGrainStateVersion";
    $sql$
)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

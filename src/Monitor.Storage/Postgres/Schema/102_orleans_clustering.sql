-- Orleans ADO.NET clustering (Microsoft.Orleans.Clustering.AdoNet, invariant "Npgsql") on PostgreSQL.
--
-- Contract (provider 10.4.2):
--   * DeploymentId is ClusterOptions.ClusterId. A silo is keyed by (Address, Port, Generation).
--   * The table has ONE version per cluster, kept in orleans_membership_version. Every row's etag is that table
--     version, so InsertMembershipKey/UpdateMembershipKey receive @Version = the version the caller read, must
--     succeed only if it is still current, and must then advance it by one: that is Orleans' optimistic lock on the
--     whole membership table. They return a single boolean column.
--   * MembershipReadRowKey/MembershipReadAllKey return the version row LEFT JOINed to the members, so a cluster
--     with no members still yields one row carrying "Version" (its StartTime is NULL, which means "no member").
--   * Status is Orleans.Runtime.SiloStatus: 3 = Active, 6 = Dead. Times are UTC; columns are timestamptz.
--   * SuspectTimes is Orleans' own text encoding ("silo,time|silo,time"), stored and returned verbatim.
--   * CleanupDefunctSiloEntriesKey is required at start-up even though 10.4.2 prefers the optional
--     CleanupDefunctSiloEntryKey (one captured dead row at a time) whenever that key exists.

CREATE TABLE IF NOT EXISTS orleans_membership_version
(
    deployment_id text        NOT NULL,
    version       integer     NOT NULL DEFAULT 0,
    changed_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orleans_membership_version_pkey PRIMARY KEY (deployment_id)
);

CREATE TABLE IF NOT EXISTS orleans_membership
(
    deployment_id   text        NOT NULL,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    proxy_port      integer     NOT NULL,
    suspect_times   text        NULL,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    CONSTRAINT orleans_membership_pkey PRIMARY KEY (deployment_id, address, port, generation),
    CONSTRAINT orleans_membership_version_fkey FOREIGN KEY (deployment_id)
        REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'InsertMembershipVersionKey',
    $sql$
    WITH created AS (
        INSERT INTO orleans_membership_version (deployment_id, version, changed_at)
        VALUES (@DeploymentId, 0, now())
        ON CONFLICT (deployment_id) DO NOTHING
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM created) AS "Created";
    $sql$
),
(
    'MembershipReadAllKey',
    $sql$
    SELECT
        m.address         AS "Address",
        m.port            AS "Port",
        m.generation      AS "Generation",
        m.silo_name       AS "SiloName",
        m.host_name       AS "HostName",
        m.status          AS "Status",
        m.proxy_port      AS "ProxyPort",
        m.suspect_times   AS "SuspectTimes",
        m.start_time      AS "StartTime",
        m.i_am_alive_time AS "IAmAliveTime",
        v.version         AS "Version"
    FROM orleans_membership_version AS v
    LEFT JOIN orleans_membership AS m ON m.deployment_id = v.deployment_id
    WHERE v.deployment_id = @DeploymentId;
    $sql$
),
(
    'MembershipReadRowKey',
    $sql$
    SELECT
        m.address         AS "Address",
        m.port            AS "Port",
        m.generation      AS "Generation",
        m.silo_name       AS "SiloName",
        m.host_name       AS "HostName",
        m.status          AS "Status",
        m.proxy_port      AS "ProxyPort",
        m.suspect_times   AS "SuspectTimes",
        m.start_time      AS "StartTime",
        m.i_am_alive_time AS "IAmAliveTime",
        v.version         AS "Version"
    FROM orleans_membership_version AS v
    LEFT JOIN orleans_membership AS m
        ON  m.deployment_id = v.deployment_id
        AND m.address = @Address
        AND m.port = @Port
        AND m.generation = @Generation
    WHERE v.deployment_id = @DeploymentId;
    $sql$
),
(
    -- The version is claimed first (its row lock serialises writers; a writer that waited re-checks the version
    -- and finds it moved), and only when the silo is not in the table yet, so a lost race changes nothing.
    'InsertMembershipKey',
    $sql$
    WITH claimed AS (
        UPDATE orleans_membership_version AS v
        SET version = v.version + 1, changed_at = now()
        WHERE v.deployment_id = @DeploymentId
          AND v.version = @Version
          AND NOT EXISTS (
              SELECT 1 FROM orleans_membership AS m
              WHERE m.deployment_id = @DeploymentId
                AND m.address = @Address AND m.port = @Port AND m.generation = @Generation)
        RETURNING v.deployment_id
    ),
    inserted AS (
        INSERT INTO orleans_membership
            (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port,
             suspect_times, start_time, i_am_alive_time)
        SELECT claimed.deployment_id, @Address, @Port, @Generation, coalesce(@SiloName, ''), coalesce(@HostName, ''),
               @Status, @ProxyPort, NULL, @StartTime, @IAmAliveTime
        FROM claimed
        ON CONFLICT ON CONSTRAINT orleans_membership_pkey DO NOTHING
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM inserted) AS "Inserted";
    $sql$
),
(
    'UpdateMembershipKey',
    $sql$
    WITH claimed AS (
        UPDATE orleans_membership_version AS v
        SET version = v.version + 1, changed_at = now()
        WHERE v.deployment_id = @DeploymentId
          AND v.version = @Version
          AND EXISTS (
              SELECT 1 FROM orleans_membership AS m
              WHERE m.deployment_id = @DeploymentId
                AND m.address = @Address AND m.port = @Port AND m.generation = @Generation)
        RETURNING v.deployment_id
    ),
    updated AS (
        UPDATE orleans_membership AS m
        SET status = @Status,
            suspect_times = @SuspectTimes,
            i_am_alive_time = greatest(m.i_am_alive_time, @IAmAliveTime)
        FROM claimed
        WHERE m.deployment_id = claimed.deployment_id
          AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM updated) AS "Updated";
    $sql$
),
(
    -- Heartbeat: no version change (Orleans expects this write never to conflict); never moves time backwards.
    'UpdateIAmAlivetimeKey',
    $sql$
    UPDATE orleans_membership AS m
    SET i_am_alive_time = greatest(m.i_am_alive_time, @IAmAliveTime)
    WHERE m.deployment_id = @DeploymentId
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation;
    $sql$
),
(
    -- Used by clients (gateway list provider); @Status is 3 (Active).
    'GatewaysQueryKey',
    $sql$
    SELECT m.address AS "Address", m.proxy_port AS "ProxyPort", m.generation AS "Generation"
    FROM orleans_membership AS m
    WHERE m.deployment_id = @DeploymentId
      AND m.status = @Status
      AND m.proxy_port > 0;
    $sql$
),
(
    -- Removes the whole cluster: members go with their version row (ON DELETE CASCADE).
    'DeleteMembershipTableEntriesKey',
    $sql$
    DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId;
    $sql$
),
(
    -- Bulk fallback: dead silos that started and last reported alive before @IAmAliveTime (the cut-off).
    'CleanupDefunctSiloEntriesKey',
    $sql$
    DELETE FROM orleans_membership AS m
    WHERE m.deployment_id = @DeploymentId
      AND m.status = 6
      AND m.i_am_alive_time < @IAmAliveTime
      AND m.start_time < @IAmAliveTime;
    $sql$
),
(
    -- Preferred by 10.4.2: the provider reads the table, picks dead rows older than the cut-off and deletes each one
    -- only if it still holds exactly the values it read.
    'CleanupDefunctSiloEntryKey',
    $sql$
    DELETE FROM orleans_membership AS m
    WHERE m.deployment_id = @DeploymentId
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
      AND m.status = 6
      AND m.start_time = @StartTime
      AND m.i_am_alive_time = @IAmAliveTime
      AND coalesce(m.suspect_times, '') = coalesce(@SuspectTimes, '');
    $sql$
)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

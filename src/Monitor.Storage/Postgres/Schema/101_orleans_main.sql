-- Orleans ADO.NET providers (clustering, grain persistence, reminders) on PostgreSQL: the query catalogue.
--
-- Every Orleans ADO.NET provider starts by running, verbatim,
--     SELECT QueryKey, QueryText FROM OrleansQuery
-- and then executes the stored text of the keys it needs, binding its parameters by name (@Name).
-- The identifiers are unquoted on both sides, so PostgreSQL folds them to orleansquery(querykey, querytext);
-- Npgsql resolves the provider's "QueryKey"/"QueryText" column lookups case-insensitively.
--
-- 102-104 fill this table with ON CONFLICT DO UPDATE, so re-running any of them refreshes the query texts.
-- Scripts in this folder are idempotent and contain no transaction control: the migrator owns transactions.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,
    CONSTRAINT orleansquery_pkey PRIMARY KEY (QueryKey)
);

COMMENT ON TABLE OrleansQuery IS
    'Named SQL read by the Orleans ADO.NET providers at start-up; maintained by Monitor''s 1xx_orleans_*.sql migrations.';

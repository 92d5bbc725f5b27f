-- ContractSync relay schema, version 4: heartbeat history for the portal's
-- heartbeat chart. Documented in docs/relay-schema.md.

-- One row per site and minute in which heartbeats arrived: how many, and the
-- outbox figures of the minute's last one. A minute with no row had none.
-- At the default 15 s interval that is 4 beats a row and 1,440 rows a site a
-- day; retention (retention.heartbeats, 14 days) keeps it bounded.
CREATE TABLE site_heartbeats (
    tenant_id              uuid NOT NULL,
    site_id                uuid NOT NULL,
    minute                 timestamptz NOT NULL,   -- date_trunc('minute', arrival)
    beats                  integer NOT NULL,
    last_at                timestamptz NOT NULL,
    outbox_depth           bigint,                 -- change sets waiting at the agent
    outbox_oldest_seconds  bigint,                 -- age of the oldest of them
    PRIMARY KEY (tenant_id, site_id, minute),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites
);
-- Retention deletes by age across all sites.
CREATE INDEX site_heartbeats_by_minute ON site_heartbeats USING brin (minute);

ALTER TABLE site_heartbeats ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON site_heartbeats TO contractsync_tenant
    USING (tenant_id = cs_current_tenant());
CREATE POLICY staff_rows ON site_heartbeats TO contractsync_staff USING (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON site_heartbeats TO contractsync_tenant, contractsync_staff;

-- A JSON number as bigint, or null for anything else (the status object comes
-- from the agent; a malformed figure must not cost the heartbeat).
CREATE FUNCTION cs_jsonb_bigint(jsonb) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN jsonb_typeof($1) = 'number' AND ($1)::numeric BETWEEN 0 AND 9e18
                      THEN trunc(($1)::numeric)::bigint END $$;

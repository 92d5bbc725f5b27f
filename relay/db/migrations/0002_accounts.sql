-- ContractSync relay schema, version 2: accounts, sessions, API tokens, audit,
-- alerts and row-level security. Documented in docs/relay-schema.md and docs/api.md.
--
-- Tenant isolation in the database: the REST API runs every request in a
-- transaction under one of two roles (SET LOCAL ROLE), never as the owner:
--   contractsync_tenant  sees only rows whose tenant_id equals the setting
--                        contractsync.tenant_id of that transaction;
--   contractsync_staff   platform staff: every tenant.
-- A query that forgets its tenant filter in code therefore still returns only
-- the session's tenant. The agent link and migrations run as the owner.

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['contractsync_tenant', 'contractsync_staff'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- another database of this cluster created it concurrently
            END;
        END IF;
        -- The owner must be a member to SET ROLE (superusers always may).
        IF NOT pg_has_role(current_user, r, 'MEMBER') THEN
            EXECUTE format('GRANT %I TO %I', r, current_user);
        END IF;
    END LOOP;
END
$$;

-- The tenant of the current API transaction; null outside one.
CREATE FUNCTION cs_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('contractsync.tenant_id', true), '')::uuid $$;

-- Per-tenant settings: alert thresholds and the alert webhook.
CREATE TABLE tenant_settings (
    tenant_id               uuid PRIMARY KEY REFERENCES tenants,
    offline_after_seconds   integer NOT NULL DEFAULT 300 CHECK (offline_after_seconds >= 30),
    lag_alert_seconds       integer NOT NULL DEFAULT 3600 CHECK (lag_alert_seconds >= 60),
    failing_runs_alert      integer NOT NULL DEFAULT 3 CHECK (failing_runs_alert >= 1),
    alert_webhook_url       text,
    updated_at              timestamptz NOT NULL DEFAULT now()
);

-- Platform staff have no tenant (tenant_id null, role operator|admin); tenant
-- users have one (role admin|analyst|viewer). E-mail addresses are unique
-- across the platform, since login happens before the tenant is known.
CREATE TABLE users (
    user_id         uuid PRIMARY KEY,
    tenant_id       uuid REFERENCES tenants,
    email           text NOT NULL,
    display_name    text NOT NULL DEFAULT '',
    role            text NOT NULL,
    password_hash   text NOT NULL,               -- argon2id, PHC string format
    created_at      timestamptz NOT NULL DEFAULT now(),
    disabled_at     timestamptz,
    last_login_at   timestamptz,
    CHECK ((tenant_id IS NULL AND role IN ('operator', 'admin'))
        OR (tenant_id IS NOT NULL AND role IN ('admin', 'analyst', 'viewer')))
);
CREATE UNIQUE INDEX users_by_email ON users (lower(email));
CREATE INDEX users_by_tenant ON users (tenant_id, lower(email));

-- Portal sessions. The cookie carries a random token; only its SHA-256 is kept.
CREATE TABLE user_sessions (
    token_hash      bytea PRIMARY KEY,
    session_id      uuid NOT NULL UNIQUE,
    user_id         uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    tenant_id       uuid,
    csrf_token      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,        -- absolute limit
    ended_at        timestamptz,                 -- logout, user disabled
    address         text,
    user_agent      text
);
CREATE INDEX user_sessions_by_user ON user_sessions (user_id);
CREATE INDEX user_sessions_by_expiry ON user_sessions (expires_at);

-- API tokens act as their user with that user's role; shown once, stored hashed.
CREATE TABLE api_tokens (
    token_id        uuid PRIMARY KEY,
    token_hash      bytea NOT NULL UNIQUE,
    token_prefix    text NOT NULL,
    user_id         uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    tenant_id       uuid,
    name            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz,
    last_used_at    timestamptz,
    revoked_at      timestamptz
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

-- Login attempts, for throttling per account and per address across instances.
CREATE TABLE login_attempts (
    attempt_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text NOT NULL,
    address     text NOT NULL,
    succeeded   boolean NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_by_email ON login_attempts (lower(email), at);
CREATE INDEX login_attempts_by_address ON login_attempts (address, at);

-- Every mutation made through the API. tenant_id is null for platform actions.
CREATE TABLE audit_log (
    audit_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id     uuid,
    actor_id      uuid,                    -- users.user_id; null for the system
    actor         text NOT NULL,           -- e-mail, or "token <name> of <e-mail>"
    action        text NOT NULL,           -- e.g. site.create, user.update
    entity_type   text NOT NULL,
    entity_id     text,
    before        jsonb,
    after         jsonb,
    address       text,
    user_agent    text,
    at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, audit_id);

-- One row per agent connection, for the site's connection history.
CREATE TABLE site_connections (
    tenant_id       uuid NOT NULL,
    session_id      uuid NOT NULL,
    site_id         uuid NOT NULL,
    relay_instance  text,
    address         text,
    agent_version   text,
    host            text,
    connected_at    timestamptz NOT NULL DEFAULT now(),
    disconnected_at timestamptz,
    PRIMARY KEY (tenant_id, session_id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites
);
CREATE INDEX site_connections_by_site ON site_connections (tenant_id, site_id, connected_at);

-- Alerts raised once per state change: a row is opened when the condition
-- starts and resolved when it clears. At most one open alert per subject.
CREATE TABLE alerts (
    tenant_id     uuid NOT NULL,
    alert_id      uuid NOT NULL,
    site_id       uuid NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('site_offline', 'run_failing', 'lag')),
    subject       text NOT NULL DEFAULT '',     -- the entity for run_failing, else ''
    severity      text NOT NULL,
    message       text NOT NULL,
    details       jsonb,
    opened_at     timestamptz NOT NULL DEFAULT now(),
    resolved_at   timestamptz,
    PRIMARY KEY (tenant_id, alert_id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites
);
CREATE UNIQUE INDEX alerts_open ON alerts (tenant_id, site_id, kind, subject)
    WHERE resolved_at IS NULL;
CREATE INDEX alerts_by_time ON alerts (tenant_id, opened_at);

-- Webhook deliveries of alert state changes, retried until they succeed or expire.
CREATE TABLE alert_deliveries (
    tenant_id      uuid NOT NULL,
    delivery_id    bigint GENERATED ALWAYS AS IDENTITY,
    alert_id       uuid NOT NULL,
    url            text NOT NULL,
    payload        jsonb NOT NULL,
    attempts       integer NOT NULL DEFAULT 0,
    next_attempt   timestamptz NOT NULL DEFAULT now(),
    delivered_at   timestamptz,
    last_error     text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, delivery_id)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt) WHERE delivered_at IS NULL;

-- How long a site counts as online after its last frame (three heartbeat
-- intervals, set by the session), so a site whose relay instance died unseen
-- still turns offline.
ALTER TABLE sites ADD COLUMN liveness_seconds integer NOT NULL DEFAULT 45;

-- Commands carry who issued them, for the audit trail and the portal.
ALTER TABLE commands ADD COLUMN issued_by uuid;
ALTER TABLE commands ADD COLUMN result jsonb;

-- Row-level security on every table that carries tenant data. The owner is
-- exempt (no FORCE): the agent link and maintenance run as the owner.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenants', 'sites', 'site_keys', 'streams', 'applied_change_sets',
                             'records', 'change_log', 'pending_children', 'relay_events',
                             'sync_runs', 'failed_rows', 'commands', 'tenant_settings', 'users',
                             'user_sessions', 'api_tokens', 'audit_log', 'site_connections',
                             'alerts', 'alert_deliveries'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_rows ON %I TO contractsync_tenant '
                       'USING (tenant_id = cs_current_tenant())', t);
        EXECUTE format('CREATE POLICY staff_rows ON %I TO contractsync_staff USING (true)', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO contractsync_tenant, '
                       'contractsync_staff', t);
    END LOOP;
END
$$;
GRANT SELECT ON login_attempts TO contractsync_staff;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO contractsync_tenant, contractsync_staff;
-- Later migrations' tables get the same grants; each must still enable RLS and
-- create both policies (tests/relay/api checks every tenant_id table).
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO contractsync_tenant, contractsync_staff;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE ON SEQUENCES TO contractsync_tenant, contractsync_staff;

-- A site with its live status, as the API and the alert evaluator see it.
-- security_invoker: row-level security applies to whoever queries the view.
CREATE VIEW site_overview WITH (security_invoker = true) AS
SELECT o.*,
       CASE WHEN o.revoked_at IS NOT NULL THEN 'revoked'
            WHEN o.connected_at IS NULL THEN 'never_connected'
            WHEN NOT o.online THEN 'offline'
            WHEN cardinality(o.failing_entities) > 0 THEN 'failing'
            WHEN o.outbox_oldest_age_seconds > o.lag_alert_seconds THEN 'lagging'
            ELSE 'ok' END AS state,
       CASE WHEN o.revoked_at IS NOT NULL THEN 5
            WHEN o.connected_at IS NULL THEN 1
            WHEN NOT o.online THEN 0
            WHEN cardinality(o.failing_entities) > 0 THEN 2
            WHEN o.outbox_oldest_age_seconds > o.lag_alert_seconds THEN 3
            ELSE 4 END AS trouble_rank
FROM (
    SELECT s.tenant_id, t.name AS tenant_name, s.site_id, s.name, s.created_at, s.revoked_at,
           s.online AND s.revoked_at IS NULL
               AND s.last_seen_at > now() - s.liveness_seconds * interval '1 second' AS online,
           s.connected_at, s.last_seen_at, s.agent_version, s.host, s.os, s.status_at,
           (s.status #>> '{outbox,depth}')::bigint AS outbox_depth,
           (s.status #>> '{outbox,oldest_age_seconds}')::double precision
               AS outbox_oldest_age_seconds,
           CASE WHEN jsonb_typeof(s.status -> 'last_runs') = 'array'
                THEN s.status -> 'last_runs' ELSE '[]'::jsonb END AS last_runs,
           ARRAY(SELECT DISTINCT r ->> 'entity'
                 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(s.status -> 'last_runs') = 'array'
                                                THEN s.status -> 'last_runs'
                                                ELSE '[]'::jsonb END) r
                 WHERE r ->> 'status' = 'failed' ORDER BY 1) AS failing_entities,
           (SELECT count(*) FROM failed_rows f
             WHERE f.tenant_id = s.tenant_id AND f.site_id = s.site_id) AS failed_rows,
           (SELECT count(*) FROM alerts a WHERE a.tenant_id = s.tenant_id
               AND a.site_id = s.site_id AND a.resolved_at IS NULL) AS open_alerts,
           coalesce(ts.lag_alert_seconds, 3600) AS lag_alert_seconds,
           coalesce(ts.offline_after_seconds, 300) AS offline_after_seconds
    FROM sites s
    JOIN tenants t ON t.tenant_id = s.tenant_id
    LEFT JOIN tenant_settings ts ON ts.tenant_id = s.tenant_id
) o;
GRANT SELECT ON site_overview TO contractsync_tenant, contractsync_staff;

-- ContractSync relay schema, version 1. Documented in docs/relay-schema.md.
-- Every table carries tenant_id and leads its primary key with it, so the schema
-- can be distributed by tenant (Citus) without changing keys.

CREATE TABLE tenants (
    tenant_id   uuid PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sites (
    tenant_id       uuid NOT NULL REFERENCES tenants,
    site_id         uuid NOT NULL,
    name            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz,             -- set by `admin revoke-site`: no key works
    online          boolean NOT NULL DEFAULT false,
    session_id      uuid,                    -- the relay session that set online
    relay_instance  text,
    connected_at    timestamptz,
    last_seen_at    timestamptz,
    agent_id        text,
    agent_version   text,
    host            text,
    os              text,
    status          jsonb,                   -- the latest heartbeat's status object
    status_at       timestamptz,
    PRIMARY KEY (tenant_id, site_id),
    UNIQUE (tenant_id, name)
);
-- Admin commands name a site by its id alone.
CREATE INDEX sites_by_id ON sites (site_id);

-- Only the SHA-256 of a key is stored; the key itself is shown once.
CREATE TABLE site_keys (
    tenant_id   uuid NOT NULL,
    key_id      uuid NOT NULL,
    site_id     uuid NOT NULL,
    key_hash    bytea NOT NULL,
    key_prefix  text NOT NULL,               -- e.g. cs_site_AbCdEf, for display
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    PRIMARY KEY (tenant_id, key_id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites
);
-- Authentication looks keys up by hash before the tenant is known.
CREATE INDEX site_keys_by_hash ON site_keys (key_hash);

-- One agent state store's numbered sequence of change sets.
CREATE TABLE streams (
    tenant_id        uuid NOT NULL,
    stream_id        uuid NOT NULL,
    site_id          uuid NOT NULL,
    last_sequence    bigint NOT NULL DEFAULT 0,
    pruned_through   bigint NOT NULL DEFAULT 0,  -- applied_change_sets pruned up to here
    gaps             bigint NOT NULL DEFAULT 0,  -- sequences skipped (quarantined by the agent)
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_applied_at  timestamptz,
    PRIMARY KEY (tenant_id, stream_id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites
);

-- The exactly-once ledger: written in the transaction that applies the set.
CREATE TABLE applied_change_sets (
    tenant_id       uuid NOT NULL,
    stream_id       uuid NOT NULL,
    sequence        bigint NOT NULL,
    site_id         uuid NOT NULL,
    entity          text NOT NULL,
    run_id          text NOT NULL,
    content_digest  bytea NOT NULL,             -- XXH3-128 of the uncompressed body
    row_count       integer NOT NULL,
    rows_changed    integer NOT NULL,
    rows_parked     integer NOT NULL,
    created_at      timestamptz,                -- when the agent built the set
    applied_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, stream_id, sequence)
);
CREATE INDEX applied_change_sets_by_time ON applied_change_sets (applied_at);

-- The relay's copy of every synced row.
CREATE TABLE records (
    tenant_id         uuid NOT NULL,
    site_id           uuid NOT NULL,
    entity            text NOT NULL,
    bk_hash           bytea NOT NULL,
    parent_bk_hash    bytea,
    data              jsonb NOT NULL,
    data_hash         bytea NOT NULL,
    rowversion        text,
    deleted           boolean NOT NULL DEFAULT false,
    -- Defaults serve the bulk path, which COPYs new rows straight in.
    first_changed_at  timestamptz NOT NULL DEFAULT now(),
    last_changed_at   timestamptz NOT NULL DEFAULT now(),
    last_sequence     bigint NOT NULL,
    PRIMARY KEY (tenant_id, site_id, entity, bk_hash)
);

-- What each applied change set did to records, row by row (pruned by retention).
CREATE TABLE change_log (
    tenant_id   uuid NOT NULL,
    site_id     uuid NOT NULL,
    stream_id   uuid NOT NULL,
    sequence    bigint NOT NULL,
    entity      text NOT NULL,
    bk_hash     bytea NOT NULL,
    op          "char" NOT NULL,                -- i insert, u update, d delete
    data_hash   bytea,
    changed_at  timestamptz NOT NULL DEFAULT now()
);
-- BRIN, not B-tree: the log is append-only and written on the hot path, where a
-- B-tree on (tenant_id, stream_id, sequence) costed twice the heap write itself.
-- Both columns grow with insertion order, which is what BRIN summarises well.
CREATE INDEX change_log_by_time ON change_log USING brin (changed_at);
CREATE INDEX change_log_by_sequence ON change_log USING brin (sequence);

-- Child rows whose parent row is missing or deleted, waiting for it.
CREATE TABLE pending_children (
    tenant_id       uuid NOT NULL,
    site_id         uuid NOT NULL,
    entity          text NOT NULL,
    bk_hash         bytea NOT NULL,
    parent_entity   text NOT NULL,
    parent_bk_hash  bytea NOT NULL,
    data            jsonb NOT NULL,
    data_hash       bytea NOT NULL,
    rowversion      text,
    stream_id       uuid NOT NULL,
    sequence        bigint NOT NULL,
    parked_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, site_id, entity, bk_hash)
);
CREATE INDEX pending_children_by_parent
    ON pending_children (tenant_id, site_id, parent_entity, parent_bk_hash);

-- Alerts and notable events for the portal (conflicts, rejections, gaps).
CREATE TABLE relay_events (
    tenant_id   uuid NOT NULL,
    event_id    bigint GENERATED ALWAYS AS IDENTITY,
    site_id     uuid,
    kind        text NOT NULL,       -- conflict, rejected, sequence_gap, ...
    severity    text NOT NULL,       -- info, warning, alert
    stream_id   uuid,
    sequence    bigint,
    message     text NOT NULL,
    details     jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, event_id)
);
CREATE INDEX relay_events_by_site ON relay_events (tenant_id, site_id, created_at);
CREATE INDEX relay_events_by_time ON relay_events (created_at);

-- Finished sync runs reported by agents.
CREATE TABLE sync_runs (
    tenant_id    uuid NOT NULL,
    site_id      uuid NOT NULL,
    run_id       text NOT NULL,
    entity       text NOT NULL,
    status       text NOT NULL,
    started_at   timestamptz,
    finished_at  timestamptz,
    counts       jsonb,
    durations    jsonb,
    error        text,
    report       jsonb NOT NULL,     -- the whole message, for fields added later
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, site_id, run_id, entity)
);
CREATE INDEX sync_runs_by_time ON sync_runs (tenant_id, site_id, finished_at);

-- Rows the agent could not process; capped per site and entity. Agents resend
-- a batch whose delivery they could not confirm, so rows are keyed by the
-- agent's stream (hello.agent_id) and its row id.
CREATE TABLE failed_rows (
    tenant_id      uuid NOT NULL,
    site_id        uuid NOT NULL,
    stream_id      text NOT NULL,      -- the agent's stream (hello.agent_id)
    entity         text NOT NULL,
    row_id         text NOT NULL,      -- the agent's id, unique within its stream
    run_id         text,
    stage          text,
    field          text,
    error          text,
    value          text,
    location       text,               -- JSON text: source, line, record, page
    raw            text,
    raw_truncated  boolean NOT NULL DEFAULT false,
    created_at     timestamptz,        -- when the agent recorded it
    received_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, site_id, stream_id, entity, row_id)
);
CREATE INDEX failed_rows_by_age ON failed_rows (tenant_id, site_id, entity, received_at);

-- Commands for agents (sync_now, full_resync, retry_failed) and their results.
CREATE TABLE commands (
    tenant_id    uuid NOT NULL,
    command_id   uuid NOT NULL,
    site_id      uuid NOT NULL,
    command      text NOT NULL CHECK (command IN ('sync_now', 'full_resync', 'retry_failed')),
    entity       text,
    status       text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sent', 'succeeded', 'failed')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz,
    finished_at  timestamptz,
    message      text,
    run_id       text,
    PRIMARY KEY (tenant_id, command_id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites
);
CREATE INDEX commands_pending ON commands (tenant_id, site_id) WHERE status = 'pending';

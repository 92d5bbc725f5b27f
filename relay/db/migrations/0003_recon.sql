-- ContractSync relay schema, version 3: contract reconciliation. Documented in
-- docs/reconciliation.md. Every table leads its key with tenant_id and follows
-- 0002's row-level security convention (policies tenant_rows and staff_rows).

-- Description similarity for item mapping suggestions (trusted extension).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- A part number reduced to what survives retyping: letters and digits only,
-- upper case ('3m-2090/1 ' -> '3M20901'). Immutable so indexes can use it.
CREATE FUNCTION cs_norm_part(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT upper(regexp_replace($1, '[^[:alnum:]]+', '', 'g')) $$;

-- A time-ordered UUID (version 7) made in SQL, for rows that set-based
-- statements create (the relay makes its other ids in C++, also version 7).
CREATE FUNCTION cs_uuid_v7() RETURNS uuid
    LANGUAGE sql VOLATILE PARALLEL SAFE
    AS $$
    SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
        PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
        FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
    $$;

-- The P21 catalog reconciliation reads: the synced supplier, inv_mast, item_uom and
-- inventory_supplier records (entities and fields as in config/p21-items.jsonc
-- and config/agent-p21-item-export.jsonc) reduced to typed, indexed columns.
-- Kept current from change_log by each run (refresh_p21_catalog), so a run
-- joins narrow tables instead of parsing JSON, and applying records carries no
-- reconciliation index at all. Children point at their item by parent_bk_hash.
CREATE TABLE recon_p21_items (
    tenant_id        uuid NOT NULL,
    site_id          uuid NOT NULL,
    item_bk          bytea NOT NULL,          -- records.bk_hash of the inv_mast row
    item_id          text,
    item_norm        text,                    -- cs_norm_part(item_id)
    item_desc        text,
    purchasing_unit  text,                    -- default_purchasing_unit, upper case
    unit_sizes       jsonb NOT NULL DEFAULT '{}',  -- {"EA": 1, "CS": 12}: its active units
    active           boolean NOT NULL,        -- active flag / delete_flag
    deleted          boolean NOT NULL,        -- soft-deleted record (gone from P21)
    PRIMARY KEY (tenant_id, site_id, item_bk)
);
CREATE INDEX recon_p21_items_by_norm ON recon_p21_items (tenant_id, item_norm);
CREATE INDEX recon_p21_items_by_desc ON recon_p21_items USING gin (item_desc gin_trgm_ops);

CREATE TABLE recon_p21_units (
    tenant_id  uuid NOT NULL,
    site_id    uuid NOT NULL,
    unit_bk    bytea NOT NULL,
    item_bk    bytea,
    unit       text,                          -- unit_of_measure, upper case
    unit_size  numeric,                       -- null unless a positive number
    active     boolean NOT NULL,              -- and not deleted
    PRIMARY KEY (tenant_id, site_id, unit_bk)
);
CREATE INDEX recon_p21_units_by_item ON recon_p21_units (tenant_id, site_id, item_bk);

CREATE TABLE recon_p21_costs (
    tenant_id    uuid NOT NULL,
    site_id      uuid NOT NULL,
    cost_bk      bytea NOT NULL,
    item_bk      bytea,
    supplier_id  text,
    part_no      text,
    part_upper   text,                        -- upper(btrim(supplier_part_no)): exact matches
    part_norm    text,                        -- cs_norm_part(supplier_part_no)
    cost         numeric,
    division_id  text,
    active       boolean NOT NULL,            -- and not deleted
    PRIMARY KEY (tenant_id, site_id, cost_bk)
);
CREATE INDEX recon_p21_costs_by_part ON recon_p21_costs (tenant_id, supplier_id, part_norm);
CREATE INDEX recon_p21_costs_by_item ON recon_p21_costs (tenant_id, site_id, item_bk);

CREATE TABLE recon_p21_suppliers (
    tenant_id    uuid NOT NULL,
    site_id      uuid NOT NULL,
    supplier_bk  bytea NOT NULL,
    supplier_id  text,
    name_key     text,                        -- upper(btrim(supplier_name))
    active       boolean NOT NULL,
    PRIMARY KEY (tenant_id, site_id, supplier_bk)
);

-- How far the catalog has read each stream's change_log (exact: an apply
-- commits its stream's sequences in order).
CREATE TABLE recon_p21_marks (
    tenant_id  uuid NOT NULL,
    stream_id  uuid NOT NULL,
    sequence   bigint NOT NULL,
    PRIMARY KEY (tenant_id, stream_id)
);

-- Per-tenant reconciliation policy. Tolerances are exact decimals: abs_tolerance
-- in the P21 cost's currency per P21 cost unit, pct_tolerance in percent of the
-- P21 cost. tolerance_mode 'any': a difference within any configured tolerance
-- is accepted; 'all': it must be within every configured one.
CREATE TABLE recon_policies (
    tenant_id           uuid PRIMARY KEY REFERENCES tenants,
    abs_tolerance       numeric CHECK (abs_tolerance >= 0),
    pct_tolerance       numeric CHECK (pct_tolerance >= 0),
    tolerance_mode      text NOT NULL DEFAULT 'any' CHECK (tolerance_mode IN ('any', 'all')),
    high_severity_pct   numeric NOT NULL DEFAULT 10 CHECK (high_severity_pct >= 0),
    currency            text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    auto_approve_exact  boolean NOT NULL DEFAULT true,
    auto_run            boolean NOT NULL DEFAULT true,
    schedule_minutes    integer DEFAULT 1440 CHECK (schedule_minutes >= 5),
    settle_seconds      integer NOT NULL DEFAULT 60 CHECK (settle_seconds >= 0),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    updated_by          uuid
);

-- Vendor codes as contract files write them, mapped to P21 supplier ids.
CREATE TABLE recon_vendors (
    tenant_id    uuid NOT NULL REFERENCES tenants,
    vendor_id    text NOT NULL,
    supplier_id  text NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, vendor_id)
);

-- Vendor contract files uploaded through the portal; the original bytes are in
-- the blob store under blob_key.
CREATE TABLE recon_vendor_files (
    tenant_id       uuid NOT NULL REFERENCES tenants,
    file_id         uuid NOT NULL,
    name            text NOT NULL,
    format          text NOT NULL CHECK (format IN ('csv', 'xlsx')),
    vendor_id       text,                      -- the vendor the uploader named, if any
    blob_key        text NOT NULL,
    size_bytes      bigint NOT NULL,
    sha256          text NOT NULL,
    status          text NOT NULL CHECK (status IN ('accepted', 'partial', 'rejected', 'superseded')),
    lines_total     integer NOT NULL DEFAULT 0,
    lines_accepted  integer NOT NULL DEFAULT 0,
    lines_rejected  integer NOT NULL DEFAULT 0,
    error           text,                      -- why a rejected file could not be read at all
    uploaded_by     uuid,
    uploaded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, file_id)
);
CREATE INDEX recon_vendor_files_by_time ON recon_vendor_files (tenant_id, uploaded_at);

-- Lines of an uploaded file that could not be accepted (the first few hundred).
CREATE TABLE recon_vendor_file_errors (
    tenant_id  uuid NOT NULL,
    file_id    uuid NOT NULL,
    error_no   integer NOT NULL,
    line       bigint NOT NULL,                -- physical line (CSV) or sheet row (XLSX)
    field      text,
    message    text NOT NULL,
    raw        text,
    PRIMARY KEY (tenant_id, file_id, error_no),
    FOREIGN KEY (tenant_id, file_id) REFERENCES recon_vendor_files ON DELETE CASCADE
);

-- Accepted contract lines of uploaded files. Lines synced from agents' drop
-- folders stay in records (entity contract_lines) and are read from there.
CREATE TABLE recon_contract_lines (
    tenant_id        uuid NOT NULL,
    file_id          uuid NOT NULL,
    line_no          bigint NOT NULL,
    vendor_id        text NOT NULL,
    contract_no      text NOT NULL,
    vendor_item      text NOT NULL,
    vendor_uom       text NOT NULL,
    description      text,
    unit_size        numeric CHECK (unit_size > 0),
    price            numeric NOT NULL,
    currency         text,
    effective_start  date,
    effective_end    date,
    -- Worked out once at upload rather than by every run:
    line_key         text NOT NULL,            -- vendor, contract, item, UOM (0x1f-separated)
    item_upper       text NOT NULL,            -- upper(vendor_item)
    PRIMARY KEY (tenant_id, file_id, line_no),
    FOREIGN KEY (tenant_id, file_id) REFERENCES recon_vendor_files ON DELETE CASCADE
);
-- A line's identity is unique among uploads: a new file of a contract replaces
-- the earlier one's lines, and a file cannot repeat a line.
CREATE UNIQUE INDEX recon_contract_lines_by_key
    ON recon_contract_lines (tenant_id, vendor_id, contract_no, vendor_item, vendor_uom);

-- Vendor item + UOM -> P21 item + UOM. One row per candidate; at most one
-- approved per vendor key. Suggestions carry how they were found and a confidence.
CREATE TABLE recon_mappings (
    tenant_id     uuid NOT NULL REFERENCES tenants,
    mapping_id    uuid NOT NULL DEFAULT cs_uuid_v7(),
    vendor_id     text NOT NULL,
    vendor_item   text NOT NULL,
    vendor_uom    text NOT NULL,
    p21_site_id   uuid NOT NULL,
    p21_item_bk   bytea NOT NULL,             -- records.bk_hash of the inv_mast row
    p21_item_id   text NOT NULL,
    p21_uom       text NOT NULL,
    method        text NOT NULL CHECK (method IN ('supplier_part_exact', 'supplier_part_normalized',
                                                  'item_id_normalized', 'description', 'manual')),
    confidence    numeric(4, 3) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    status        text NOT NULL DEFAULT 'suggested'
                  CHECK (status IN ('suggested', 'approved', 'rejected')),
    note          text,
    decided_by    uuid,
    decided_at    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, mapping_id),
    UNIQUE (tenant_id, vendor_id, vendor_item, vendor_uom, p21_site_id, p21_item_bk)
);
CREATE UNIQUE INDEX recon_mappings_approved ON recon_mappings (tenant_id, vendor_id, vendor_item, vendor_uom)
    WHERE status = 'approved';
CREATE INDEX recon_mappings_by_status ON recon_mappings (tenant_id, status, vendor_id, vendor_item);

-- Reconciliation runs.
CREATE TABLE recon_runs (
    tenant_id      uuid NOT NULL REFERENCES tenants,
    run_id         uuid NOT NULL,
    trigger        text NOT NULL CHECK (trigger IN ('manual', 'scheduled', 'automatic')),
    requested_by   uuid,
    status         text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    as_of          date NOT NULL,
    started_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at    timestamptz,
    inputs_at      timestamptz,               -- newest input change this run saw
    summary        jsonb,                     -- counts: lines, rules, transitions
    error          text,
    PRIMARY KEY (tenant_id, run_id)
);
CREATE INDEX recon_runs_by_time ON recon_runs (tenant_id, started_at);

-- One row per tenant: what the scheduler needs to decide whether a run is due.
CREATE TABLE recon_state (
    tenant_id          uuid PRIMARY KEY REFERENCES tenants,
    last_run_id        uuid,
    last_run_at        timestamptz,
    last_inputs_at     timestamptz,           -- inputs_at of the last successful run
    inputs_changed_at  timestamptz,            -- newest change to uploads, mappings or policy
    p21_refreshed_at   timestamptz             -- when the P21 catalog was last brought up to date
);

-- Exceptions: one per rule and contract line (line_key), for good. A run updates
-- it while the condition holds, resolves it when the condition clears and
-- reopens it when the condition returns, so its identity never changes.
CREATE TABLE recon_exceptions (
    tenant_id             uuid NOT NULL REFERENCES tenants,
    exception_id          uuid NOT NULL DEFAULT cs_uuid_v7(),
    seq                   bigint GENERATED ALWAYS AS IDENTITY,  -- list order and cursor
    rule                  text NOT NULL CHECK (rule IN ('MISSING_MAPPING', 'UOM_MISMATCH',
                                  'PRICE_MISMATCH', 'EXPIRED_CONTRACT', 'NOT_YET_EFFECTIVE',
                                  'INACTIVE_ITEM')),
    line_key              text NOT NULL,      -- vendor, contract, vendor item, UOM (0x1f-separated)
    vendor_id             text NOT NULL,
    contract_no           text NOT NULL,
    vendor_item           text NOT NULL,
    vendor_uom            text NOT NULL,
    supplier_id           text,
    p21_site_id           uuid,
    p21_item_bk           bytea,
    p21_item_id           text,
    severity              text NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    severity_rank         smallint NOT NULL,  -- 1 low, 2 medium, 3 high
    status                text NOT NULL DEFAULT 'open'
                          CHECK (status IN ('open', 'resolved', 'overridden')),
    message               text NOT NULL,
    suggested_action      text NOT NULL,
    details               jsonb NOT NULL,     -- the numbers that triggered it
    fingerprint           text NOT NULL,      -- those numbers, for overrides
    assignee              uuid,
    first_run_id          uuid NOT NULL,
    last_run_id           uuid NOT NULL,      -- the last run that found it true
    first_seen_at         timestamptz NOT NULL DEFAULT now(),
    last_seen_at          timestamptz NOT NULL DEFAULT now(),
    resolved_at           timestamptz,
    resolved_by           uuid,               -- null with resolution_kind 'auto'
    resolution_kind       text CHECK (resolution_kind IN ('manual', 'auto')),
    resolution            text,
    override_until        date,
    override_fingerprint  text,
    override_reason       text,
    overridden_by         uuid,
    overridden_at         timestamptz,
    suggested_at          timestamptz,        -- MISSING_MAPPING: when mappings were last suggested
    updated_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, exception_id),
    UNIQUE (tenant_id, rule, line_key),
    CHECK (status <> 'overridden' OR override_until IS NOT NULL)
);
CREATE INDEX recon_exceptions_by_seq ON recon_exceptions (tenant_id, seq);
CREATE INDEX recon_exceptions_by_status ON recon_exceptions (tenant_id, status, seq);
CREATE INDEX recon_exceptions_by_severity ON recon_exceptions (tenant_id, severity_rank, seq);
CREATE INDEX recon_exceptions_by_assignee ON recon_exceptions (tenant_id, assignee, seq)
    WHERE assignee IS NOT NULL;

-- What happened to each exception: opened, auto_resolved, reopened, comments,
-- assignments, resolutions, overrides.
CREATE TABLE recon_exception_events (
    tenant_id     uuid NOT NULL,
    event_id      bigint GENERATED ALWAYS AS IDENTITY,
    exception_id  uuid NOT NULL,
    run_id        uuid,
    kind          text NOT NULL CHECK (kind IN ('opened', 'reopened', 'auto_resolved',
                      'override_ended', 'comment', 'assigned', 'resolved', 'overridden',
                      'manual_reopen')),
    actor_id      uuid,                       -- users.user_id; null for the system
    note          text,
    details       jsonb,
    at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, event_id),
    FOREIGN KEY (tenant_id, exception_id) REFERENCES recon_exceptions ON DELETE CASCADE
);
CREATE INDEX recon_exception_events_by_exception
    ON recon_exception_events (tenant_id, exception_id, event_id);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['recon_p21_items', 'recon_p21_units', 'recon_p21_costs',
                             'recon_p21_suppliers', 'recon_p21_marks', 'recon_policies',
                             'recon_vendors', 'recon_vendor_files', 'recon_vendor_file_errors',
                             'recon_contract_lines', 'recon_mappings', 'recon_runs', 'recon_state',
                             'recon_exceptions', 'recon_exception_events'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_rows ON %I TO contractsync_tenant '
                       'USING (tenant_id = cs_current_tenant())', t);
        EXECUTE format('CREATE POLICY staff_rows ON %I TO contractsync_staff USING (true)', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO contractsync_tenant, '
                       'contractsync_staff', t);
    END LOOP;
END
$$;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO contractsync_tenant, contractsync_staff;

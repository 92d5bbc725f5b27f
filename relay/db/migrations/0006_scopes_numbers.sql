-- ContractSync relay schema, version 6: API token scopes, a per-tenant
-- maximum token lifetime, and exception numbers counted per tenant.
-- Documented in docs/relay-schema.md, docs/api.md and docs/security.md.

-- What a token may do besides what its user's role allows: 'read' (every GET),
-- 'recon:write' (changes under /recon and vendor-file uploads), 'admin' (every
-- other change). Tokens made before scopes existed keep every scope; new
-- tokens get 'read' unless more is asked for.
ALTER TABLE api_tokens ADD COLUMN scopes text[] NOT NULL
    DEFAULT ARRAY['read', 'recon:write', 'admin']
    CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'recon:write', 'admin']);
ALTER TABLE api_tokens ALTER COLUMN scopes SET DEFAULT ARRAY['read'];

-- The longest lifetime a tenant's users may give a token; null: the relay's
-- api.max_token_lifetime_days.
ALTER TABLE tenant_settings
    ADD COLUMN max_token_lifetime_days integer
        CHECK (max_token_lifetime_days BETWEEN 1 AND 3650);

-- Exception numbers as people see them ("#12"), counted per tenant; seq stays
-- the global list order and cursor.
ALTER TABLE recon_exceptions ADD COLUMN number bigint;
UPDATE recon_exceptions e SET number = n.number
FROM (SELECT exception_id, row_number() OVER (PARTITION BY tenant_id ORDER BY seq) AS number
      FROM recon_exceptions) n
WHERE e.exception_id = n.exception_id;
ALTER TABLE recon_exceptions ALTER COLUMN number SET NOT NULL;
CREATE UNIQUE INDEX recon_exceptions_number ON recon_exceptions (tenant_id, number);

-- The last number given in each tenant. Only reconciliation runs write it (one
-- at a time per tenant), so it is a table of its own: the recon_state row that
-- API writes touch is never held by a run.
CREATE TABLE recon_exception_numbers (
    tenant_id  uuid PRIMARY KEY REFERENCES tenants,
    last       bigint NOT NULL
);
INSERT INTO recon_exception_numbers (tenant_id, last)
SELECT tenant_id, max(number) FROM recon_exceptions GROUP BY tenant_id;

ALTER TABLE recon_exception_numbers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON recon_exception_numbers TO contractsync_tenant
    USING (tenant_id = cs_current_tenant());
CREATE POLICY staff_rows ON recon_exception_numbers TO contractsync_staff USING (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON recon_exception_numbers
    TO contractsync_tenant, contractsync_staff;

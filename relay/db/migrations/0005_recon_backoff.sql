-- ContractSync relay schema, version 5: failed reconciliation runs back off,
-- and a run no longer holds its tenant's recon_state row while it works.
-- Documented in docs/relay-schema.md and docs/reconciliation.md.

-- Failed runs in a row, the last one's time and error, and when the scheduler
-- may try again (null: no backoff in force). A successful run clears them.
ALTER TABLE recon_state
    ADD COLUMN failures         integer NOT NULL DEFAULT 0,
    ADD COLUMN last_attempt_at  timestamptz,
    ADD COLUMN last_error       text,
    ADD COLUMN next_attempt_at  timestamptz;

-- When the P21 catalog was last brought up to date. It was a recon_state
-- column: the catalog refresh at the start of a run then locked the tenant's
-- recon_state row for the whole run, and every API write that marks the
-- inputs changed (uploads, mapping decisions, policy) waited for the run.
CREATE TABLE recon_p21_refreshes (
    tenant_id     uuid PRIMARY KEY REFERENCES tenants,
    refreshed_at  timestamptz NOT NULL
);
INSERT INTO recon_p21_refreshes (tenant_id, refreshed_at)
SELECT tenant_id, p21_refreshed_at FROM recon_state WHERE p21_refreshed_at IS NOT NULL;
ALTER TABLE recon_state DROP COLUMN p21_refreshed_at;

ALTER TABLE recon_p21_refreshes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON recon_p21_refreshes TO contractsync_tenant
    USING (tenant_id = cs_current_tenant());
CREATE POLICY staff_rows ON recon_p21_refreshes TO contractsync_staff USING (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON recon_p21_refreshes
    TO contractsync_tenant, contractsync_staff;

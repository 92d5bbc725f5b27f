-- ContractSync relay schema, version 10: a person's resolution holds until the
-- exception's numbers change. Documented in docs/relay-schema.md and
-- docs/reconciliation.md ("Identity").
--
-- Resolving by hand keeps the exception's fingerprint and numbers of that
-- moment. A run that finds the exception again with the same fingerprint
-- leaves it resolved; with another it reopens it and says which number
-- changed, by comparing resolved_details with the new finding.
ALTER TABLE recon_exceptions
    ADD COLUMN resolved_fingerprint text,
    ADD COLUMN resolved_details     jsonb;

-- Exceptions resolved by hand before this version: a run never touches a
-- resolved exception it does not find, so their numbers are still those of
-- the resolution.
UPDATE recon_exceptions
SET resolved_fingerprint = fingerprint, resolved_details = details
WHERE status = 'resolved' AND resolution_kind = 'manual';

-- ContractSync relay schema, version 11: P21 suppliers found by id and name,
-- and shown by name. Documented in docs/relay-schema.md and
-- docs/reconciliation.md ("The P21 catalog").
--
-- The catalog kept only the upper-cased name it matches vendor codes on; the
-- vendor links page searches suppliers by id and name and the exceptions
-- queue shows a vendor's P21 name, so the name is kept as P21 has it, with
-- trigram indexes for the search (pg_trgm is installed by version 3).
ALTER TABLE recon_p21_suppliers ADD COLUMN supplier_name text;

UPDATE recon_p21_suppliers s
SET supplier_name = r.data->>'supplier_name'
FROM records r
WHERE r.tenant_id = s.tenant_id AND r.site_id = s.site_id AND r.entity = 'supplier'
  AND r.bk_hash = s.supplier_bk;

CREATE INDEX recon_p21_suppliers_by_id ON recon_p21_suppliers (tenant_id, supplier_id);
CREATE INDEX recon_p21_suppliers_name_trgm ON recon_p21_suppliers
    USING gin (name_key gin_trgm_ops);

-- Item search by a supplier part number of any supplier.
CREATE INDEX recon_p21_costs_by_norm ON recon_p21_costs (tenant_id, part_norm);

-- A fix (a vendor link, an item mapping) re-evaluates the contract lines it
-- concerns at once: a run of trigger 'fix', limited to those lines.
ALTER TABLE recon_runs DROP CONSTRAINT recon_runs_trigger_check;
ALTER TABLE recon_runs ADD CONSTRAINT recon_runs_trigger_check
    CHECK (trigger IN ('manual', 'scheduled', 'automatic', 'fix'));

-- The exceptions of one vendor item: the vendor's description beside P21's
-- on the mappings page, and a fix's re-evaluation.
CREATE INDEX recon_exceptions_by_vendor_item
    ON recon_exceptions (tenant_id, vendor_id, vendor_item);

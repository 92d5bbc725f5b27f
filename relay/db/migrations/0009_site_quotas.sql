-- ContractSync relay schema, version 9: what the per-site failed-rows quota
-- (limits.max_failed_rows_per_site) needs to stay cheap. Documented in
-- docs/relay-schema.md and docs/security.md (section 3, "A compromised
-- agent"). The other per-site quotas (entities, streams) use the primary keys
-- that exist.

-- How many failed_rows the site holds: kept by the agent link in the
-- transaction that inserts or trims them (relay/agent_link/site_store.cpp,
-- the table's only writer), so the quota costs no count(*) per message.
ALTER TABLE sites ADD COLUMN failed_row_count bigint NOT NULL DEFAULT 0;
UPDATE sites s SET failed_row_count = (SELECT count(*) FROM failed_rows f
                                       WHERE f.tenant_id = s.tenant_id
                                         AND f.site_id = s.site_id);

-- The site's oldest failed rows first, in the order the quota drops them: the
-- reverse of the newest-first order the per-entity cap keeps.
CREATE INDEX failed_rows_by_site_age ON failed_rows (tenant_id, site_id, received_at, row_id DESC);

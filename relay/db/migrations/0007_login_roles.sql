-- ContractSync relay schema, version 7: the API's own login roles, a signed
-- tenant claim, and row-level security that binds the owner too. Documented in
-- docs/security.md ("Row-level security") and docs/relay-schema.md.
--
-- Before: API requests ran on connections logged in as the owner and switched
-- role per transaction, so one injected RESET ROLE made them the owner again,
-- and an injected set_config('contractsync.tenant_id', ...) chose any tenant.
-- Now:
--   contractsync_api_tenant  LOGIN, NOINHERIT, member of contractsync_tenant only:
--                            the connections of tenant-scoped requests;
--   contractsync_api_staff   LOGIN, NOINHERIT, member of contractsync_staff only:
--                            the connections of staff requests across tenants.
-- Neither is a member of the owner, of the other's group role, or of a role
-- that bypasses row-level security, and NOINHERIT leaves them no privileges of
-- their own: RESET ROLE lands on a role that may read nothing. The relay checks
-- these properties at startup (relay/db/login_roles.cpp), since a database
-- administrator may have created the roles beforehand.
-- The roles get no password here; `contractsync-relay admin db-roles` sets
-- the passwords from the relay's configuration.

DO $$
DECLARE
    login text;
    grp text;
BEGIN
    FOR login, grp IN VALUES ('contractsync_api_tenant', 'contractsync_tenant'),
                             ('contractsync_api_staff', 'contractsync_staff') LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I LOGIN NOINHERIT NOSUPERUSER NOCREATEDB '
                               'NOCREATEROLE NOREPLICATION NOBYPASSRLS', login);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- another database of this cluster created it concurrently
            END;
        END IF;
        IF NOT pg_has_role(login, grp, 'MEMBER') THEN
            BEGIN
                EXECUTE format('GRANT %I TO %I', grp, login);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- granted concurrently by another database's migration
            END;
        END IF;
    END LOOP;
END
$$;

-- Secrets only the owner reads. Later migrations' default privileges would
-- grant the API roles access, so they are revoked explicitly.
CREATE TABLE relay_secrets (
    name        text PRIMARY KEY,
    secret      bytea NOT NULL,        -- HMAC-SHA256 key, 32 bytes
    inner_pad   bytea NOT NULL,        -- secret zero-padded to 64 bytes, XOR 0x36
    outer_pad   bytea NOT NULL,        -- secret zero-padded to 64 bytes, XOR 0x5c
    created_at  timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON relay_secrets FROM PUBLIC, contractsync_tenant, contractsync_staff;

-- A new key for the tenant claim. Relays read it at startup: after a rotation
-- every relay instance must restart. Owner only.
CREATE FUNCTION cs_rotate_tenant_claim_key() RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- gen_random_uuid() draws from the server's strong random source; three
    -- of them carry 366 random bits.
    k bytea := sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text
                                 || gen_random_uuid()::text, 'UTF8'));
    ip bytea := decode(repeat('36', 64), 'hex');
    op bytea := decode(repeat('5c', 64), 'hex');
BEGIN
    FOR i IN 0 .. length(k) - 1 LOOP
        ip := set_byte(ip, i, get_byte(k, i) # 54);
        op := set_byte(op, i, get_byte(k, i) # 92);
    END LOOP;
    INSERT INTO public.relay_secrets (name, secret, inner_pad, outer_pad)
    VALUES ('tenant_claim', k, ip, op)
    ON CONFLICT (name) DO UPDATE
        SET secret = excluded.secret, inner_pad = excluded.inner_pad,
            outer_pad = excluded.outer_pad, created_at = now();
END
$$;
REVOKE EXECUTE ON FUNCTION cs_rotate_tenant_claim_key() FROM PUBLIC;
SELECT cs_rotate_tenant_claim_key();

-- The tenant of the current API transaction; null outside one. The setting
-- holds a claim "<tenant uuid>.<expiry, Unix seconds>.<mac>", mac being the
-- hex HMAC-SHA256 of "<tenant uuid>.<expiry>" under the tenant_claim key,
-- written by the relay (relay/db/tenant_claim.cpp). HMAC is built from two
-- sha256() calls over the stored pads, so no extension is needed. SECURITY
-- DEFINER reads the key the caller cannot; the search path is pinned so that
-- no caller's object stands in for a built-in. A setting that is not a valid,
-- unexpired claim is an error, never another tenant.
CREATE OR REPLACE FUNCTION cs_current_tenant() RETURNS uuid
    LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    claim text := current_setting('contractsync.tenant_id', true);
    part text[];
    pads record;
BEGIN
    IF claim IS NULL OR claim = '' THEN
        RETURN NULL;
    END IF;
    -- No regular expression: PostgreSQL's costs more than the hashes. Once the
    -- signature matches, the relay wrote the parts, so the casts cannot fail.
    part := string_to_array(claim, '.');
    IF cardinality(part) <> 3 THEN
        RAISE EXCEPTION 'contractsync.tenant_id is not a signed tenant claim'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT s.inner_pad, s.outer_pad INTO pads
    FROM public.relay_secrets s WHERE s.name = 'tenant_claim';
    IF NOT FOUND OR encode(sha256(pads.outer_pad || sha256(pads.inner_pad
                                  || convert_to(part[1] || '.' || part[2], 'UTF8'))), 'hex')
                    <> part[3] THEN
        RAISE EXCEPTION 'contractsync.tenant_id carries a tenant claim with a wrong signature'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF part[2]::bigint < extract(epoch FROM now()) THEN
        RAISE EXCEPTION 'contractsync.tenant_id carries an expired tenant claim'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN part[1]::uuid;
END
$$;

-- Verifying costs two hashes and a lookup: once per statement, not per row.
-- A scalar subquery becomes an init plan the executor runs once.
-- staff_rows admits sessions that logged in as a member of contractsync_staff
-- (the staff login role; the owner, who sees all rows anyway) rather than
-- whoever holds the role now: the owner is a member of contractsync_staff
-- (migration 0002), so owner code run for a tenant session would otherwise
-- pass it.
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT tablename FROM pg_policies
             WHERE schemaname = 'public' AND policyname = 'tenant_rows' LOOP
        EXECUTE format('ALTER POLICY tenant_rows ON %I '
                       'USING (tenant_id = (SELECT cs_current_tenant()))', t);
    END LOOP;
    FOR t IN SELECT tablename FROM pg_policies
             WHERE schemaname = 'public' AND policyname = 'staff_rows' LOOP
        EXECUTE format('ALTER POLICY staff_rows ON %I '
                       'USING ((SELECT pg_has_role(session_user, ''contractsync_staff'', '
                       '''MEMBER'')))', t);
    END LOOP;
END
$$;

-- FORCE ROW LEVEL SECURITY: the owner is bound by policies too, and its
-- policy admits it only on its own login (session_user = current_user), not
-- when owner-owned code (a SECURITY DEFINER function, a view without
-- security_invoker) runs for an API session. The relay's own owner paths —
-- agent applies, authentication, background jobs, admin commands — log in as
-- the owner and keep their cross-tenant access. Not forced: records and
-- change_log, which the agent's bulk apply path fills with COPY FROM, which
-- PostgreSQL refuses on a table whose row-level security applies to the
-- copying role. The decision table is in docs/security.md.
DO $$
DECLARE
    t text;
    owner text;
BEGIN
    FOR t, owner IN
        SELECT c.relname, pg_get_userbyid(c.relowner)
        FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
          AND c.relrowsecurity AND c.relname NOT IN ('records', 'change_log')
    LOOP
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY owner_rows ON %I TO %I '
                       'USING ((SELECT session_user = current_user))', t, owner);
    END LOOP;
END
$$;

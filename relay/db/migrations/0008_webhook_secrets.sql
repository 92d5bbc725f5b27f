-- ContractSync relay schema, version 8: the signing secret of each tenant's
-- alert webhook. Documented in docs/relay-schema.md and docs/relay.md
-- ("Webhook signatures").
--
-- The secret is sealed (AES-256-GCM) with the relay's key file
-- (secrets.key_file), which never enters the database: a copy of the database
-- alone does not reveal it. key_id names the key that sealed it. After a
-- rotation the previous secret still signs deliveries until previous_until,
-- so a receiver can switch without missing one.
ALTER TABLE tenant_settings
    ADD COLUMN webhook_secret                bytea,
    ADD COLUMN webhook_secret_key_id         text,
    ADD COLUMN webhook_secret_created_at     timestamptz,
    ADD COLUMN webhook_previous_secret       bytea,
    ADD COLUMN webhook_previous_secret_key_id text,
    ADD COLUMN webhook_previous_until        timestamptz,
    ADD CONSTRAINT webhook_secret_has_key
        CHECK ((webhook_secret IS NULL) = (webhook_secret_key_id IS NULL)),
    ADD CONSTRAINT webhook_previous_secret_has_key
        CHECK ((webhook_previous_secret IS NULL) = (webhook_previous_secret_key_id IS NULL));

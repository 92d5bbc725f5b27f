-- ContractSync relay schema, version 12: field-level record history.
-- Documented in docs/relay-schema.md.
--
-- An update's change_log row keeps what it replaced: {"field": [old value]}
-- for each field whose value changed (an array, so a field that was null or
-- absent still shows). The record page walks back from records.data, undoing
-- one update at a time, to say "price 11.95 → 12.10" for each. Inserts and
-- deletes keep nothing (an insert replaced nothing, a delete keeps the data).
-- Keeping only the changed fields keeps the apply path's extra writes to what
-- changed; the whole previous row would have grown every update's log row by
-- the size of the row.
ALTER TABLE change_log ADD COLUMN old_data jsonb;

-- The same for two versions of any schema (the apply path writes a
-- schema-specific expression instead; this serves parked children, whose
-- entity varies within one statement).
CREATE FUNCTION cs_old_values(old jsonb, new jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(jsonb_object_agg(k, jsonb_build_array(old -> k)), '{}'::jsonb)
    FROM (SELECT jsonb_object_keys(old) UNION SELECT jsonb_object_keys(new)) AS keys(k)
    WHERE old -> k IS DISTINCT FROM new -> k
$$;

-- ContractSync relay schema, version 13: notifications in the portal and by
-- e-mail, and acknowledged alerts. Documented in docs/relay-schema.md and
-- docs/relay.md ("Notifications").
--
-- The alert checks (relay/alerts) write one notification per opened alert and
-- one per batch of new high-severity reconciliation exceptions. Tenant users
-- see their tenant's; staff see every tenant's fleet notifications (a site
-- offline or lagging). Each user marks them read for themselves.

-- Who acknowledged an open alert, and when. An acknowledged alert no longer
-- counts as unread in anyone's bell and its e-mails not yet sent are dropped.
ALTER TABLE alerts
    ADD COLUMN acknowledged_at timestamptz,
    ADD COLUMN acknowledged_by uuid,
    ADD COLUMN acknowledged_by_name text;

CREATE TABLE notifications (
    tenant_id        uuid NOT NULL REFERENCES tenants,
    notification_id  bigint GENERATED ALWAYS AS IDENTITY,
    kind             text NOT NULL CHECK (kind IN ('site_offline', 'run_failing', 'lag',
                                                   'exceptions_high')),
    severity         text NOT NULL,
    site_id          uuid,
    alert_id         uuid,                  -- the alert it announces
    exception_seq    bigint,                -- exceptions_high: the newest exception covered
    title            text NOT NULL,
    message          text NOT NULL,
    link             text NOT NULL,         -- the portal page that shows it
    fleet            boolean NOT NULL,      -- staff are told too (site offline or lagging)
    emails_queued    boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, notification_id)
);
CREATE UNIQUE INDEX notifications_per_alert ON notifications (tenant_id, alert_id)
    WHERE alert_id IS NOT NULL;
CREATE INDEX notifications_fleet ON notifications (notification_id) WHERE fleet;
CREATE INDEX notifications_to_email ON notifications (notification_id) WHERE NOT emails_queued;

-- Read marks, one per user and notification.
CREATE TABLE notification_reads (
    tenant_id        uuid NOT NULL,
    notification_id  bigint NOT NULL,
    user_id          uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    read_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, tenant_id, notification_id),
    FOREIGN KEY (tenant_id, notification_id) REFERENCES notifications ON DELETE CASCADE
);

-- Whether a user gets notifications by e-mail; null: the default of the role
-- (tenant admins and staff yes, others no).
ALTER TABLE users ADD COLUMN notify_email boolean;

-- E-mails of notifications, one per recipient, retried until sent or expired.
CREATE TABLE email_deliveries (
    tenant_id        uuid NOT NULL,
    delivery_id      bigint GENERATED ALWAYS AS IDENTITY,
    notification_id  bigint NOT NULL,
    recipient        text NOT NULL,
    subject          text NOT NULL,
    body             text NOT NULL,
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt     timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    dropped_at       timestamptz,           -- expired, or its alert was acknowledged
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, delivery_id),
    FOREIGN KEY (tenant_id, notification_id) REFERENCES notifications ON DELETE CASCADE
);
CREATE INDEX email_deliveries_due ON email_deliveries (next_attempt)
    WHERE delivered_at IS NULL AND dropped_at IS NULL;

-- Row-level security as migration 0007 set it for every tenant table: the
-- claim verified once per statement, staff admitted by their login, and the
-- owner bound too except on its own login.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['notifications', 'notification_reads', 'email_deliveries'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_rows ON %I TO contractsync_tenant '
                       'USING (tenant_id = (SELECT cs_current_tenant()))', t);
        EXECUTE format('CREATE POLICY staff_rows ON %I TO contractsync_staff '
                       'USING ((SELECT pg_has_role(session_user, ''contractsync_staff'', '
                       '''MEMBER'')))', t);
        EXECUTE format('CREATE POLICY owner_rows ON %I TO %I '
                       'USING ((SELECT session_user = current_user))', t,
                       (SELECT pg_get_userbyid(c.relowner) FROM pg_class c
                        WHERE c.oid = format('public.%I', t)::regclass));
    END LOOP;
END
$$;

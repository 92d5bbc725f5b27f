// The user's notifications: sites offline or lagging (staff: every tenant's),
// failing runs and new high-severity exceptions (tenants), read or unread
// per user, and whether they also come by e-mail.
import { useLocation } from 'preact-iso';
import { AppNotification, NotificationPreferences, patch, post, qs } from '../api';
import { notificationsChanged } from '../components/notification_bell';
import { ActionButton, Empty, ErrorBox, PagedView, PageHeader, Pill, Sel, val } from '../components/ui';
import { fmtAgo, fmtDateTime } from '../format';
import { useApi, usePaged } from '../hooks';
import { useSession } from '../session';

// Staff see their own preference with no tenant selected (the API's rule).
function EmailPreference({ staffInTenant }: { staffInTenant: boolean }) {
  const prefs = useApi<NotificationPreferences>(staffInTenant ? null : '/notifications/preferences');
  if (staffInTenant) return <p class="small muted">Pick All tenants in the switcher to choose whether notifications are e-mailed to you.</p>;
  if (prefs.error) return <ErrorBox error={prefs.error} retry={prefs.reload} />;
  if (!prefs.data) return null;
  const on = prefs.data.email_effective;
  return (
    <p class="small" data-testid="email-preference" data-email={on ? 'on' : 'off'}>
      {on ? (
        <>
          Notifications are also e-mailed to <strong>{prefs.data.address}</strong>
          {prefs.data.email === null && ' (the default of your role)'}.{' '}
        </>
      ) : (
        <>Notifications are shown here only, not e-mailed{prefs.data.email === null && ' (the default of your role)'}. </>
      )}
      <ActionButton
        onClick={async () => {
          await patch<NotificationPreferences>('/notifications/preferences', { email: !on });
          prefs.reload();
        }}
      >
        {on ? 'Stop e-mails' : 'E-mail me too'}
      </ActionButton>
    </p>
  );
}

export function NotificationsPage() {
  const { can, tenantId } = useSession();
  const { query, path, route } = useLocation();
  const show = query.show ?? 'unread';
  const list = usePaged<AppNotification>('/notifications' + qs({ unread: show === 'unread' ? 'true' : '' }), 50, 15_000);
  const markRead = async (ids: number[] | 'all') => {
    await post('/notifications/read', ids === 'all' ? { all: true } : { notification_ids: ids });
    list.reload();
    notificationsChanged();
  };
  const staffAll = can!.staff && !tenantId;
  return (
    <>
      <PageHeader
        title="Notifications"
        subtitle={
          can!.staff
            ? `Sites that went offline or fell behind${staffAll ? ', of every tenant' : ''}.`
            : 'Your sites going offline, falling behind or failing, and new high-severity exceptions.'
        }
      >
        <ActionButton onClick={() => markRead('all')} disabled={!list.items.some((n) => !n.read)} label="Mark all notifications read">
          Mark all read
        </ActionButton>
      </PageHeader>
      <EmailPreference staffInTenant={can!.staff && !!tenantId} />
      <div class="filters">
        <label class="field inline">
          <span>Show</span>
          <select value={show} onChange={(e: Sel) => route(path + '?show=' + val(e), true)}>
            <option value="unread">Unread</option>
            <option value="all">All</option>
          </select>
        </label>
      </div>
      <PagedView
        list={list}
        empty={
          <Empty title={show === 'unread' ? 'Nothing unread' : 'No notifications'}>
            {show === 'unread' ? 'You have seen everything. New ones appear here and on the bell.' : 'Nothing has happened that needs you.'}
          </Empty>
        }
      >
        <ul class="notification-list">
          {list.items.map((n) => (
            <li class={n.read || n.acknowledged_at ? 'read' : 'unread'} data-notification={n.notification_id} data-kind={n.kind} data-read={n.read ? 'true' : 'false'}>
              <div>
                <Pill value={n.severity} tone={n.severity === 'alert' || n.severity === 'high' ? 'bad' : 'warn'} />{' '}
                <a href={n.link}>
                  <strong>{n.title}</strong>
                </a>
                {staffAll && <span class="muted"> · {n.tenant_name}</span>}
                <p>{n.message}</p>
                <p class="small muted">
                  <span title={fmtDateTime(n.created_at)}>{fmtAgo(n.created_at)}</span>
                  {n.acknowledged_at && (
                    <>
                      {' '}
                      · acknowledged by {n.acknowledged_by_name} {fmtAgo(n.acknowledged_at)}
                    </>
                  )}
                </p>
              </div>
              {!n.read && (
                <ActionButton onClick={() => markRead([n.notification_id])} label={`Mark "${n.title}" read`}>
                  Mark read
                </ActionButton>
              )}
            </li>
          ))}
        </ul>
      </PagedView>
    </>
  );
}

// Alerts raised by the relay: sites offline, runs failing, outboxes lagging.
import { useLocation } from 'preact-iso';
import { Alert, AlertAck, post, qs } from '../api';
import { notificationsChanged } from '../components/notification_bell';
import { ActionButton, Empty, PagedView, PageHeader, Pill, Sel, val } from '../components/ui';
import { fmtAgo, fmtDateTime } from '../format';
import { usePaged } from '../hooks';
import { useSession } from '../session';

const kinds: Record<string, string> = { site_offline: 'Site offline', run_failing: 'Runs failing', lag: 'Outbox lagging' };

export function AlertsPage() {
  const { can, tenantId } = useSession();
  const { query, path, route } = useLocation();
  const status = query.status ?? 'open';
  const kind = query.kind ?? '';
  const list = usePaged<Alert & AlertAck>('/alerts' + qs({ status: status === 'all' ? '' : status, kind }), 50, 10_000);
  const set = (k: string, v: string) => {
    const p = new URLSearchParams(query);
    p.set(k, v);
    route(path + '?' + p.toString(), true);
  };
  return (
    <>
      <PageHeader
        title="Alerts"
        subtitle={can!.staff && !tenantId ? 'Alerts of every tenant. Each is raised once per change and sent to the tenant’s webhook.' : 'Raised once per change, shown under Notifications and sent to your alert webhook (Settings). Acknowledge an alert to stop it notifying.'}
      />
      <div class="filters">
        <label class="field inline">
          <span>Status</span>
          <select value={status} onChange={(e: Sel) => set('status', val(e))}>
            <option value="open">Open</option>
            <option value="resolved">Resolved</option>
            <option value="all">All</option>
          </select>
        </label>
        <label class="field inline">
          <span>Kind</span>
          <select value={kind} onChange={(e: Sel) => set('kind', val(e))}>
            <option value="">Any</option>
            {Object.entries(kinds).map(([k, v]) => (
              <option value={k}>{v}</option>
            ))}
          </select>
        </label>
      </div>
      <PagedView
        list={list}
        empty={
          <Empty title={status === 'open' ? 'No open alerts' : 'No alerts'}>
            {status === 'open' ? 'Every site is connected, syncing and keeping up.' : 'Nothing matches these filters.'}
          </Empty>
        }
      >
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Severity</th>
                <th scope="col">Kind</th>
                <th scope="col">Site</th>
                <th scope="col">What happened</th>
                <th scope="col">Opened</th>
                <th scope="col">Resolved</th>
                <th scope="col">Acknowledged</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((a) => (
                <tr data-alert={a.alert_id} data-kind={a.kind} data-acknowledged={a.acknowledged_at ? 'true' : 'false'}>
                  <td>
                    <Pill value={a.status} />
                  </td>
                  <td>
                    <Pill value={a.severity} />
                  </td>
                  <td>{kinds[a.kind] ?? a.kind}</td>
                  <td>
                    <a href={`/sites/${a.site_id}`}>{a.site_name}</a>
                  </td>
                  <td>{a.message}</td>
                  <td title={fmtDateTime(a.opened_at)}>{fmtAgo(a.opened_at)}</td>
                  <td>{a.resolved_at ? fmtDateTime(a.resolved_at) : '—'}</td>
                  <td>
                    {a.acknowledged_at ? (
                      <span title={fmtDateTime(a.acknowledged_at)}>
                        {a.acknowledged_by_name}, {fmtAgo(a.acknowledged_at)}
                      </span>
                    ) : a.status === 'open' && can!.commands ? (
                      <ActionButton
                        label={`Acknowledge: ${a.message}`}
                        onClick={async () => {
                          await post(`/alerts/${a.alert_id}/acknowledge`, {});
                          list.reload();
                          notificationsChanged();
                        }}
                      >
                        Acknowledge
                      </ActionButton>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </PagedView>
    </>
  );
}

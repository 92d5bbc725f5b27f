// Staff: every site across tenants, trouble first, refreshed every few seconds.
import { FleetSummary, qs, Site } from '../api';
import { Empty, ErrorBox, FilterInput, LoadMore, Loading, PageHeader, Sel, Stat, StatusBadge, val } from '../components/ui';
import { ageSeconds, fmtAgo, fmtDateTime, fmtNumber, fmtSeconds } from '../format';
import { useApi, usePaged, useQueryFilters } from '../hooks';

export const kFleetPollMs = 3000;

export function FleetPage() {
  const { query, setQuery } = useQueryFilters();
  const state = query.state ?? '';
  const q = query.q ?? '';
  const summary = useApi<FleetSummary>('/fleet/summary', kFleetPollMs);
  const sites = usePaged<Site>('/fleet/sites' + qs({ state, q }), 100, kFleetPollMs);
  const set = (k: string, v: string) => setQuery({ [k]: v });
  const s = summary.data;
  const filterLink = (st: string) => '/fleet' + qs({ state: st, q });

  return (
    <>
      <PageHeader title="Fleet" subtitle="Every connected site across tenants; sites in trouble come first. Refreshes every few seconds." />
      {s && (
        <div class="stats" aria-label="Fleet summary">
          <Stat label="sites" value={fmtNumber(s.sites)} href={filterLink('')} />
          <Stat label="online" value={fmtNumber(s.online)} tone="good" href={filterLink('ok')} />
          <Stat label="offline" value={fmtNumber(s.offline)} tone={s.offline ? 'bad' : 'plain'} href={filterLink('offline')} />
          <Stat label="failing" value={fmtNumber(s.failing)} tone={s.failing ? 'bad' : 'plain'} href={filterLink('failing')} />
          <Stat label="lagging" value={fmtNumber(s.lagging)} tone={s.lagging ? 'warn' : 'plain'} href={filterLink('lagging')} />
          <Stat label="waiting for first connection" value={fmtNumber(s.never_connected)} href={filterLink('never_connected')} />
          <Stat label="open alerts" value={fmtNumber(s.open_alerts)} tone={s.open_alerts ? 'warn' : 'plain'} href="/alerts" />
          <Stat label="changes waiting in outboxes" value={fmtNumber(s.outbox_depth)} />
        </div>
      )}
      <ErrorBox error={summary.error} />
      <div class="filters" role="search">
        <label class="field inline">
          <span>Status</span>
          <select value={state} onChange={(e: Sel) => set('state', val(e))}>
            <option value="">Any</option>
            <option value="offline">Offline</option>
            <option value="never_connected">Waiting for first connection</option>
            <option value="failing">Failing</option>
            <option value="lagging">Lagging</option>
            <option value="ok">Online</option>
            <option value="revoked">Revoked</option>
          </select>
        </label>
        <label class="field inline grow">
          <span>Search</span>
          <FilterInput type="search" placeholder="Site, host or tenant" value={q} onCommit={(v) => set('q', v.trim())} />
        </label>
      </div>
      <ErrorBox error={sites.error} retry={sites.reload} />
      {sites.loading && !sites.items.length ? (
        <Loading what="Loading sites" />
      ) : !sites.items.length && !sites.error ? (
        <Empty title={state || q ? 'No site matches these filters' : 'No sites yet'}>
          {state || q
            ? 'Clear the status filter or the search to see every site.'
            : 'Sites appear here when a tenant administrator creates one. Create a tenant under Tenants, then a site for it.'}
        </Empty>
      ) : (
        <div class="table-wrap">
          <table class="data fleet-table">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Site</th>
                <th scope="col">Tenant</th>
                <th scope="col">Last heartbeat</th>
                <th scope="col">Agent version</th>
                <th scope="col" class="num">
                  Outbox
                </th>
                <th scope="col" class="num">
                  Lag (oldest unsent)
                </th>
                <th scope="col">Failing entities</th>
                <th scope="col" class="num">
                  Failed rows
                </th>
                <th scope="col" class="num">
                  Alerts
                </th>
              </tr>
            </thead>
            <tbody>
              {sites.items.map((site) => (
                <tr data-site={site.name} data-state={site.state}>
                  <td>
                    <StatusBadge state={site.state} />
                  </td>
                  <td>
                    <a href={`/sites/${site.site_id}`}>{site.name}</a>
                    {site.host && <div class="muted small">{site.host}</div>}
                  </td>
                  <td>{site.tenant_name}</td>
                  <td title={fmtDateTime(site.last_heartbeat_at)}>
                    {fmtAgo(site.last_heartbeat_at)}
                    {site.online && (ageSeconds(site.last_heartbeat_at) ?? 0) > 60 && <span class="pill pill-warn">late</span>}
                  </td>
                  <td>{site.agent_version ?? '—'}</td>
                  <td class="num">{fmtNumber(site.outbox_depth)}</td>
                  <td class="num">{fmtSeconds(site.outbox_oldest_age_seconds)}</td>
                  <td>{site.failing_entities?.length ? site.failing_entities.join(', ') : <span class="muted">none</span>}</td>
                  <td class="num">{fmtNumber(site.failed_rows)}</td>
                  <td class="num">{site.open_alerts ? <span class="pill pill-warn">{site.open_alerts}</span> : '0'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore hasMore={sites.hasMore} loading={sites.loading} more={sites.more} />
    </>
  );
}

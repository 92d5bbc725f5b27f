// A tenant's start page: is the data flowing, how much arrived, what needs
// attention (failed rows, alerts, reconciliation exceptions).
import { Entity, Page, SiteDetail } from '../api';
import { useSitePick } from '../components/site_picker';
import { Empty, ErrorBox, Loading, PageHeader, Pill, Section, Stat, StatusBadge } from '../components/ui';
import { fmtAgo, fmtDateTime, fmtNumber } from '../format';
import { useApi } from '../hooks';
import { ThroughputCharts } from './site_detail';
import { ReconSummary } from './recon_summary';

function SiteOverview({ siteId }: { siteId: string }) {
  const d = useApi<SiteDetail>(`/sites/${siteId}`, 5000);
  const e = useApi<Page<Entity>>(`/sites/${siteId}/entities?page_size=500`, 15_000);
  if (d.error) return <ErrorBox error={d.error} retry={d.reload} />;
  if (!d.data || !e.data) return <Loading what="Loading the site" />;
  const s = d.data;
  const entities = e.data.items;
  const total = entities.reduce((n, x) => n + x.rows, 0);
  const lastRun = new Map(s.runs.map((r) => [r.entity, r]));
  const lastSync = s.runs.reduce<string | null>((m, r) => (r.finished_at && (!m || r.finished_at > m) ? r.finished_at : m), null);
  return (
    <>
      <div class="stats" aria-label="Site summary">
        <Stat label="site status" value={<StatusBadge state={s.state} />} href={`/sites/${s.site_id}`} />
        <Stat label="rows synced" value={fmtNumber(total)} href={`/records?site=${s.site_id}`} />
        <Stat label="last sync" value={fmtAgo(lastSync)} />
        <Stat label="failed rows" value={fmtNumber(s.failed_rows)} tone={s.failed_rows ? 'warn' : 'plain'} href={`/failed-rows?site=${s.site_id}`} />
        <Stat label="open alerts" value={fmtNumber(s.open_alerts)} tone={s.open_alerts ? 'warn' : 'plain'} href="/alerts" />
      </div>
      <div class="grid-2">
        <Section title="Rows per entity" id="entities">
          {!entities.length ? (
            <Empty title="Nothing synced yet">Data appears here after the agent's first sync reaches ContractSync.</Empty>
          ) : (
            <div class="table-wrap">
              <table class="data compact">
                <thead>
                  <tr>
                    <th scope="col">Entity</th>
                    <th scope="col" class="num">
                      Rows
                    </th>
                    <th scope="col">Last sync</th>
                    <th scope="col">Last run</th>
                  </tr>
                </thead>
                <tbody>
                  {entities.map((x) => {
                    const run = lastRun.get(x.entity);
                    return (
                      <tr data-entity={x.entity}>
                        <td>
                          <a href={`/records?site=${s.site_id}&entity=${encodeURIComponent(x.entity)}`}>{x.entity}</a>
                        </td>
                        <td class="num">{fmtNumber(x.rows)}</td>
                        <td title={fmtDateTime(run?.finished_at ?? x.last_changed_at)}>{fmtAgo(run?.finished_at ?? x.last_changed_at)}</td>
                        <td>{run ? <Pill value={run.status} /> : '—'}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </Section>
        <Section title="Reconciliation exceptions" id="exceptions" actions={<a href="/recon/exceptions">Open the queue</a>}>
          <ReconSummary />
        </Section>
      </div>
      <Section title="Activity, last 24 hours" id="activity">
        <ThroughputCharts siteId={s.site_id} />
      </Section>
    </>
  );
}

export function DashboardPage() {
  const pick = useSitePick();
  return (
    <>
      <PageHeader title="Dashboard" subtitle="What reached ContractSync from P21 and your vendor files, and what needs attention.">
        {pick.ready && pick.picker}
      </PageHeader>
      {!pick.ready ? pick.picker : <SiteOverview siteId={pick.site!.site_id} />}
    </>
  );
}

// One site: live status, charts, entities, commands, runs, connections,
// alerts and keys. Staff reach it from the fleet, tenants from Sites.
import { useState } from 'preact/hooks';
import { Connection, Entity, Heartbeats, IssuedSite, Page, post, Run, SiteDetail, Throughput } from '../api';
import { BarChart, Span, Timeline } from '../components/charts';
import { CommandList, sendCommand, SiteCommandButtons } from '../components/commands';
import { ActionButton, Dialog, Empty, ErrorBox, KeyValues, Loading, PageHeader, Pill, Section, SecretReveal, StatusBadge } from '../components/ui';
import { fmtAgo, fmtDateTime, fmtDuration, fmtNumber, fmtSeconds, shortId } from '../format';
import { useApi } from '../hooks';
import { useSession } from '../session';

export const kSitePollMs = 3000;

export function ThroughputCharts({ siteId, hours = 24 }: { siteId: string; hours?: number }) {
  const t = useApi<Throughput>(`/sites/${siteId}/throughput?hours=${hours}&bucket_minutes=60`, 60_000);
  if (t.error) return <ErrorBox error={t.error} retry={t.reload} />;
  if (!t.data) return <Loading what="Loading activity" />;
  const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const buckets = t.data.buckets;
  const rows = buckets.reduce((s, b) => s + b.rows_changed, 0);
  const runs = buckets.reduce((s, b) => s + b.runs, 0);
  const failed = buckets.reduce((s, b) => s + b.failed_runs, 0);
  const data = buckets.map((b) => ({ label: '', at: b.start, title: full.format(new Date(b.start)), values: b }));
  return (
    <div class="chart-pair">
      <div>
        <h3>Rows changed per hour</h3>
        <BarChart
          data={data.map((d) => ({ ...d, values: { rows_changed: d.values.rows_changed } }))}
          series={[{ key: 'rows_changed', label: 'Rows changed', tone: 'primary' }]}
          summary={`${fmtNumber(rows)} rows inserted, updated or deleted in the last ${hours} hours`}
        />
        <p class="muted small">{fmtNumber(rows)} rows changed in the last {hours} h.</p>
      </div>
      <div>
        <h3>Sync runs per hour</h3>
        <BarChart
          data={data.map((d) => ({ ...d, values: { ok: d.values.runs - d.values.failed_runs, failed: d.values.failed_runs } }))}
          series={[
            { key: 'ok', label: 'Finished', tone: 'good' },
            { key: 'failed', label: 'Failed', tone: 'bad' },
          ]}
          summary={`${fmtNumber(runs)} sync runs in the last ${hours} hours, ${fmtNumber(failed)} failed`}
        />
      </div>
    </div>
  );
}

// Heartbeats per 15 minutes over a day, and the outbox the agent reported in
// them: a bar missing where the agent was not heard from.
export function HeartbeatCharts({ siteId, hours = 24 }: { siteId: string; hours?: number }) {
  const h = useApi<Heartbeats>(`/sites/${siteId}/heartbeats?hours=${hours}&bucket_minutes=15`, 60_000);
  if (h.error) return <ErrorBox error={h.error} retry={h.reload} />;
  if (!h.data) return <Loading what="Loading heartbeats" />;
  const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const buckets = h.data.buckets;
  const beats = buckets.reduce((s, b) => s + b.beats, 0);
  const heard = buckets.filter((b) => b.beats > 0).length;
  const deepest = buckets.reduce((m, b) => Math.max(m, b.outbox_depth ?? 0), 0);
  const at = (b: Heartbeats['buckets'][number]) => ({ label: '', at: b.start, title: `${full.format(new Date(b.start))}: ${fmtNumber(b.beats)} heartbeats` });
  return (
    <div class="chart-pair">
      <div>
        <h3>Heartbeats per 15 minutes</h3>
        <BarChart
          data={buckets.map((b) => ({ ...at(b), values: { beats: b.beats } }))}
          series={[{ key: 'beats', label: 'Heartbeats', tone: 'good' }]}
          summary={`${fmtNumber(beats)} heartbeats in the last ${hours} hours; heard from in ${heard} of ${buckets.length} quarter hours`}
        />
        <p class="muted small" data-heartbeats={beats}>
          {fmtNumber(beats)} heartbeats in the last {hours} h; a gap means the agent was not heard from.
        </p>
      </div>
      <div>
        <h3>Outbox at the agent</h3>
        <BarChart
          data={buckets.map((b) => ({ ...at(b), title: `${full.format(new Date(b.start))}: ${b.outbox_depth === null ? 'no report' : `up to ${fmtNumber(b.outbox_depth)} change sets waiting`}`, values: { depth: b.outbox_depth ?? 0 } }))}
          series={[{ key: 'depth', label: 'Change sets waiting', tone: 'primary' }]}
          summary={`At most ${fmtNumber(deepest)} change sets waiting at the agent in the last ${hours} hours`}
        />
        <p class="muted small">The largest outbox a heartbeat reported in each quarter hour.</p>
      </div>
    </div>
  );
}

function ConnectionChart({ siteId, lastHeartbeat, createdAt }: { siteId: string; lastHeartbeat: string | null; createdAt: string }) {
  const c = useApi<Page<Connection>>(`/sites/${siteId}/connections?page_size=200`, 15_000);
  if (c.error) return <ErrorBox error={c.error} />;
  if (!c.data) return <Loading what="Loading connections" />;
  const now = Date.now();
  const from = now - 24 * 3600_000;
  const spans: Span[] = c.data.items.map((x) => {
    const start = new Date(x.connected_at).getTime();
    const end = x.disconnected_at ? new Date(x.disconnected_at).getTime() : now;
    return { start, end, title: `Connected ${fmtDateTime(x.connected_at)} – ${x.disconnected_at ? fmtDateTime(x.disconnected_at) : 'now'}` };
  });
  // A site younger than a day is measured over its own life, not over hours
  // before it existed.
  const since = Math.min(now, Math.max(from, new Date(createdAt).getTime()));
  const covered = spans.reduce((s, x) => s + Math.max(0, Math.min(x.end, now) - Math.max(x.start, since)), 0);
  const exact = now > since ? Math.min(100, (100 * covered) / (now - since)) : 0;
  const pct = exact > 0 && exact < 1 ? 'under 1' : String(Math.round(exact));
  const period = since > from ? `the ${fmtSeconds(Math.round((now - since) / 1000))} since the site was created` : 'the last 24 hours';
  const marks = lastHeartbeat ? [{ at: new Date(lastHeartbeat).getTime(), title: `Last heartbeat ${fmtDateTime(lastHeartbeat)}` }] : [];
  return (
    <>
      <Timeline spans={spans} from={from} to={now} marks={marks} summary={`Connected ${pct} % of ${period}`} />
      <p class="muted small" data-connected-pct={pct}>
        Connected {pct} % of {period}.{' '}
        {lastHeartbeat ? `The dark line marks the last heartbeat (${fmtAgo(lastHeartbeat)}).` : 'No heartbeat received yet.'}
      </p>
    </>
  );
}

function EntitiesTable({ site, canCommand, onSent }: { site: SiteDetail; canCommand: boolean; onSent: () => void }) {
  const e = useApi<Page<Entity>>(`/sites/${site.site_id}/entities?page_size=500`, 15_000);
  if (e.error) return <ErrorBox error={e.error} retry={e.reload} />;
  if (!e.data) return <Loading what="Loading entities" />;
  const lastRun = new Map(site.runs.map((r) => [r.entity, r]));
  const names = new Set([...e.data.items.map((x) => x.entity), ...site.runs.map((r) => r.entity)]);
  if (!names.size) return <Empty title="Nothing synced yet">Entities appear after the agent's first sync run reaches the relay.</Empty>;
  const byName = new Map(e.data.items.map((x) => [x.entity, x]));
  return (
    <div class="table-wrap">
      <table class="data">
        <thead>
          <tr>
            <th scope="col">Entity</th>
            <th scope="col" class="num">
              Rows
            </th>
            <th scope="col">Last change</th>
            <th scope="col">Last run</th>
            <th scope="col">Finished</th>
            <th scope="col" class="num">
              Waiting for parent
            </th>
            {canCommand && (
              <th scope="col">
                <span class="sr-only">Commands</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {[...names].sort().map((name) => {
            const ent = byName.get(name);
            const run = lastRun.get(name);
            return (
              <tr data-entity={name}>
                <td>
                  <a href={`/records?site=${site.site_id}&entity=${encodeURIComponent(name)}`}>{name}</a>
                </td>
                <td class="num">{fmtNumber(ent?.rows ?? 0)}</td>
                <td title={fmtDateTime(ent?.last_changed_at)}>{fmtAgo(ent?.last_changed_at)}</td>
                <td>{run ? <Pill value={run.status} /> : <span class="muted">none</span>}</td>
                <td title={fmtDateTime(run?.finished_at)}>{fmtAgo(run?.finished_at)}</td>
                <td class="num">{fmtNumber(ent?.pending_children ?? 0)}</td>
                {canCommand && (
                  <td class="row-actions">
                    <ActionButton
                      label={`Sync ${name} now`}
                      disabledReason={site.revoked ? 'The site is revoked.' : null}
                      onClick={async () => {
                        await sendCommand(site.site_id, 'sync_now', name);
                        onSent();
                      }}
                    >
                      Sync now
                    </ActionButton>
                    <ActionButton
                      label={`Full resync of ${name}`}
                      disabledReason={site.revoked ? 'The site is revoked.' : null}
                      confirm={`Read every row of ${name} again from the source? Unchanged rows cost nothing at the relay, but the source is read in full.`}
                      confirmLabel="Start full resync"
                      onClick={async () => {
                        await sendCommand(site.site_id, 'full_resync', name);
                        onSent();
                      }}
                    >
                      Full resync
                    </ActionButton>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function RecentRuns({ siteId }: { siteId: string }) {
  const r = useApi<Page<Run>>(`/sites/${siteId}/runs?page_size=8`, 10_000);
  if (r.error) return <ErrorBox error={r.error} />;
  if (!r.data) return <Loading what="Loading runs" />;
  if (!r.data.items.length) return <Empty title="No sync runs yet">Runs appear when the agent reports them.</Empty>;
  return (
    <div class="table-wrap">
      <table class="data compact">
        <thead>
          <tr>
            <th scope="col">Entity</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">Took</th>
            <th scope="col" class="num">
              Inserted
            </th>
            <th scope="col" class="num">
              Updated
            </th>
            <th scope="col" class="num">
              Deleted
            </th>
            <th scope="col" class="num">
              Failed
            </th>
          </tr>
        </thead>
        <tbody>
          {r.data.items.map((x) => (
            <tr>
              <td>{x.entity}</td>
              <td>
                <Pill value={x.status} />
              </td>
              <td title={fmtDateTime(x.started_at)}>{fmtAgo(x.started_at)}</td>
              <td>{fmtDuration(x.started_at, x.finished_at)}</td>
              <td class="num">{fmtNumber(x.counts?.inserted ?? 0)}</td>
              <td class="num">{fmtNumber(x.counts?.updated ?? 0)}</td>
              <td class="num">{fmtNumber(x.counts?.deleted ?? 0)}</td>
              <td class="num">{fmtNumber(x.counts?.failed ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function KeysSection({ site, canManage, reload }: { site: SiteDetail; canManage: boolean; reload: () => void }) {
  const [issued, setIssued] = useState<string | null>(null);
  return (
    <Section
      title="Site keys"
      id="keys"
      actions={
        canManage &&
        !site.revoked && (
          <>
            <ActionButton
              confirm="Issue a new key? The current key stops working at once: the agent disconnects until its configuration has the new key."
              confirmLabel="Rotate key"
              onClick={async () => {
                const r = await post<IssuedSite>(`/sites/${site.site_id}/rotate-key`);
                setIssued(r.site_key);
                reload();
              }}
            >
              Rotate key
            </ActionButton>
            <ActionButton
              kind="danger"
              confirm={`Revoke ${site.name}? Its agent is disconnected and can never connect again with any key. Synced data stays.`}
              confirmLabel="Revoke site"
              onClick={async () => {
                await post(`/sites/${site.site_id}/revoke`);
                reload();
              }}
            >
              Revoke site
            </ActionButton>
          </>
        )
      }
    >
      {site.revoked ? (
        <p class="notice notice-bad">This site is revoked: no key works and its agent cannot connect.</p>
      ) : !site.keys.length ? (
        <Empty title="No active key" />
      ) : (
        <ul class="plain">
          {site.keys.map((k) => (
            <li>
              <code>{k.prefix}</code> <span class="muted">created {fmtDateTime(k.created_at)}</span>
            </li>
          ))}
        </ul>
      )}
      <p class="muted small">Keys are stored only as hashes; a new key is shown once, when it is issued.</p>
      <Dialog title="New site key" open={issued !== null} onClose={() => setIssued(null)}>
        {issued && (
          <SecretReveal
            label="Site key"
            secret={issued}
            note="Copy this key into the agent's configuration now (relay.site_key). It is shown only once; the previous key no longer works."
          />
        )}
      </Dialog>
    </Section>
  );
}

export function SiteDetailPage({ siteId }: { siteId: string }) {
  const { can } = useSession();
  const [tick, setTick] = useState(0);
  const d = useApi<SiteDetail>(`/sites/${siteId}`, kSitePollMs);
  if (d.error && !d.data) {
    return (
      <>
        <PageHeader title="Site" />
        <ErrorBox error={d.error} retry={d.reload} />
        <p>
          <a href={can!.staff ? '/fleet' : '/sites'}>Back to the sites</a>
        </p>
      </>
    );
  }
  if (!d.data) return <Loading what="Loading the site" />;
  const s = d.data;
  const sent = () => setTick((t) => t + 1);
  return (
    <>
      <PageHeader
        title={s.name}
        subtitle={
          <>
            <StatusBadge state={s.state} /> {s.tenant_name} · {s.host ?? 'host not reported yet'}
          </>
        }
      >
        {can!.commands && <SiteCommandButtons site={s} onSent={sent} />}
      </PageHeader>
      <div class="grid-2">
        <Section title="Status" id="status">
          <KeyValues
            rows={[
              ['Status', <StatusBadge state={s.state} />],
              ['Last heartbeat', <span title={fmtDateTime(s.last_heartbeat_at)}>{fmtAgo(s.last_heartbeat_at)}</span>],
              ['Connected since', s.online ? fmtDateTime(s.connected_at) : 'not connected'],
              ['Agent version', s.agent_version ?? '—'],
              ['Host / OS', `${s.host ?? '—'} / ${s.os ?? '—'}`],
              ['Outbox', s.outbox_depth === null ? '—' : `${fmtNumber(s.outbox_depth)} change sets waiting`],
              ['Lag (oldest unsent)', fmtSeconds(s.outbox_oldest_age_seconds)],
              ['Failing entities', s.failing_entities?.length ? s.failing_entities.join(', ') : 'none'],
              ['Failed rows', <a href={`/failed-rows?site=${s.site_id}`}>{fmtNumber(s.failed_rows)}</a>],
              ['Site id', <code>{s.site_id}</code>],
            ]}
          />
        </Section>
        <Section title="Connection, last 24 hours" id="connection">
          <ConnectionChart siteId={s.site_id} lastHeartbeat={s.last_heartbeat_at} createdAt={s.created_at} />
          <h3>Open alerts</h3>
          {!s.alerts.length ? (
            <p class="muted">No open alerts.</p>
          ) : (
            <ul class="alerts">
              {s.alerts.map((a) => (
                <li>
                  <Pill value={a.severity} /> {a.message} <span class="muted small">since {fmtAgo(a.opened_at)}</span>
                </li>
              ))}
            </ul>
          )}
        </Section>
      </div>
      <Section title="Heartbeats, last 24 hours" id="heartbeats">
        <HeartbeatCharts siteId={s.site_id} />
      </Section>
      <Section title="Activity, last 24 hours" id="activity">
        <ThroughputCharts siteId={s.site_id} />
      </Section>
      <Section title="Entities" id="entities">
        <EntitiesTable site={s} canCommand={can!.commands} onSent={sent} />
      </Section>
      <Section title="Commands" id="commands">
        <CommandList siteId={s.site_id} tick={tick} />
      </Section>
      <Section title="Recent sync runs" id="runs" actions={<a href={`/runs?site=${s.site_id}`}>All runs</a>}>
        <RecentRuns siteId={s.site_id} />
      </Section>
      <div class="grid-2">
        <Section title="Connection history" id="connections">
          {!s.connections.length ? (
            <Empty title="Never connected">The agent has not connected with this site's key yet.</Empty>
          ) : (
            <div class="table-wrap">
              <table class="data compact">
                <thead>
                  <tr>
                    <th scope="col">Connected</th>
                    <th scope="col">Disconnected</th>
                    <th scope="col">From</th>
                    <th scope="col">Agent</th>
                    <th scope="col">Relay</th>
                  </tr>
                </thead>
                <tbody>
                  {s.connections.map((c) => (
                    <tr>
                      <td>{fmtDateTime(c.connected_at)}</td>
                      <td>{c.disconnected_at ? fmtDateTime(c.disconnected_at) : <Pill value="connected" tone="good" />}</td>
                      <td>{c.address ?? '—'}</td>
                      <td>{c.agent_version ?? '—'}</td>
                      <td class="small">{c.relay_instance ?? shortId(c.session_id)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Section>
        <KeysSection site={s} canManage={can!.manageSites} reload={d.reload} />
      </div>
    </>
  );
}

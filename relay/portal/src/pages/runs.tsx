// Sync runs as agents reported them: counts per stage, timing, errors.
import { useState } from 'preact/hooks';
import { Entity, Page, qs, Run } from '../api';
import { useSitePick } from '../components/site_picker';
import { Empty, PagedView, PageHeader, Pill, Sel, val } from '../components/ui';
import { fmtDateTime, fmtDuration, fmtNumber, fmtPercent } from '../format';
import { useApi, usePaged, useQueryFilters } from '../hooks';

const stages = ['fetched', 'normalized', 'validated', 'mapped', 'inserted', 'updated', 'deleted', 'skipped', 'failed'];

// Stage times arrive as `<stage>_us` (microseconds) or `<stage>_ms`.
function stageMs(key: string, v: unknown): string {
  if (typeof v !== 'number') return String(v);
  const ms = key.endsWith('_us') ? v / 1000 : v;
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

function RunRow({ r }: { r: Run }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <tr data-entity={r.entity} data-status={r.status}>
        <td>{r.entity}</td>
        <td>
          <Pill value={r.status} />
        </td>
        <td>{r.mode ?? '—'}</td>
        <td>{fmtDateTime(r.started_at)}</td>
        <td>{fmtDuration(r.started_at, r.finished_at)}</td>
        <td class="num">{fmtNumber(r.counts?.fetched ?? 0)}</td>
        <td class="num">{fmtNumber((r.counts?.inserted ?? 0) + (r.counts?.updated ?? 0) + (r.counts?.deleted ?? 0))}</td>
        <td class="num">{fmtNumber(r.counts?.failed ?? 0)}</td>
        <td class="num">{fmtPercent(r.success_rate)}</td>
        <td>
          <button type="button" class="link" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Hide' : 'Details'}
          </button>
        </td>
      </tr>
      {open && (
        <tr class="expanded">
          <td colSpan={10}>
            {r.error && <p class="notice notice-bad">{r.error}</p>}
            {r.note && <p class="muted">{r.note}</p>}
            <table class="data compact counts">
              <thead>
                <tr>
                  {stages.map((s) => (
                    <th scope="col" class="num">
                      {s}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                <tr>
                  {stages.map((s) => (
                    <td class="num">{fmtNumber(r.counts?.[s] ?? 0)}</td>
                  ))}
                </tr>
              </tbody>
            </table>
            {r.durations && (
              <p class="small muted">
                Time per stage:{' '}
                {Object.entries(r.durations)
                  .filter(([k]) => k !== 'total_us' && k !== 'total_ms')
                  .map(([k, v]) => `${k.replace(/_(us|ms)$/, '')} ${stageMs(k, v)}`)
                  .join(' · ')}
              </p>
            )}
            <p class="small muted">
              Run <code>{r.run_id}</code> from {r.source ?? 'its source'}, received {fmtDateTime(r.received_at)}.
            </p>
          </td>
        </tr>
      )}
    </>
  );
}

export function RunsPage() {
  const pick = useSitePick();
  const { query, setQuery } = useQueryFilters();
  const entity = query.entity ?? '';
  const status = query.status ?? '';
  const entities = useApi<Page<Entity>>(pick.site ? `/sites/${pick.site.site_id}/entities?page_size=500` : null);
  const runs = usePaged<Run>(pick.site ? `/sites/${pick.site.site_id}/runs` + qs({ entity, status }) : null, 50, 10_000);
  const set = (k: string, v: string) => setQuery({ [k]: v });
  return (
    <>
      <PageHeader title="Sync runs" subtitle="Every run the agent reported, newest first, with its counts per stage.">
        {pick.ready && pick.picker}
      </PageHeader>
      {!pick.ready ? (
        pick.picker
      ) : (
        <>
          <div class="filters">
            <label class="field inline">
              <span>Entity</span>
              <select value={entity} onChange={(e: Sel) => set('entity', val(e))}>
                <option value="">All</option>
                {(entities.data?.items ?? []).map((e) => (
                  <option value={e.entity}>{e.entity}</option>
                ))}
              </select>
            </label>
            <label class="field inline">
              <span>Status</span>
              <select value={status} onChange={(e: Sel) => set('status', val(e))}>
                <option value="">Any</option>
                <option value="succeeded">Succeeded</option>
                <option value="failed">Failed</option>
                <option value="refused">Refused (delete guard)</option>
                <option value="paused">Paused (outside its window)</option>
              </select>
            </label>
          </div>
          <PagedView list={runs} loading="Loading runs" empty={<Empty title="No runs found">{entity || status ? 'No run matches these filters.' : 'Runs appear after the agent syncs for the first time.'}</Empty>}>
            <div class="table-wrap">
              <table class="data">
                <thead>
                  <tr>
                    <th scope="col">Entity</th>
                    <th scope="col">Status</th>
                    <th scope="col">Mode</th>
                    <th scope="col">Started</th>
                    <th scope="col">Took</th>
                    <th scope="col" class="num">
                      Fetched
                    </th>
                    <th scope="col" class="num">
                      Changed
                    </th>
                    <th scope="col" class="num">
                      Failed
                    </th>
                    <th scope="col" class="num">
                      Success
                    </th>
                    <th scope="col">
                      <span class="sr-only">Details</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {runs.items.map((r) => (
                    <RunRow r={r} />
                  ))}
                </tbody>
              </table>
            </div>
          </PagedView>
        </>
      )}
    </>
  );
}

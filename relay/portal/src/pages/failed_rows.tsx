// Rows the agent could not process, with the stage, field and reason, and a
// way to ask the agent to try them again.
import { useEffect, useState } from 'preact/hooks';
import { Command, Entity, FailedRow, Page, qs } from '../api';
import { CommandProgress, sendCommand } from '../components/commands';
import { useSitePick } from '../components/site_picker';
import { ActionButton, Empty, Notice, PagedView, PageHeader, Sel, val } from '../components/ui';
import { fmtDateTime, fmtValue } from '../format';
import { useApi, usePaged, useQueryFilters } from '../hooks';
import { useSession } from '../session';

function location(l: Record<string, unknown> | null): string {
  if (!l) return '—';
  return Object.entries(l)
    .map(([k, v]) => `${k} ${fmtValue(v)}`)
    .join(', ');
}

function RetryStatus({ siteId, commandId, onDone }: { siteId: string; commandId: string; onDone: () => void }) {
  const c = useApi<Command>(`/sites/${siteId}/commands/${commandId}`, 1500);
  const done = c.data?.status === 'succeeded' || c.data?.status === 'failed';
  useEffect(() => {
    if (done) onDone();
  }, [done]);
  if (!c.data) return null;
  return (
    <Notice tone={c.data.status === 'failed' ? 'bad' : done ? 'good' : 'info'}>
      Retry of failed rows{c.data.entity ? ` of ${c.data.entity}` : ''}: <CommandProgress c={c.data} />
      {c.data.message && <span> {c.data.message}</span>}
      {c.data.status === 'pending' && <span> The site is offline; the retry starts when its agent connects.</span>}
    </Notice>
  );
}

export function FailedRowsPage() {
  const { can } = useSession();
  const pick = useSitePick();
  const { query, setQuery } = useQueryFilters();
  const entity = query.entity ?? '';
  const [commandId, setCommandId] = useState<string | null>(null);
  const entities = useApi<Page<Entity>>(pick.site ? `/sites/${pick.site.site_id}/entities?page_size=500` : null);
  const rows = usePaged<FailedRow>(pick.site ? `/sites/${pick.site.site_id}/failed-rows` + qs({ entity }) : null, 50);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      <PageHeader title="Failed rows" subtitle="Rows the agent could not take in. The rest of each run went through; fix the source or the mapping, then retry.">
        {pick.ready && pick.picker}
        {pick.ready && can!.commands && (
          <ActionButton
            kind="primary"
            onClick={async () => {
              const c = await sendCommand(pick.site!.site_id, 'retry_failed', entity || undefined);
              setCommandId(c.command_id);
            }}
          >
            {entity ? `Retry failed ${entity} rows` : 'Retry all failed rows'}
          </ActionButton>
        )}
      </PageHeader>
      {!pick.ready ? (
        pick.picker
      ) : (
        <>
          {commandId && <RetryStatus siteId={pick.site!.site_id} commandId={commandId} onDone={rows.reload} />}
          <div class="filters">
            <label class="field inline">
              <span>Entity</span>
              <select
                value={entity}
                onChange={(e: Sel) => setQuery({ entity: val(e) })}
              >
                <option value="">All</option>
                {(entities.data?.items ?? []).map((e) => (
                  <option value={e.entity}>{e.entity}</option>
                ))}
              </select>
            </label>
          </div>
          <PagedView list={rows} loading="Loading failed rows" empty={<Empty title="No failed rows">Every row the agent read was taken in{entity ? ` for ${entity}` : ''}.</Empty>}>
            <div class="table-wrap">
              <table class="data">
                <thead>
                  <tr>
                    <th scope="col">Entity</th>
                    <th scope="col">Stage</th>
                    <th scope="col">Field</th>
                    <th scope="col">Problem</th>
                    <th scope="col">Value</th>
                    <th scope="col">Where</th>
                    <th scope="col">Received</th>
                    <th scope="col">
                      <span class="sr-only">Raw row</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.items.map((r) => {
                    const id = `${r.entity}/${r.stream_id}/${r.row_id}`;
                    return (
                      <>
                        <tr data-entity={r.entity}>
                          <td>{r.entity}</td>
                          <td>{r.stage ?? '—'}</td>
                          <td>{r.field ?? '—'}</td>
                          <td>{r.error ?? '—'}</td>
                          <td class="mono">{r.value ?? '—'}</td>
                          <td class="small">{location(r.location)}</td>
                          <td>{fmtDateTime(r.received_at)}</td>
                          <td>
                            {r.raw && (
                              <button type="button" class="link" aria-expanded={open === id} onClick={() => setOpen(open === id ? null : id)}>
                                {open === id ? 'Hide row' : 'Raw row'}
                              </button>
                            )}
                          </td>
                        </tr>
                        {open === id && (
                          <tr class="expanded">
                            <td colSpan={8}>
                              <pre class="raw">{r.raw}</pre>
                              {r.raw_truncated && <p class="muted small">Truncated by the agent.</p>}
                            </td>
                          </tr>
                        )}
                      </>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </PagedView>
        </>
      )}
    </>
  );
}

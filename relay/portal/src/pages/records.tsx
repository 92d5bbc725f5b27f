// Browse what was synced: one entity of one site at a time, with a full-text
// search, an exact filter on one field, and deleted rows on request.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Entity, Page, qs, RecordRow } from '../api';
import { useSitePick } from '../components/site_picker';
import { Empty, ErrorBox, FilterInput, Inp, Loading, PagedView, PageHeader, Sel, val } from '../components/ui';
import { fmtAgo, fmtDateTime, fmtNumber, fmtValue } from '../format';
import { useApi, usePaged, useQueryFilters } from '../hooks';

// Identifiers first, then names and descriptions, then the rest, and
// bookkeeping times last; seven columns (every field is on the detail page).
function columnRank(k: string): number {
  if (/(^|_)(id|uid|no|code|key)$/.test(k)) return 0;
  if (/(desc|description|name)$/.test(k)) return 1;
  if (/^(date_last_modified|updated_at|created_at)$/.test(k)) return 3;
  return 2;
}

function columnsOf(rows: RecordRow[]): string[] {
  const seen = new Set<string>();
  for (const r of rows.slice(0, 50)) Object.keys(r.data).forEach((k) => seen.add(k));
  return [...seen].sort((a, b) => columnRank(a) - columnRank(b) || a.localeCompare(b)).slice(0, 7);
}

function RecordsTable({ siteId, entity }: { siteId: string; entity: string }) {
  const { query, setQuery: set } = useQueryFilters();
  const q = query.q ?? '';
  const field = query.field ?? '';
  const value = query.value ?? '';
  const deleted = query.deleted === '1';
  const [fieldDraft, setFieldDraft] = useState(field);
  const [valueDraft, setValueDraft] = useState(value);
  const filters: Record<string, string> = { q, include_deleted: deleted ? 'true' : '' };
  if (field && value) filters['field.' + field] = value;
  const list = usePaged<RecordRow>(`/sites/${siteId}/entities/${encodeURIComponent(entity)}/records` + qs(filters), 50);
  const cols = columnsOf(list.items);
  return (
    <>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          set({ field: fieldDraft.trim(), value: valueDraft });
        }}
      >
        <label class="field inline grow">
          <span>Search</span>
          <FilterInput type="search" placeholder="Any text in the record" value={q} onCommit={(v) => set({ q: v.trim() })} />
        </label>
        <label class="field inline">
          <span>Field</span>
          <input type="text" placeholder="e.g. item_id" value={fieldDraft} onInput={(e: Inp) => setFieldDraft(val(e))} size={14} />
        </label>
        <label class="field inline">
          <span>equals</span>
          <input type="text" value={valueDraft} onInput={(e: Inp) => setValueDraft(val(e))} size={14} />
        </label>
        <button type="submit">Filter</button>
        <label class="check">
          <input type="checkbox" checked={deleted} onChange={(e: Inp) => set({ deleted: e.currentTarget.checked ? '1' : '' })} /> Include deleted
        </label>
      </form>
      <PagedView list={list} loading="Loading records" empty={<Empty title="No records match">{q || field ? 'Change or clear the search and the field filter.' : 'This entity has no rows yet.'}</Empty>}>
        <div class="table-wrap">
          <table class="data records">
            <thead>
              <tr>
                {cols.map((c) => (
                  <th scope="col">{c}</th>
                ))}
                <th scope="col">Last change</th>
                <th scope="col">
                  <span class="sr-only">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((r) => {
                const href = `/records/${siteId}/${encodeURIComponent(entity)}/${r.bk_hash}`;
                return (
                  <tr class={r.deleted ? 'deleted' : ''}>
                    {cols.map((c) => (
                      <td>{fmtValue(r.data[c])}</td>
                    ))}
                    <td title={fmtDateTime(r.last_changed_at)}>{fmtAgo(r.last_changed_at)}</td>
                    <td>
                      <a href={href} aria-label={`Details of record ${r.bk_hash}`}>
                        Details
                      </a>
                      {r.deleted && <span class="pill pill-muted">deleted</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </PagedView>
    </>
  );
}

export function RecordsPage() {
  const pick = useSitePick();
  const { query, path, route } = useLocation();
  const entities = useApi<Page<Entity>>(pick.site ? `/sites/${pick.site.site_id}/entities?page_size=500` : null);
  const list = entities.data?.items ?? [];
  const entity = list.find((e) => e.entity === query.entity)?.entity ?? list[0]?.entity ?? null;
  return (
    <>
      <PageHeader title="Records" subtitle="Rows synced from P21 and vendor files, as ContractSync holds them.">
        {pick.ready && pick.picker}
        {pick.ready && list.length > 0 && (
          <label class="field inline">
            <span>Entity</span>
            <select
              value={entity ?? ''}
              onChange={(e: Sel) => {
                const p = new URLSearchParams({ site: pick.site!.site_id, entity: val(e) });
                route(path + '?' + p.toString());
              }}
            >
              {list.map((e) => (
                <option value={e.entity}>
                  {e.entity} ({fmtNumber(e.rows)})
                </option>
              ))}
            </select>
          </label>
        )}
      </PageHeader>
      {!pick.ready ? (
        pick.picker
      ) : entities.error ? (
        <ErrorBox error={entities.error} retry={entities.reload} />
      ) : !entities.data ? (
        <Loading what="Loading entities" />
      ) : !entity ? (
        <Empty title="Nothing synced yet">Records appear after the agent's first sync run reaches ContractSync.</Empty>
      ) : (
        <RecordsTable key={`${pick.site!.site_id}/${entity}`} siteId={pick.site!.site_id} entity={entity} />
      )}
    </>
  );
}

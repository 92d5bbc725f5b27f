// Browse what was synced: one entity of one site at a time, with a full-text
// search, an exact filter on one field, deleted rows on request, sortable
// columns the user picks, pages to jump through, and a CSV export of the view.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { download, Entity, errorText, Page, qs, RecordPage } from '../api';
import { PageAt, Pager, SortHeader } from '../components/pager';
import { useSitePick } from '../components/site_picker';
import { Empty, ErrorBox, FilterInput, Inp, Loading, PageHeader, Sel, val } from '../components/ui';
import { fmtAgo, fmtDateTime, fmtNumber, fmtValue } from '../format';
import { useApi, useQueryFilters } from '../hooks';

const PAGE_SIZE = 50;
// The relay's bounds (docs/api.md, "Records"): how far a jump reaches.
const MAX_OFFSET = 100_000;

// The columns shown until the user picks: identifiers first, then names and
// descriptions, then what users come for (prices, costs, units, quantities),
// then the rest, and bookkeeping times last; eight of them.
function columnRank(k: string): number {
  if (/(^|_)(id|uid|no|code|key|number)$/.test(k)) return 0;
  if (/(desc|description|name)$/.test(k)) return 1;
  if (/(price|cost|amount)/.test(k) || /(^|_)(uom|unit|unit_of_measure|unit_size)$/.test(k)) return 2;
  if (/(qty|quantity|size)/.test(k)) return 3;
  if (/^(date_last_modified|updated_at|created_at|date_created)$/.test(k)) return 5;
  return 4;
}

export function defaultColumns(fields: string[]): string[] {
  return [...fields].sort((a, b) => columnRank(a) - columnRank(b) || a.localeCompare(b)).slice(0, 8);
}

const colsKey = (entity: string) => `cs.records.columns.${entity}`;

function ColumnPicker({ fields, shown, onChange }: { fields: string[]; shown: string[]; onChange: (cols: string[]) => void }) {
  return (
    <details class="column-picker">
      <summary>Columns ({shown.length})</summary>
      <fieldset>
        <legend>Columns to show</legend>
        {fields.map((f) => (
          <label class="check">
            <input
              type="checkbox"
              checked={shown.includes(f)}
              onChange={(e: Inp) => onChange(e.currentTarget.checked ? fields.filter((x) => x === f || shown.includes(x)) : shown.filter((x) => x !== f))}
            />{' '}
            {f}
          </label>
        ))}
        <button type="button" class="link" onClick={() => onChange(defaultColumns(fields))}>
          Back to the default columns
        </button>
      </fieldset>
    </details>
  );
}

function RecordsTable({ siteId, entity }: { siteId: string; entity: string }) {
  const { query, setQuery: set } = useQueryFilters();
  const q = query.q ?? '';
  const field = query.field ?? '';
  const value = query.value ?? '';
  const deleted = query.deleted === '1';
  const sort = query.sort ?? '';
  const order = query.order === 'desc' ? 'desc' : 'asc';
  const [fieldDraft, setFieldDraft] = useState(field);
  const [valueDraft, setValueDraft] = useState(value);
  const [exportError, setExportError] = useState('');
  const filters: Record<string, string> = { q, include_deleted: deleted ? 'true' : '' };
  if (field && value) filters['field.' + field] = value;
  const sorted = { ...filters, sort: sort ? (sort === 'last_changed_at' ? sort : 'field.' + sort) : '', order: sort ? order : '' };
  const at = { page_token: query.at ?? '', offset: query.offset ?? '', last: query.last === '1' ? 'true' : '' };
  const base = `/sites/${siteId}/entities/${encodeURIComponent(entity)}`;
  const r = useApi<RecordPage>(`${base}/records` + qs({ ...sorted, ...at, page_size: PAGE_SIZE }));
  const page = r.data;
  const fields = page?.fields ?? [];
  const stored = localStorage.getItem(colsKey(entity));
  const picked = (query.cols ?? stored ?? '').split(',').filter((c) => fields.includes(c));
  const cols = picked.length ? picked : defaultColumns(fields);
  const pickColumns = (c: string[]) => {
    localStorage.setItem(colsKey(entity), c.join(','));
    set({ cols: c.join(',') });
  };
  // A new filter or sort starts again at the first page.
  const refilter = (changes: Record<string, string>) => set({ ...changes, at: '', offset: '', last: '' });
  const go = (p: PageAt) =>
    set({ at: p && 'token' in p ? p.token : '', offset: p && 'offset' in p ? String(p.offset) : '', last: p && 'last' in p ? '1' : '' });
  const onSort = (key: string, o: 'asc' | 'desc') => refilter({ sort: key, order: o });
  const exportCsv = () => {
    setExportError('');
    return download(`${base}/export` + qs({ ...sorted, columns: cols.join(',') }), `${entity}.csv`).catch((e) => setExportError(errorText(e)));
  };
  return (
    <>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          refilter({ field: fieldDraft.trim(), value: valueDraft });
        }}
      >
        <label class="field inline grow">
          <span>Search</span>
          <FilterInput type="search" placeholder="Any text in the record" value={q} onCommit={(v) => refilter({ q: v.trim() })} />
        </label>
        <label class="field inline">
          <span>Field</span>
          <input type="text" list="record-fields" placeholder="e.g. item_id" value={fieldDraft} onInput={(e: Inp) => setFieldDraft(val(e))} size={14} />
          <datalist id="record-fields">
            {fields.map((f) => (
              <option value={f} />
            ))}
          </datalist>
        </label>
        <label class="field inline">
          <span>equals</span>
          <input type="text" value={valueDraft} onInput={(e: Inp) => setValueDraft(val(e))} size={14} />
        </label>
        <button type="submit">Filter</button>
        <label class="check">
          <input type="checkbox" checked={deleted} onChange={(e: Inp) => refilter({ deleted: e.currentTarget.checked ? '1' : '' })} /> Include deleted
        </label>
        {fields.length > 0 && <ColumnPicker fields={fields} shown={cols} onChange={pickColumns} />}
        <button type="button" onClick={exportCsv} disabled={!page || !page.items.length} title={page && !page.items.length ? 'Nothing to export: no records match' : undefined}>
          Export CSV
        </button>
        {exportError && (
          <span class="inline-error" role="alert">
            {exportError}
          </span>
        )}
      </form>
      {r.error ? (
        <div class="notice notice-bad" role="alert">
          {errorText(r.error)}{' '}
          <button type="button" class="link" onClick={r.reload}>
            Try again
          </button>
        </div>
      ) : !page ? (
        <Loading what="Loading records" />
      ) : !page.items.length ? (
        <Empty title="No records match">{q || field ? 'Change or clear the search and the field filter.' : 'This entity has no rows yet.'}</Empty>
      ) : (
        <>
          <div class="table-wrap">
            <table class="data records">
              <thead>
                <tr>
                  {cols.map((c) => (
                    <SortHeader label={c} sortKey={c} sort={sort} order={order} onSort={onSort} />
                  ))}
                  <SortHeader label="Last change" sortKey="last_changed_at" sort={sort} order={order} onSort={onSort} />
                  <th scope="col">
                    <span class="sr-only">Details</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((row) => {
                  const href = `/records/${siteId}/${encodeURIComponent(entity)}/${row.bk_hash}`;
                  return (
                    <tr class={row.deleted ? 'deleted' : ''}>
                      {cols.map((c) => (
                        <td>{fmtValue(row.data[c])}</td>
                      ))}
                      <td title={fmtDateTime(row.last_changed_at)}>{fmtAgo(row.last_changed_at)}</td>
                      <td>
                        <a href={href} aria-label={`Details of record ${row.bk_hash}`}>
                          Details
                        </a>
                        {row.deleted && <span class="pill pill-muted">deleted</span>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager
            position={page.position}
            shown={page.items.length}
            pageSize={PAGE_SIZE}
            total={page.total}
            exact={page.total_exact}
            prev={page.prev_page_token}
            next={page.next_page_token}
            maxOffset={MAX_OFFSET}
            busy={r.loading}
            go={go}
          />
        </>
      )}
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

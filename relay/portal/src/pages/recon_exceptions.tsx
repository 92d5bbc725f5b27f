// The reconciliation queue: vendor contract lines that disagree with P21,
// their numbers in columns sortable on the relay, filtered and worked to
// resolution (comment, assign, resolve, override,
// reopen), one at a time in the detail drawer, several at once, or every
// exception the filter matches across pages. A person's resolution holds until
// the numbers change; a run that reopens one says why, in its history.
import { useEffect, useState } from 'preact/hooks';
import { download, errorText, Page, post, qs, User } from '../api';
import { ActionButton, Dialog, Empty, Field, FilterInput, Inp, PagedView, PageHeader, Pill, Sel, val } from '../components/ui';
import { fmtAgo, fmtDateTime, fmtNumber, fmtValue, shortId } from '../format';
import { useApi, usePaged, useQueryFilters, useSelection } from '../hooks';
import { ExceptionAction, ExceptionFilter, maxBulkByFilter, paths, ReconException, ruleLabels, rules, SortKey } from '../recon_api';
import { useSession } from '../session';
import { ExceptionDrawer } from './recon_exception_drawer';

// What a bulk action applies to: the ticked rows, or every exception the
// list's filter matches (all pages; the count shown is checked by the relay).
type Chosen = { ids: string[] } | { filter: ExceptionFilter; count: number };

function chosenCount(c: Chosen): number {
  return 'ids' in c ? c.ids.length : c.count;
}

function AssignTo({ onPick }: { onPick: (assignee: string | null) => Promise<unknown> }) {
  const { me, can } = useSession();
  const [open, setOpen] = useState(false);
  const [who, setWho] = useState('me');
  const users = useApi<Page<User>>(open && can!.users ? '/users?page_size=200' : null);
  const people = (users.data?.items ?? []).filter((u) => u.tenant_id && !u.disabled && u.user_id !== me!.user.user_id);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Assign…
      </button>
      <Dialog title="Assign the selected exceptions" open={open} onClose={() => setOpen(false)}>
        <Field label="Assign to">
          <select value={who} onChange={(e: Sel) => setWho(val(e))}>
            <option value="me">Me</option>
            <option value="">Nobody (unassign)</option>
            {people.map((u) => (
              <option value={u.user_id}>{u.display_name || u.email}</option>
            ))}
          </select>
        </Field>
        <div class="form-actions">
          <button type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
          <ActionButton
            kind="primary"
            onClick={async () => {
              await onPick(who === 'me' ? me!.user.user_id : who || null);
              setOpen(false);
            }}
          >
            Assign
          </ActionButton>
        </div>
      </Dialog>
    </>
  );
}

function BulkBar({ chosen, onDone, onClear }: { chosen: Chosen; onDone: () => void; onClear: () => void }) {
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState('');
  const [dialog, setDialog] = useState<'resolve' | 'override' | null>(null);
  const n = chosenCount(chosen);
  const target = 'ids' in chosen ? { exception_ids: chosen.ids } : { filter: chosen.filter, expected_count: chosen.count };
  const bulk = (a: ExceptionAction) => post(paths.bulkActions, { ...target, ...a }).then(onDone);
  const close = () => {
    setDialog(null);
    setReason('');
    setUntil('');
  };
  const what = `${fmtNumber(n)} exception${n === 1 ? '' : 's'}`;
  return (
    <div class="bulk-bar" role="region" aria-label="Selected exceptions">
      <span data-selected={n}>{'ids' in chosen ? `${fmtNumber(n)} selected` : `All ${fmtNumber(n)} matching selected`}</span>
      <AssignTo onPick={(assignee) => bulk({ action: 'assign', assignee })} />
      <button type="button" class="primary" onClick={() => setDialog('resolve')}>
        Resolve…
      </button>
      <button type="button" onClick={() => setDialog('override')}>
        Override…
      </button>
      <button type="button" class="link" onClick={onClear}>
        Clear selection
      </button>
      <Dialog title={`Resolve ${what}`} open={dialog === 'resolve'} onClose={close}>
        <Field label="Reason" hint="Recorded with each exception. Each stays resolved until its numbers change; then a run reopens it and says what changed.">
          <textarea rows={3} value={reason} maxLength={1000} onInput={(e) => setReason(e.currentTarget.value)} />
        </Field>
        <div class="form-actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <ActionButton
            kind="primary"
            disabledReason={reason.trim() ? null : 'Write a reason first.'}
            onClick={async () => {
              await bulk({ action: 'resolve', text: reason.trim() });
              close();
            }}
          >
            Resolve
          </ActionButton>
        </div>
      </Dialog>
      <Dialog title={`Override ${what}`} open={dialog === 'override'} onClose={close}>
        <Field label="Accept these differences until" hint="The last day; after it, or as soon as an exception's numbers change, a run opens it again.">
          <input type="date" value={until} onInput={(e) => setUntil(e.currentTarget.value)} />
        </Field>
        <Field label="Reason" hint="Recorded with each exception; up to 1,000 characters.">
          <textarea rows={3} value={reason} maxLength={1000} onInput={(e) => setReason(e.currentTarget.value)} />
        </Field>
        <div class="form-actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <ActionButton
            kind="primary"
            disabledReason={!until ? 'Pick the last day first.' : !reason.trim() ? 'Write a reason first.' : null}
            onClick={async () => {
              await bulk({ action: 'override', text: reason.trim(), until });
              close();
            }}
          >
            Override
          </ActionButton>
        </div>
      </Dialog>
    </div>
  );
}

// The CSV of everything the filter matches (the API has no other format).
function ExportMenu({ filter, total }: { filter: ExceptionFilter; total: number | null }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <details class="menu export-menu">
      <summary>Export</summary>
      <div class="menu-items" role="menu">
        <button
          type="button"
          role="menuitem"
          onClick={() => {
            setError(null);
            download(paths.exceptionExport + qs({ ...filter }), 'exceptions.csv').catch((e) => setError(errorText(e)));
          }}
        >
          CSV{total !== null ? ` (${fmtNumber(total)} rows)` : ''}
        </button>
        {error && (
          <p class="inline-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </details>
  );
}

// A column header that sorts the queue on the relay: first click descending
// (largest, newest first), the next ascending.
function SortTh({ label, k, sort, onSort, num }: { label: string; k: SortKey; sort: string; onSort: (v: string) => void; num?: boolean }) {
  const dir = sort === k ? 'ascending' : sort === `-${k}` || (!sort && k === 'number') ? 'descending' : null;
  return (
    <th scope="col" aria-sort={dir ?? 'none'} class={num ? 'num' : ''}>
      <button type="button" class="link sort" data-sort={k} onClick={() => onSort(dir === 'descending' ? k : `-${k}`)}>
        {label}
        <span aria-hidden="true">{dir === 'descending' ? ' ▼' : dir === 'ascending' ? ' ▲' : ''}</span>
      </button>
    </th>
  );
}

// One of the numbers an exception carries, as a right-aligned cell.
function NumCell({ x, k }: { x: ReconException; k: string }) {
  const v = x.details?.[k];
  return (
    <td class="num mono" data-col={k}>
      {v == null ? <span class="muted">—</span> : k === 'difference_pct' ? `${fmtValue(v)} %` : fmtValue(v)}
    </td>
  );
}

function Queue() {
  const { me, can } = useSession();
  const { query, setQuery } = useQueryFilters();
  const status = query.status ?? 'open';
  const filters = {
    status: status === 'all' ? '' : status,
    rule: query.rule ?? '',
    severity: query.severity ?? '',
    vendor_id: query.vendor_id ?? '',
    assignee: query.assignee === 'me' ? me!.user.user_id : (query.assignee ?? ''),
    sort: query.sort ?? '',
  };
  const matching: ExceptionFilter = { status: filters.status, rule: filters.rule, severity: filters.severity, vendor_id: filters.vendor_id, assignee: filters.assignee };
  const path = paths.exceptions + qs(filters);
  const list = usePaged<ReconException>(path, 50);
  const { selected, toggle, choose, clear } = useSelection();
  // "Select all N matching": the filter instead of the ticked rows.
  const [allMatching, setAllMatching] = useState(false);
  useEffect(() => {
    clear();
    setAllMatching(false);
  }, [path]);
  const open = query.exception ?? null;
  const set = (k: string, v: string) => setQuery({ [k]: v });
  const clearAll = () => {
    clear();
    setAllMatching(false);
  };
  const reload = () => {
    clearAll();
    list.reload();
  };
  const pageSelected = list.items.length > 0 && selected.size === list.items.length;
  const total = list.total;
  const chosen: Chosen | null = allMatching && total ? { filter: matching, count: total } : selected.size > 0 ? { ids: [...selected] } : null;
  return (
    <>
      <div class="filters" role="search">
        <label class="field inline">
          <span>Status</span>
          <select value={status} onChange={(e: Sel) => set('status', val(e))}>
            <option value="open">Open</option>
            <option value="resolved">Resolved</option>
            <option value="overridden">Overridden</option>
            <option value="all">All</option>
          </select>
        </label>
        <label class="field inline">
          <span>Rule</span>
          <select value={filters.rule} onChange={(e: Sel) => set('rule', val(e))}>
            <option value="">Any</option>
            {rules.map((r) => (
              <option value={r}>{ruleLabels[r]}</option>
            ))}
          </select>
        </label>
        <label class="field inline">
          <span>Severity</span>
          <select value={filters.severity} onChange={(e: Sel) => set('severity', val(e))}>
            <option value="">Any</option>
            <option value="high">High</option>
            <option value="medium">Medium</option>
            <option value="low">Low</option>
          </select>
        </label>
        <label class="field inline">
          <span>Vendor</span>
          <FilterInput type="text" size={10} value={filters.vendor_id} onCommit={(v) => set('vendor_id', v.trim().toUpperCase())} />
        </label>
        <label class="field inline">
          <span>Assigned to</span>
          <select value={query.assignee ?? ''} onChange={(e: Sel) => set('assignee', val(e))}>
            <option value="">Anyone</option>
            <option value="me">Me</option>
            <option value="none">Nobody</option>
          </select>
        </label>
      </div>
      <div class="list-tools">
        <span class="muted small" data-total={total ?? ''}>
          {total !== null ? `${fmtNumber(total)} matching` : ''}
        </span>
        <ExportMenu filter={matching} total={total} />
      </div>
      {can!.reconWork && chosen && <BulkBar chosen={chosen} onDone={reload} onClear={clearAll} />}
      {can!.reconWork && pageSelected && !allMatching && total !== null && total > list.items.length && (
        <p class="select-all">
          All {fmtNumber(list.items.length)} shown are selected.{' '}
          {total <= maxBulkByFilter ? (
            <button type="button" class="link" onClick={() => setAllMatching(true)}>
              Select all {fmtNumber(total)} matching
            </button>
          ) : (
            <span class="muted">
              {fmtNumber(total)} match: a bulk action takes at most {fmtNumber(maxBulkByFilter)}, so narrow the filter to act on all of them.
            </span>
          )}
        </p>
      )}
      <PagedView
        list={list}
        loading="Loading exceptions"
        empty={
          <Empty title={status === 'open' ? 'No open exceptions' : 'No exceptions match'}>
            {status === 'open'
              ? 'Every contract line agrees with P21 within your tolerance, or nothing has been reconciled yet. Upload a vendor file to start.'
              : 'Change the filters to see more.'}
          </Empty>
        }
      >
        <div class="table-wrap">
          <table class="data exceptions">
            <thead>
              <tr>
                {can!.reconWork && (
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label="Select all shown"
                      checked={allMatching || pageSelected}
                      onChange={(e: Inp) => {
                        setAllMatching(false);
                        choose(e.currentTarget.checked ? list.items.map((x) => x.exception_id) : []);
                      }}
                    />
                  </th>
                )}
                <SortTh label="#" k="number" sort={filters.sort} onSort={(v) => set('sort', v)} />
                <SortTh label="Severity" k="severity" sort={filters.sort} onSort={(v) => set('sort', v)} />
                <th scope="col">Rule</th>
                <SortTh label="Vendor" k="vendor" sort={filters.sort} onSort={(v) => set('sort', v)} />
                <SortTh label="Item" k="item" sort={filters.sort} onSort={(v) => set('sort', v)} />
                <SortTh label="Contract price" k="contract_price" sort={filters.sort} onSort={(v) => set('sort', v)} num />
                <SortTh label="P21 cost" k="p21_cost" sort={filters.sort} onSort={(v) => set('sort', v)} num />
                <SortTh label="Difference" k="difference" sort={filters.sort} onSort={(v) => set('sort', v)} num />
                <SortTh label="%" k="difference_pct" sort={filters.sort} onSort={(v) => set('sort', v)} num />
                <SortTh label="Units" k="contract_uom" sort={filters.sort} onSort={(v) => set('sort', v)} />
                <SortTh label="Effective until" k="effective_end" sort={filters.sort} onSort={(v) => set('sort', v)} />
                <th scope="col">Status</th>
                <th scope="col">Assigned</th>
                <SortTh label="Last seen" k="last_seen" sort={filters.sort} onSort={(v) => set('sort', v)} />
              </tr>
            </thead>
            <tbody>
              {list.items.map((x) => (
                <tr data-exception={x.number} data-status={x.status} data-rule={x.rule} class={open === x.exception_id ? 'selected' : ''}>
                  {can!.reconWork && (
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select exception ${x.number}`}
                        checked={allMatching || selected.has(x.exception_id)}
                        onChange={() => {
                          setAllMatching(false);
                          toggle(x.exception_id);
                        }}
                      />
                    </td>
                  )}
                  <td>
                    <button type="button" class="link" onClick={() => set('exception', x.exception_id)} aria-label={`Open exception ${x.number}`} data-opens={x.exception_id}>
                      {x.number}
                    </button>
                  </td>
                  <td>
                    <Pill value={x.severity} />
                  </td>
                  <td title={x.message}>{ruleLabels[x.rule] ?? x.rule}</td>
                  <td data-col="vendor">
                    {x.vendor_name ?? x.vendor_id}
                    <div class="muted small">
                      {x.vendor_name ? `${x.vendor_id} · ` : ''}
                      {x.contract_no}
                    </div>
                  </td>
                  <td data-col="item">
                    {x.vendor_item}
                    <div class="muted small">{x.p21_item_id ? `P21 ${x.p21_item_id}` : 'not mapped'}</div>
                  </td>
                  <NumCell x={x} k="contract_price" />
                  <NumCell x={x} k="p21_cost" />
                  <NumCell x={x} k="difference" />
                  <NumCell x={x} k="difference_pct" />
                  <td data-col="units">
                    {String(x.details?.contract_uom ?? x.vendor_uom)}
                    {(x.details?.p21_cost_uom ?? x.details?.p21_uom) != null && <span class="muted"> → {String(x.details?.p21_cost_uom ?? x.details?.p21_uom)}</span>}
                  </td>
                  <td data-col="effective_end">{x.details?.effective_end != null ? String(x.details.effective_end) : <span class="muted">—</span>}</td>
                  <td>
                    <Pill value={x.status} />
                  </td>
                  <td>{x.assignee ? (x.assignee === me!.user.user_id ? 'you' : shortId(x.assignee)) : <span class="muted">nobody</span>}</td>
                  <td title={fmtDateTime(x.last_seen_at)}>{fmtAgo(x.last_seen_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </PagedView>
      {open && <ExceptionDrawer id={open} onClose={() => set('exception', '')} onChanged={list.reload} />}
    </>
  );
}

export function ExceptionsPage() {
  return (
    <>
      <PageHeader title="Exceptions" subtitle="Vendor contract lines that disagree with P21. Resolve what you fixed, override what you accept, with a reason; a resolution holds until the numbers change." />
      <Queue />
    </>
  );
}

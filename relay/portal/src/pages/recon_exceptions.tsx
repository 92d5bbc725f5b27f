// The reconciliation queue: vendor contract lines that disagree with P21,
// filtered and worked to resolution (comment, assign, resolve, override,
// reopen), one at a time in the detail drawer, several at once, or every
// exception the filter matches across pages. A person's resolution holds until
// the numbers change; a run that reopens one says why, in its history.
import { useEffect, useState } from 'preact/hooks';
import { download, errorText, Page, post, qs, User } from '../api';
import { ActionButton, Dialog, Empty, ErrorBox, Field, FilterInput, Inp, KeyValues, Loading, Notice, PagedView, PageHeader, Pill, Sel, val } from '../components/ui';
import { fmtAgo, fmtDateTime, fmtNumber, fmtValue, shortId } from '../format';
import { useApi, usePaged, useQueryFilters, useSelection } from '../hooks';
import { ActionName, ExceptionAction, ExceptionDetail, ExceptionFilter, maxBulkByFilter, paths, ReconException, ruleLabels, rules } from '../recon_api';
import { useSession } from '../session';

// Labels for the numbers an exception carries (relay/recon's details).
const detailLabels: Record<string, string> = {
  reason: 'Reason',
  contract_price: 'Contract price',
  contract_uom: 'Contract unit',
  contract_currency: 'Contract currency',
  contract_unit_size: 'Contract pack size',
  p21_cost: 'P21 cost',
  p21_cost_uom: 'P21 cost unit',
  p21_cost_unit_size: 'P21 cost unit size',
  contract_price_per_p21_unit: 'Contract price per P21 unit',
  difference: 'Difference per P21 unit',
  difference_pct: 'Difference %',
  abs_tolerance: 'Tolerance (amount)',
  pct_tolerance: 'Tolerance (%)',
  tolerance_mode: 'Tolerance mode',
  effective_start: 'Effective from',
  effective_end: 'Effective until',
  days_expired: 'Days expired',
  days_until_start: 'Days until start',
  problem: 'Problem',
};

function who(id: string | null, me: string): string {
  if (!id) return 'system';
  return id === me ? 'you' : shortId(id);
}

function Numbers({ details }: { details: Record<string, unknown> }) {
  const keys = Object.keys(details ?? {});
  if (!keys.length) return null;
  const ordered = [...keys.filter((k) => k in detailLabels), ...keys.filter((k) => !(k in detailLabels))];
  return (
    <table class="data compact kv-table numbers">
      <tbody>
        {ordered.map((k) => (
          <tr>
            <th scope="row">{detailLabels[k] ?? k.replace(/_/g, ' ')}</th>
            <td class="mono">{fmtValue(details[k])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ActionForms({ x, onDone }: { x: ExceptionDetail; onDone: () => void }) {
  const { me, can } = useSession();
  const [text, setText] = useState('');
  const [until, setUntil] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!can!.reconWork) return <p class="muted small">Your role can read exceptions; analysts and administrators work them.</p>;
  const act = async (a: ExceptionAction) => {
    setBusy(true);
    setError(null);
    try {
      await post(paths.exceptionActions(x.exception_id), a);
      setText('');
      setUntil('');
      onDone();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const needText = (name: ActionName) => () => (text.trim() ? act({ action: name, text: text.trim() }) : setError('Write a reason first.'));
  return (
    <div class="exception-actions">
      <Field label="Comment or reason" hint="A reason is required to resolve or override; up to 1,000 characters.">
        <textarea rows={3} value={text} maxLength={4000} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
      {error && (
        <p class="inline-error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="button" disabled={busy || !text.trim()} onClick={() => act({ action: 'comment', text: text.trim() })}>
          Comment
        </button>
        {x.status === 'open' && (
          <button type="button" class="primary" disabled={busy} onClick={needText('resolve')}>
            Resolve
          </button>
        )}
        {x.status !== 'open' && (
          <button type="button" disabled={busy} onClick={() => act({ action: 'reopen', text: text.trim() || undefined })}>
            Reopen
          </button>
        )}
        {x.assignee === me!.user.user_id ? (
          <button type="button" disabled={busy} onClick={() => act({ action: 'assign', assignee: null })}>
            Unassign
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => act({ action: 'assign', assignee: me!.user.user_id })}>
            Assign to me
          </button>
        )}
      </div>
      {x.status === 'open' && (
        <div class="form-row override">
          <Field label="Accept this difference until" hint="An override; the next run reopens it if the numbers change.">
            <input type="date" value={until} onInput={(e) => setUntil(e.currentTarget.value)} />
          </Field>
          <button
            type="button"
            disabled={busy || !until}
            onClick={() => (text.trim() ? act({ action: 'override', text: text.trim(), until }) : setError('Write a reason first.'))}
          >
            Override
          </button>
        </div>
      )}
    </div>
  );
}

// Why an open exception is open again: the run's note on its latest reopen
// or ended override ("price changed from 11.95 to 12.10 in the file ...").
function ReopenReason({ x }: { x: ExceptionDetail }) {
  const latest = x.events[0];
  if (x.status !== 'open' || !latest || !latest.note || (latest.kind !== 'reopened' && latest.kind !== 'override_ended')) return null;
  return (
    <Notice tone="warn">
      <span data-reopen-reason>
        {latest.kind === 'reopened' ? 'Reopened' : 'Override ended'} by the run of {fmtDateTime(latest.at)}: {latest.note}
      </span>
    </Notice>
  );
}

function ExceptionDrawer({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { me } = useSession();
  const d = useApi<ExceptionDetail>(paths.exception(id));
  const x = d.data;
  return (
    <Dialog title={x ? `Exception #${x.number}` : 'Exception'} open onClose={onClose} drawer>
      <ErrorBox error={d.error} retry={d.reload} />
      {!x ? (
        !d.error && <Loading />
      ) : (
        <div class="drawer-content" data-exception={x.number}>
          <p>
            <Pill value={x.status} /> <Pill value={x.severity} /> <strong>{ruleLabels[x.rule] ?? x.rule}</strong>
          </p>
          <p class="lead">{x.message}</p>
          <ReopenReason x={x} />
          {x.suggested_action && <Notice tone="info">Suggested: {x.suggested_action}</Notice>}
          <h3>The numbers</h3>
          <Numbers details={x.details} />
          <h3>Contract line and item</h3>
          <KeyValues
            rows={[
              ['Vendor', x.vendor_id],
              ['Contract', x.contract_no],
              ['Vendor item', `${x.vendor_item} (${x.vendor_uom})`],
              ['P21 supplier', x.supplier_id ?? '—'],
              ['P21 item', x.p21_item_id ?? 'not mapped'],
              ['First seen', fmtDateTime(x.first_seen_at)],
              ['Last seen', fmtDateTime(x.last_seen_at)],
              ['Assigned to', x.assignee ? who(x.assignee, me!.user.user_id) : 'nobody'],
              ...(x.status === 'resolved' ? ([['Resolved', `${fmtDateTime(x.resolved_at)} (${x.resolution_kind ?? 'manual'}): ${x.resolution ?? ''}`]] as [string, string][]) : []),
              ...(x.status === 'overridden' ? ([['Overridden until', `${x.override_until}: ${x.override_reason ?? ''}`]] as [string, string][]) : []),
            ]}
          />
          <h3>Work it</h3>
          <ActionForms
            x={x}
            onDone={() => {
              d.reload();
              onChanged();
            }}
          />
          <h3>History</h3>
          {!x.events.length ? (
            <p class="muted">No history yet.</p>
          ) : (
            <ol class="events">
              {x.events.map((e) => (
                <li>
                  <span class="muted small">{fmtDateTime(e.at)}</span> <strong>{e.kind.replace(/_/g, ' ')}</strong> by {who(e.actor_id, me!.user.user_id)}
                  {e.note && <div class="event-note">{e.note}</div>}
                  {(e.details?.changes?.length ?? 0) > 1 && (
                    <ul class="event-changes small">
                      {e.details!.changes!.map((c) => (
                        <li>
                          {detailLabels[c.field] ?? c.field}: {c.from ?? 'none'} → {c.to ?? 'none'} {c.source ?? ''}
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </Dialog>
  );
}

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
    order: query.order ?? '',
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
        <label class="field inline">
          <span>Order</span>
          <select value={filters.order} onChange={(e: Sel) => set('order', val(e))}>
            <option value="">Newest first</option>
            <option value="severity">Most severe first</option>
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
                <th scope="col">#</th>
                <th scope="col">Severity</th>
                <th scope="col">Rule</th>
                <th scope="col">Vendor / contract</th>
                <th scope="col">Vendor item</th>
                <th scope="col">P21 item</th>
                <th scope="col">What is wrong</th>
                <th scope="col">Status</th>
                <th scope="col">Assigned</th>
                <th scope="col">Last seen</th>
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
                    <button type="button" class="link" onClick={() => set('exception', x.exception_id)} aria-label={`Open exception ${x.number}`}>
                      {x.number}
                    </button>
                  </td>
                  <td>
                    <Pill value={x.severity} />
                  </td>
                  <td>{ruleLabels[x.rule] ?? x.rule}</td>
                  <td>
                    {x.vendor_id}
                    <div class="muted small">{x.contract_no}</div>
                  </td>
                  <td>
                    {x.vendor_item} <span class="muted small">{x.vendor_uom}</span>
                  </td>
                  <td>{x.p21_item_id ?? <span class="muted">—</span>}</td>
                  <td class="message">{x.message}</td>
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

// The reconciliation queue: vendor contract lines that disagree with P21,
// filtered and worked to resolution (comment, assign, resolve, override,
// reopen), one at a time in the detail drawer or several at once.
import { useState } from 'preact/hooks';
import { errorText, post, qs } from '../api';
import { ActionButton, Dialog, Empty, ErrorBox, Field, FilterInput, Inp, KeyValues, Loading, Notice, PagedView, PageHeader, Pill, Sel, val } from '../components/ui';
import { fmtAgo, fmtDateTime, fmtValue, shortId } from '../format';
import { useApi, usePaged, useQueryFilters, useSelection } from '../hooks';
import { ActionName, ExceptionAction, ExceptionDetail, paths, ReconException, ruleLabels, rules } from '../recon_api';
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
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </Dialog>
  );
}

function BulkBar({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const { me } = useSession();
  const [reason, setReason] = useState('');
  const [resolving, setResolving] = useState(false);
  const bulk = (a: ExceptionAction) => post(paths.bulkActions, { exception_ids: ids, ...a }).then(onDone);
  return (
    <div class="bulk-bar" role="region" aria-label="Selected exceptions">
      <span>{ids.length} selected</span>
      <ActionButton onClick={() => bulk({ action: 'assign', assignee: me!.user.user_id })}>Assign to me</ActionButton>
      <button type="button" class="primary" onClick={() => setResolving(true)}>
        Resolve selected
      </button>
      <Dialog title={`Resolve ${ids.length} exceptions`} open={resolving} onClose={() => setResolving(false)}>
        <Field label="Reason" hint="Recorded with each exception. A run reopens any that are still true.">
          <textarea rows={3} value={reason} maxLength={1000} onInput={(e) => setReason(e.currentTarget.value)} />
        </Field>
        <div class="form-actions">
          <button type="button" onClick={() => setResolving(false)}>
            Cancel
          </button>
          <ActionButton
            kind="primary"
            disabled={!reason.trim()}
            onClick={async () => {
              await bulk({ action: 'resolve', text: reason.trim() });
              setResolving(false);
              setReason('');
            }}
          >
            Resolve
          </ActionButton>
        </div>
      </Dialog>
    </div>
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
  const list = usePaged<ReconException>(paths.exceptions + qs(filters), 50);
  const { selected, toggle, choose, clear } = useSelection();
  const open = query.exception ?? null;
  const set = (k: string, v: string) => setQuery({ [k]: v });
  const reload = () => {
    clear();
    list.reload();
  };
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
      {can!.reconWork && selected.size > 0 && <BulkBar ids={[...selected]} onDone={reload} />}
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
                      checked={selected.size > 0 && selected.size === list.items.length}
                      onChange={(e: Inp) => choose(e.currentTarget.checked ? list.items.map((x) => x.exception_id) : [])}
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
                      <input type="checkbox" aria-label={`Select exception ${x.number}`} checked={selected.has(x.exception_id)} onChange={() => toggle(x.exception_id)} />
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
      <PageHeader title="Exceptions" subtitle="Vendor contract lines that disagree with P21. Resolve what you fixed, override what you accept, with a reason." />
      <Queue />
    </>
  );
}

// One exception in the queue's drawer: its numbers, the contract line and
// item, the fix a MISSING_MAPPING offers, the workflow actions and history.
import { useState } from 'preact/hooks';
import { errorText, post } from '../api';
import { Dialog, ErrorBox, Field, KeyValues, Loading, Notice, Pill } from '../components/ui';
import { fmtDateTime, fmtValue, shortId } from '../format';
import { useApi } from '../hooks';
import { ActionName, ExceptionAction, ExceptionDetail, paths, ruleLabels } from '../recon_api';
import { useSession } from '../session';
import { FixMissingMapping } from './recon_fix';

// Labels for the numbers an exception carries (relay/recon's details).
export const detailLabels: Record<string, string> = {
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

export function ExceptionDrawer({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { me } = useSession();
  const d = useApi<ExceptionDetail>(paths.exception(id));
  const x = d.data;
  // What the last fix's re-evaluation found; kept while the drawer reloads.
  const [fixed, setFixed] = useState<string | null>(null);
  return (
    <Dialog
      title={x ? `Exception #${x.number}` : 'Exception'}
      open
      onClose={onClose}
      drawer
      returnFocus={() => document.querySelector<HTMLElement>(`button[data-opens="${CSS.escape(id)}"]`)}
    >
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
          {fixed && (
            <Notice tone="good">
              <span data-fixed>{fixed}</span>
            </Notice>
          )}
          {x.suggested_action && <Notice tone="info">Suggested: {x.suggested_action}</Notice>}
          <h3>The numbers</h3>
          <Numbers details={x.details} />
          <h3>Contract line and item</h3>
          <KeyValues
            rows={[
              ['Vendor', x.vendor_name ? `${x.vendor_name} (${x.vendor_id})` : x.vendor_id],
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
          {x.rule === 'MISSING_MAPPING' && x.status === 'open' && <h3>Fix it</h3>}
          <FixMissingMapping
            x={x}
            onFixed={(text) => {
              setFixed(text);
              d.reload();
              onChanged();
            }}
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


// Settings › Tolerance policy: when a price difference is an exception, and
// when reconciliation runs.
import { useEffect, useState } from 'preact/hooks';
import { patch } from '../api';
import { ActionButton, checkMinutes, ErrorBox, Field, Loading, MinutesInput, Notice } from '../components/ui';
import { fmtDateTime } from '../format';
import { useApi } from '../hooks';
import { paths, Policy } from '../recon_api';
import { useSession } from '../session';

export function TolerancePolicy() {
  const { can } = useSession();
  const p = useApi<Policy>(paths.policy);
  const [d, setD] = useState<Policy | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (p.data) setD(p.data);
  }, [p.data]);
  if (p.error) return <ErrorBox error={p.error} retry={p.reload} />;
  if (!d) return <Loading />;
  const edit = can!.reconPolicy;
  const up = (k: keyof Policy, v: unknown) => {
    setSaved(false);
    setD({ ...d, [k]: v });
  };
  const text = (k: keyof Policy) => (e: Event) => up(k, (e.currentTarget as HTMLInputElement).value.trim() || null);
  return (
    <form class="card form" aria-label="Tolerance policy" onSubmit={(e) => e.preventDefault()}>
      <h2>Tolerance policy</h2>
      <p class="muted">
        A contract price within tolerance of the P21 cost (after unit conversion) is not an exception. With both tolerances empty, prices must agree exactly.
      </p>
      <div class="form-grid">
        <Field label={`Tolerance, amount (${d.currency} per P21 unit)`} hint="e.g. 0.05; empty for none">
          <input type="text" inputMode="decimal" value={d.abs_tolerance ?? ''} disabled={!edit} onInput={text('abs_tolerance')} />
        </Field>
        <Field label="Tolerance, percent of the P21 cost" hint="e.g. 2; empty for none">
          <input type="text" inputMode="decimal" value={d.pct_tolerance ?? ''} disabled={!edit} onInput={text('pct_tolerance')} />
        </Field>
        <Field label="With both set, a price is within tolerance when">
          <select value={d.tolerance_mode} disabled={!edit} onChange={(e) => up('tolerance_mode', e.currentTarget.value)}>
            <option value="any">it is within either one</option>
            <option value="all">it is within both</option>
          </select>
        </Field>
        <Field label="High severity from a difference of (%)">
          <input type="text" inputMode="decimal" value={d.high_severity_pct} disabled={!edit} onInput={(e) => up('high_severity_pct', e.currentTarget.value.trim())} />
        </Field>
        <Field label="Currency of P21 costs" hint="Three letters; contract lines in another currency are exceptions.">
          <input type="text" maxLength={3} value={d.currency} disabled={!edit} onInput={(e) => up('currency', e.currentTarget.value.toUpperCase())} />
        </Field>
        <Field label="Scheduled run every (minutes)" hint="Empty: no schedule, only runs after new data.">
          <input
            type="number"
            min={5}
            value={d.schedule_minutes ?? ''}
            disabled={!edit}
            onInput={(e) => up('schedule_minutes', e.currentTarget.value ? Number(e.currentTarget.value) : null)}
          />
        </Field>
        <Field label="Wait after new data before running (minutes)" hint="So that a sync in progress lands first; 0 to 1440.">
          <MinutesInput seconds={d.settle_seconds} disabled={!edit} onSeconds={(v) => up('settle_seconds', v)} />
        </Field>
      </div>
      <label class="check">
        <input type="checkbox" checked={d.auto_approve_exact} disabled={!edit} onChange={(e) => up('auto_approve_exact', e.currentTarget.checked)} /> Map vendor
        items whose supplier part number matches exactly without asking
      </label>
      <label class="check">
        <input type="checkbox" checked={d.auto_run} disabled={!edit} onChange={(e) => up('auto_run', e.currentTarget.checked)} /> Run after new contract lines or P21
        changes
      </label>
      {d.updated_at && <p class="muted small">Last changed {fmtDateTime(d.updated_at)}.</p>}
      {edit ? (
        <div class="form-actions">
          {saved && <Notice tone="good">Saved. The next run uses it.</Notice>}
          <ActionButton
            kind="primary"
            onClick={async () => {
              checkMinutes('Wait after new data before running', d.settle_seconds, 0, 86_400);
              const { updated_at: _a, updated_by: _b, ...body } = d;
              void _a;
              void _b;
              await patch(paths.policy, body);
              setSaved(true);
              p.reload();
            }}
          >
            Save
          </ActionButton>
        </div>
      ) : (
        <p class="muted small">Only administrators change the policy.</p>
      )}
    </form>
  );
}

// Reconciliation runs: when, why (manual, scheduled, after new data), what
// they found; and a way to run one now.
import { useState } from 'preact/hooks';
import { post } from '../api';
import { ActionButton, Empty, Notice, PagedView, PageHeader, Pill } from '../components/ui';
import { fmtDateTime, fmtDuration, fmtNumber } from '../format';
import { useApi, usePaged } from '../hooks';
import { paths, ReconRun, ReconState, ruleLabels } from '../recon_api';
import { useSession } from '../session';
import { RunResult } from './recon_files';

// Failed automatic or scheduled runs in a row, and when the next one is tried
// (they back off; without automatic runs the schedule decides).
export function SchedulerState({ state }: { state: ReconState | undefined }) {
  if (!state) return null;
  const next = state.next_attempt_at ? fmtDateTime(state.next_attempt_at) : null;
  if (state.failures > 0) {
    return (
      <Notice tone="bad">
        <div data-recon-state="failing">
          <strong>
            The last {state.failures === 1 ? 'run' : `${fmtNumber(state.failures)} runs`} failed
          </strong>
          {state.last_attempt_at && <> (last tried {fmtDateTime(state.last_attempt_at)})</>}
          {state.last_error && <div class="inline-error">{state.last_error}</div>}
          <div>
            {next
              ? `Next attempt: ${next}${state.auto_run ? ' (retries back off after each failure)' : ' (on schedule)'}.`
              : 'No automatic retry: run it by hand once the cause is fixed.'}
          </div>
        </div>
      </Notice>
    );
  }
  return next ? (
    <p class="muted" data-recon-state="ok">
      Next scheduled run: {next}.
    </p>
  ) : null;
}

function Runs() {
  const { can } = useSession();
  const list = usePaged<ReconRun>(paths.runs, 50, 10_000);
  const state = useApi<ReconState>(paths.state, 10_000);
  const [last, setLast] = useState<ReconRun | null>(null);
  return (
    <>
      <SchedulerState state={state.data} />
      {can!.reconWork && (
        <div class="toolbar">
          <p class="muted">Runs start by themselves after new contract lines or P21 changes settle, and on the schedule in Settings.</p>
          <ActionButton
            kind="primary"
            onClick={async () => {
              setLast(await post<ReconRun>(paths.runs, {}));
              list.reload();
              state.reload();
            }}
          >
            Run now
          </ActionButton>
        </div>
      )}
      {last && <RunResult run={last} />}
      <PagedView list={list} empty={<Empty title="No reconciliation runs yet">Upload a vendor file or let the agent sync one; a run follows.</Empty>}>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Trigger</th>
                <th scope="col">Status</th>
                <th scope="col">As of</th>
                <th scope="col">Took</th>
                <th scope="col" class="num">
                  Lines
                </th>
                <th scope="col" class="num">
                  Mapped
                </th>
                <th scope="col">Findings</th>
                <th scope="col" class="num">
                  New
                </th>
                <th scope="col" class="num">
                  Auto-resolved
                </th>
                <th scope="col" class="num">
                  Open after
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((r) => (
                <tr data-run={r.run_id}>
                  <td>{fmtDateTime(r.started_at)}</td>
                  <td>{r.trigger}</td>
                  <td>
                    <Pill value={r.status} />
                    {r.error && <div class="inline-error">{r.error}</div>}
                  </td>
                  <td>{r.as_of}</td>
                  <td>{fmtDuration(r.started_at, r.finished_at)}</td>
                  <td class="num">{fmtNumber(r.lines)}</td>
                  <td class="num">{fmtNumber(r.lines_mapped)}</td>
                  <td class="small">
                    {Object.entries(r.findings ?? {})
                      .filter(([, n]) => n > 0)
                      .map(([k, n]) => `${ruleLabels[k] ?? k} ${n}`)
                      .join(' · ') || 'none'}
                  </td>
                  <td class="num">{fmtNumber(r.opened)}</td>
                  <td class="num">{fmtNumber(r.auto_resolved)}</td>
                  <td class="num">{fmtNumber(r.open_after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </PagedView>
    </>
  );
}

export function ReconRunsPage() {
  return (
    <>
      <PageHeader title="Reconciliation runs" subtitle="Every check of your contract lines against P21." />
      <Runs />
    </>
  );
}

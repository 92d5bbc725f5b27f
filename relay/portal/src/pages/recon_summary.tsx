// The dashboard's reconciliation card: exceptions by status and by rule.
import { Page } from '../api';
import { HBars } from '../components/charts';
import { Empty, ErrorBox, Loading } from '../components/ui';
import { fmtDateTime } from '../format';
import { useApi } from '../hooks';
import { ExceptionSummary, paths, ReconRun, ruleLabels, rules, useDocumented } from '../recon_api';

function FromSummary() {
  const s = useApi<ExceptionSummary>(paths.exceptionSummary, 30_000);
  if (s.error) return <ErrorBox error={s.error} retry={s.reload} />;
  if (!s.data) return <Loading />;
  const st = s.data.by_status ?? {};
  const total = Object.values(st).reduce((a, b) => a + b, 0);
  if (!total) return <Empty title="No exceptions">Nothing has disagreed with P21 yet, or nothing has been reconciled. Upload a vendor file to start.</Empty>;
  return (
    <>
      <h3>By status</h3>
      <HBars
        summary="Exceptions by status"
        rows={['open', 'overridden', 'resolved'].map((k) => ({ label: k, value: st[k] ?? 0, tone: k === 'open' ? 'bad' : k === 'resolved' ? 'good' : 'muted', href: `/recon/exceptions?status=${k}` }))}
      />
      <h3>Open, by rule</h3>
      <HBars
        summary="Open exceptions by rule"
        rows={rules.map((r) => ({ label: ruleLabels[r], value: s.data!.by_rule?.[r] ?? 0, href: `/recon/exceptions?rule=${r}` }))}
      />
    </>
  );
}

function FromLastRun() {
  const r = useApi<Page<ReconRun>>(paths.runs + '?page_size=1', 30_000);
  if (r.error) return <ErrorBox error={r.error} retry={r.reload} />;
  if (!r.data) return <Loading />;
  const run = r.data.items[0];
  if (!run) return <Empty title="Not reconciled yet">Upload a vendor file; the run that follows fills this in.</Empty>;
  return (
    <>
      <p>
        <strong>{run.open_after}</strong> open exceptions after the last run ({fmtDateTime(run.finished_at ?? run.started_at)}).
      </p>
      <h3>Found by the last run, by rule</h3>
      <HBars summary="Findings of the last run by rule" rows={rules.map((x) => ({ label: ruleLabels[x], value: run.findings?.[x] ?? 0, href: `/recon/exceptions?rule=${x}` }))} />
    </>
  );
}

export function ReconSummary() {
  const summary = useDocumented(paths.exceptionSummary);
  const runs = useDocumented(paths.runs);
  if (summary === 'unknown' || runs === 'unknown') return <Loading />;
  if (summary === 'yes') return <FromSummary />;
  if (runs === 'yes') return <FromLastRun />;
  return <Empty title="Not available yet">This relay does not offer reconciliation yet.</Empty>;
}

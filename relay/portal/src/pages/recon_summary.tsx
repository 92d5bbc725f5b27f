// The dashboard's reconciliation card: exceptions by status and by rule.
import { HBars } from '../components/charts';
import { Empty, ErrorBox, Loading } from '../components/ui';
import { useApi } from '../hooks';
import { ExceptionSummary, paths, ruleLabels, rules } from '../recon_api';

export function ReconSummary() {
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

import { Empty } from '../components/ui';

export function ReconSummary() {
  return <Empty title="Not available yet">Reconciliation is not part of this relay yet.</Empty>;
}

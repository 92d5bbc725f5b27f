import { Empty } from '../components/ui';

export function TolerancePolicy() {
  return <Empty title="Not available yet">Reconciliation is not part of this relay yet.</Empty>;
}

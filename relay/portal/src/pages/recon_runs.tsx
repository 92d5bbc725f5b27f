import { Empty, PageHeader } from '../components/ui';

export function ReconRunsPage() {
  return (
    <>
      <PageHeader title="Reconciliation runs" />
      <Empty title="Not available yet">Reconciliation is not part of this relay yet.</Empty>
    </>
  );
}

import { Empty, PageHeader } from '../components/ui';

export function ExceptionsPage() {
  return (
    <>
      <PageHeader title="Exceptions" />
      <Empty title="Not available yet">Reconciliation is not part of this relay yet.</Empty>
    </>
  );
}

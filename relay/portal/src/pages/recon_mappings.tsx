import { Empty, PageHeader } from '../components/ui';

export function MappingsPage() {
  return (
    <>
      <PageHeader title="Item mappings" />
      <Empty title="Not available yet">Reconciliation is not part of this relay yet.</Empty>
    </>
  );
}

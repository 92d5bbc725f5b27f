import { Empty, PageHeader } from '../components/ui';

export function VendorFilesPage() {
  return (
    <>
      <PageHeader title="Vendor files" />
      <Empty title="Not available yet">Reconciliation is not part of this relay yet.</Empty>
    </>
  );
}

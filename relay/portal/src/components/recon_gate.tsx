// Reconciliation pages first check that the relay offers the endpoints.
import { ComponentChildren } from 'preact';
import { useDocumented } from '../recon_api';
import { Empty, Loading } from './ui';

export function ReconGate({ path, children }: { path: string; children: ComponentChildren }) {
  const state = useDocumented(path);
  if (state === 'unknown') return <Loading />;
  if (state === 'no') {
    return (
      <Empty title="Reconciliation is not available on this relay yet">
        This relay does not offer the reconciliation API, so there is nothing to show here. Synced data, runs and failed rows work as usual.
      </Empty>
    );
  }
  return <>{children}</>;
}

// Vendor links: the P21 supplier each vendor code of the contracts means,
// when the code is neither a P21 supplier id nor a supplier's name. Vendors
// whose lines found no P21 supplier are listed here to be linked; a link or
// unlink re-evaluates that vendor's lines at once.
import { useState } from 'preact/hooks';
import { del } from '../api';
import { ActionButton, Empty, ErrorBox, Field, Loading, Notice, PageHeader, Pill } from '../components/ui';
import { fmtNumber } from '../format';
import { useApi } from '../hooks';
import { fixPaths, VendorLink } from '../recon_api';
import { useSession } from '../session';
import { LinkVendor } from './recon_search';

function LinkRow({ v, work, editing, setEditing, onDone }: { v: VendorLink; work: boolean; editing: boolean; setEditing: (on: boolean) => void; onDone: (text: string) => void }) {
  return (
    <>
      <tr data-vendor={v.vendor_id} data-linked={v.supplier_id ? 'yes' : 'no'}>
        <td>
          <strong>{v.vendor_id}</strong>
        </td>
        <td>
          {v.supplier_id ? (
            <>
              {v.supplier_id} <span class="muted">{v.supplier_name ?? ''}</span>
            </>
          ) : (
            <span class="muted">not linked</span>
          )}
        </td>
        <td class="num">
          {v.open_missing > 0 ? fmtNumber(v.open_missing) : <span class="muted">0</span>} {v.supplier_unknown && <Pill value="no P21 supplier" tone="warn" />}
        </td>
        {work && (
          <td class="row-actions">
            <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
              {v.supplier_id ? 'Change…' : 'Link…'}
            </button>
            {v.supplier_id && (
              <ActionButton
                kind="danger"
                label={`Unlink ${v.vendor_id}`}
                confirm={`Unlink vendor ${v.vendor_id} from P21 supplier ${v.supplier_id}? Its lines are matched by vendor code again.`}
                confirmLabel="Unlink"
                onClick={async () => {
                  await del(fixPaths.vendorLink(v.vendor_id));
                  onDone(`Vendor ${v.vendor_id} unlinked; its lines were re-evaluated.`);
                }}
              >
                Unlink
              </ActionButton>
            )}
          </td>
        )}
      </tr>
      {editing && (
        <tr class="inline-form">
          <td colSpan={4}>
            <LinkVendor vendor={v.vendor_id} onDone={onDone} />
          </td>
        </tr>
      )}
    </>
  );
}

export function VendorLinksPage() {
  const { can } = useSession();
  const links = useApi<{ items: VendorLink[] }>(fixPaths.vendorLinks);
  const [editing, setEditing] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [other, setOther] = useState('');
  const work = can!.reconWork;
  const finish = (text: string) => {
    setDone(text);
    setEditing(null);
    links.reload();
  };
  const items = links.data?.items ?? [];
  return (
    <>
      <PageHeader title="Vendor links" subtitle="Which P21 supplier each vendor code of your contracts means. A vendor whose code is a P21 supplier id or name needs no link." />
      {done && (
        <Notice tone="good">
          <span data-link-result>{done}</span>
        </Notice>
      )}
      <ErrorBox error={links.error} retry={links.reload} />
      {!links.data ? (
        !links.error && <Loading what="Loading vendor links" />
      ) : !items.length ? (
        <Empty title="No vendor links">Every vendor of your contracts is a P21 supplier by id or name, or nothing has been reconciled yet.</Empty>
      ) : (
        <div class="table-wrap">
          <table class="data vendor-links">
            <thead>
              <tr>
                <th scope="col">Vendor</th>
                <th scope="col">P21 supplier</th>
                <th scope="col" class="num">
                  Unmapped lines
                </th>
                {work && (
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {items.map((v) => (
                <LinkRow v={v} work={work} editing={editing === v.vendor_id} setEditing={(on) => setEditing(on ? v.vendor_id : null)} onDone={finish} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {work && (
        <section class="section">
          <h2>Link another vendor code</h2>
          <Field label="Vendor code" hint="As the contracts spell it; compared upper case.">
            <input type="text" value={other} maxLength={200} size={14} onInput={(e) => setOther(e.currentTarget.value.trim().toUpperCase())} />
          </Field>
          {other && <LinkVendor key={other} vendor={other} onDone={finish} />}
        </section>
      )}
    </>
  );
}

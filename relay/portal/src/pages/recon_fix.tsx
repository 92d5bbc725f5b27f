// Fixing a MISSING_MAPPING where it is shown: link the vendor to its P21
// supplier, approve one of the competing candidates for the vendor item
// (the vendor's description beside P21's; the others are closed), or map the
// item by hand. The relay re-evaluates the affected lines at once, so the
// drawer and the queue show the exception resolved or its next real finding.
import { useState } from 'preact/hooks';
import { post, qs } from '../api';
import { ActionButton, ErrorBox, Field, Pill } from '../components/ui';
import { useApi } from '../hooks';
import { Mapping, P21Item, paths, ReconException, Reevaluation } from '../recon_api';
import { useSession } from '../session';
import { ItemSearch, LinkVendor, reevaluationText } from './recon_search';

type Reply = { reevaluation: Reevaluation | null };

// The competing candidates of one vendor item, best first, each with the
// vendor's description beside P21's.
export function Candidates({ items, onApprove }: { items: Mapping[]; onApprove?: (m: Mapping) => Promise<unknown> }) {
  return (
    <table class="data compact candidates">
      <thead>
        <tr>
          <th scope="col">Vendor's description</th>
          <th scope="col">P21 item and description</th>
          <th scope="col">Confidence</th>
          <th scope="col">Status</th>
          {onApprove && (
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {items.map((m) => (
          <tr data-candidate={m.p21_item_id} data-status={m.status}>
            <td>{m.vendor_desc ?? <span class="muted">none given</span>}</td>
            <td>
              <strong>{m.p21_item_id}</strong> {m.p21_item_desc ?? <span class="muted">no longer in P21</span>}
            </td>
            <td>{Math.round(Number(m.confidence) * 100)} %</td>
            <td>
              <Pill value={m.status} />
              {m.status === 'rejected' && m.note && <div class="muted small">{m.note}</div>}
            </td>
            {onApprove && (
              <td class="row-actions">
                {m.status !== 'approved' && (
                  <ActionButton kind="primary" label={`Approve ${m.vendor_item} → ${m.p21_item_id}`} onClick={() => onApprove(m)}>
                    Approve
                  </ActionButton>
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MapItem({ x, onDone }: { x: ReconException; onDone: (text: string) => void }) {
  const [pick, setPick] = useState<P21Item | null>(null);
  const [uom, setUom] = useState(x.vendor_uom);
  const candidates = useApi<{ items: Mapping[] }>(paths.mappings + qs({ vendor_id: x.vendor_id, vendor_item: x.vendor_item, page_size: 50 }));
  const mine = (candidates.data?.items ?? []).filter((m) => m.vendor_uom === x.vendor_uom);
  const approve = async (m: Mapping) => {
    const r = await post<Reply>(`${paths.mapping(m.mapping_id)}/approve`, {});
    onDone(reevaluationText(r.reevaluation));
  };
  return (
    <div class="fix-form" data-fix="map-item">
      <ErrorBox error={candidates.error} retry={candidates.reload} />
      {mine.length > 0 && (
        <>
          <p class="muted small">Candidates for {x.vendor_item}: approving one closes the others.</p>
          <Candidates items={mine} onApprove={approve} />
        </>
      )}
      {candidates.data && !mine.length && <p class="muted small">No suggestion for this vendor item: find its P21 item.</p>}
      <ItemSearch initial={x.vendor_item} supplier={x.supplier_id} onPick={setPick} />
      <Field label="P21 unit" hint={`The P21 unit the vendor's ${x.vendor_uom} means.`}>
        <input type="text" value={uom} size={6} maxLength={20} onInput={(e) => setUom(e.currentTarget.value.toUpperCase())} />
      </Field>
      <ActionButton
        kind="primary"
        disabled={!pick}
        onClick={async () => {
          const r = await post<Reply>(paths.mappings, {
            vendor_id: x.vendor_id,
            vendor_item: x.vendor_item,
            vendor_uom: x.vendor_uom,
            p21_item_id: pick!.item_id,
            p21_site_id: pick!.site_id,
            p21_uom: uom,
          });
          onDone(reevaluationText(r.reevaluation));
        }}
      >
        {pick ? `Map to ${pick.item_id}` : 'Pick a P21 item to map'}
      </ActionButton>
    </div>
  );
}

// The fixes a MISSING_MAPPING offers; `onFixed` gets what the re-evaluation
// found and reloads the drawer and queue.
export function FixMissingMapping({ x, onFixed }: { x: ReconException; onFixed: (text: string) => void }) {
  const { can } = useSession();
  const [open, setOpen] = useState<'link' | 'map' | null>(null);
  if (x.rule !== 'MISSING_MAPPING' || x.status !== 'open') return null;
  if (!can!.reconWork) return <p class="muted small">Analysts and administrators can link the vendor or map the item.</p>;
  const finish = (text: string) => {
    setOpen(null);
    onFixed(text);
  };
  const supplierUnknown = x.details?.supplier_known === false;
  return (
    <div class="fix" data-fix-for={x.number}>
      <div class="actions">
        <button type="button" class={supplierUnknown ? 'primary' : ''} aria-expanded={open === 'link'} onClick={() => setOpen(open === 'link' ? null : 'link')}>
          Link vendor…
        </button>
        <button type="button" class={supplierUnknown ? '' : 'primary'} aria-expanded={open === 'map'} onClick={() => setOpen(open === 'map' ? null : 'map')}>
          Map item…
        </button>
      </div>
      {supplierUnknown && <p class="muted small">No P21 supplier is known for vendor {x.vendor_id}: link it to one, then its items are matched by their supplier part numbers.</p>}
      {open === 'link' && <LinkVendor vendor={x.vendor_id} onDone={finish} />}
      {open === 'map' && <MapItem x={x} onDone={finish} />}
    </div>
  );
}

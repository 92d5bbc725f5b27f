// Item mappings: which P21 item (and unit) a vendor's item number means.
// Suggestions come with a confidence, the competing candidates of one vendor
// item grouped under it with the vendor's description beside P21's; people
// approve one (the others are closed) or reject them, one by one or in bulk,
// or point a vendor item at another P21 item. Each decision re-evaluates the
// vendor item's lines at once.
import { useState } from 'preact/hooks';
import { patch, post, qs } from '../api';
import { ActionButton, Dialog, Empty, Field, FilterInput, Inp, PagedView, PageHeader, Pill, Sel, val } from '../components/ui';
import { fmtDateTime } from '../format';
import { usePaged, useQueryFilters, useSelection } from '../hooks';
import { Mapping, P21Item, paths, Reevaluation } from '../recon_api';
import { useSession } from '../session';
import { ItemSearch, reevaluationText } from './recon_search';

const methods: Record<string, string> = {
  supplier_part_exact: 'Supplier part number, exact',
  supplier_part_normalized: 'Supplier part number, normalized',
  item_id_normalized: 'P21 item id',
  description: 'Similar description',
  manual: 'Set by a person',
};

function Confidence({ value }: { value: string }) {
  const v = Math.max(0, Math.min(1, Number(value) || 0));
  const tone = v >= 0.9 ? 'good' : v >= 0.6 ? 'primary' : 'muted';
  return (
    <span class="confidence" title={`confidence ${value}`}>
      <svg viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
        <rect x={0} y={0} width={100} height={8} class="band-off" />
        <rect x={0} y={0} width={v * 100} height={8} class={`bar bar-${tone}`} />
      </svg>
      {Math.round(v * 100)} %
    </span>
  );
}

function EditMapping({ m, onClose, onDone }: { m: Mapping; onClose: () => void; onDone: () => void }) {
  const [pick, setPick] = useState<P21Item | null>(null);
  const [uom, setUom] = useState(m.p21_uom || m.vendor_uom);
  return (
    <Dialog title={`Map ${m.vendor_id} ${m.vendor_item}`} open onClose={onClose} wide>
      <p class="muted">Find the P21 item this vendor item is, then the P21 unit the vendor's {m.vendor_uom} means.</p>
      {m.vendor_desc && <p>The vendor describes it as: {m.vendor_desc}</p>}
      <ItemSearch initial={m.vendor_item} onPick={setPick} />
      <Field label="P21 unit">
        <input type="text" value={uom} size={6} onInput={(e) => setUom(e.currentTarget.value.toUpperCase())} />
      </Field>
      <div class="form-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <ActionButton
          kind="primary"
          disabledReason={pick ? null : 'Pick a P21 item first.'}
          onClick={async () => {
            await patch(paths.mapping(m.mapping_id), { p21_item_id: pick!.item_id, p21_site_id: pick!.site_id, p21_uom: uom });
            onDone();
          }}
        >
          Approve this mapping
        </ActionButton>
      </div>
    </Dialog>
  );
}

// Candidates of one vendor item share its key.
const keyOf = (m: Mapping) => `${m.vendor_id}\u001f${m.vendor_item}\u001f${m.vendor_uom}`;

function MappingList() {
  const { can } = useSession();
  const { query, setQuery } = useQueryFilters();
  const status = query.status ?? 'suggested';
  const vendor = query.vendor_id ?? '';
  const list = usePaged<Mapping>(paths.mappings + qs({ status: status === 'all' ? '' : status, vendor_id: vendor }), 100);
  const { selected, toggle, choose, clear } = useSelection();
  const [editing, setEditing] = useState<Mapping | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const set = (k: string, v: string) => setQuery({ [k]: v });
  const decide = async (decision: 'approve' | 'reject', ids: string[]) => {
    const r = await post<{ reevaluation: Reevaluation | null }>(paths.mappingDecisions, { mapping_ids: ids, decision });
    setDone(`${ids.length} mapping${ids.length === 1 ? '' : 's'} ${decision === 'approve' ? 'approved (the other candidates closed)' : 'rejected'}. ${reevaluationText(r.reevaluation)}`);
    clear();
    list.reload();
  };
  const work = can!.reconWork;
  return (
    <>
      <div class="filters">
        <label class="field inline">
          <span>Status</span>
          <select value={status} onChange={(e: Sel) => set('status', val(e))}>
            <option value="suggested">Suggested</option>
            <option value="approved">Approved</option>
            <option value="rejected">Rejected</option>
            <option value="all">All</option>
          </select>
        </label>
        <label class="field inline">
          <span>Vendor</span>
          <FilterInput type="text" size={10} value={vendor} onCommit={(v) => set('vendor_id', v.trim().toUpperCase())} />
        </label>
      </div>
      {done && (
        <p class="notice notice-good" role="status">
          {done}
        </p>
      )}
      {work && selected.size > 0 && (
        <div class="bulk-bar" role="region" aria-label="Selected mappings">
          <span>{selected.size} selected</span>
          <ActionButton kind="primary" onClick={() => decide('approve', [...selected])}>
            Approve selected
          </ActionButton>
          <ActionButton kind="danger" onClick={() => decide('reject', [...selected])}>
            Reject selected
          </ActionButton>
        </div>
      )}
      <PagedView
        list={list}
        loading="Loading mappings"
        empty={
          <Empty title={status === 'suggested' ? 'No suggestions waiting' : 'No mappings match'}>
            {status === 'suggested' ? 'Suggestions appear after a reconciliation run finds vendor items it cannot map.' : 'Change the filters to see more.'}
          </Empty>
        }
      >
        <div class="table-wrap">
          <table class="data mappings">
            <thead>
              <tr>
                {work && (
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label="Select all shown"
                      checked={selected.size > 0 && selected.size === list.items.filter((m) => m.status !== 'approved').length}
                      onChange={(e: Inp) => choose(e.currentTarget.checked ? list.items.filter((m) => m.status !== 'approved').map((m) => m.mapping_id) : [])}
                    />
                  </th>
                )}
                <th scope="col">Vendor item</th>
                <th scope="col">P21 item</th>
                <th scope="col">Unit</th>
                <th scope="col">Found by</th>
                <th scope="col">Confidence</th>
                <th scope="col">Status</th>
                {work && (
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {list.items.map((m, i) => (
                <>
                {(i === 0 || keyOf(list.items[i - 1]) !== keyOf(m)) && (
                  <tr class="group" data-group={`${m.vendor_id}/${m.vendor_item}`}>
                    <th scope="rowgroup" colSpan={work ? 8 : 6}>
                      {m.vendor_id} {m.vendor_item} ({m.vendor_uom}){' '}
                      <span class="muted">
                        {m.vendor_desc ? `the vendor's description: ${m.vendor_desc}` : 'no vendor description'} ·{' '}
                        {list.items.filter((o) => keyOf(o) === keyOf(m)).length} candidate(s) shown
                      </span>
                    </th>
                  </tr>
                )}
                <tr data-mapping={`${m.vendor_id}/${m.vendor_item}`} data-status={m.status}>
                  {work && (
                    <td>
                      {m.status !== 'approved' && (
                        <input type="checkbox" aria-label={`Select ${m.vendor_item} → ${m.p21_item_id}`} checked={selected.has(m.mapping_id)} onChange={() => toggle(m.mapping_id)} />
                      )}
                    </td>
                  )}
                  <td>
                    <strong>{m.vendor_item}</strong> <span class="muted small">{m.vendor_id}</span>
                  </td>
                  <td>
                    {m.p21_item_id}
                    <div class="muted small">{m.p21_item_desc ?? 'no longer in P21'}</div>
                  </td>
                  <td>
                    {m.vendor_uom} → {m.p21_uom || m.vendor_uom}
                  </td>
                  <td class="small">{methods[m.method] ?? m.method}</td>
                  <td>
                    <Confidence value={m.confidence} />
                  </td>
                  <td>
                    <Pill value={m.status} />
                    {m.decided_at && <div class="muted small">{fmtDateTime(m.decided_at)}</div>}
                  </td>
                  {work && (
                    <td class="row-actions">
                      {m.status !== 'approved' && (
                        <ActionButton label={`Approve ${m.vendor_item} → ${m.p21_item_id}`} onClick={() => decide('approve', [m.mapping_id])}>
                          Approve
                        </ActionButton>
                      )}
                      <button type="button" onClick={() => setEditing(m)}>
                        Change
                      </button>
                    </td>
                  )}
                </tr>
                </>
              ))}
            </tbody>
          </table>
        </div>
      </PagedView>
      {editing && (
        <EditMapping
          m={editing}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            setDone('Mapping approved, the other candidates closed, and the vendor item re-evaluated.');
            list.reload();
          }}
        />
      )}
    </>
  );
}

export function MappingsPage() {
  return (
    <>
      <PageHeader title="Item mappings" subtitle="Which P21 item each vendor item number means. Approved mappings are used by every later run." />
      <MappingList />
    </>
  );
}

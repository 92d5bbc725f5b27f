// Searches of the tenant's P21 catalog, inline wherever a person fixes what a
// run could not match: the P21 item a vendor item is (by item id, supplier
// part number or description) and the P21 supplier a vendor is (by id or name).
import { useState } from 'preact/hooks';
import { get, qs, request } from '../api';
import { ActionButton, ErrorBox, Field, Pill } from '../components/ui';
import { fixPaths, P21Item, P21Supplier, paths, Reevaluation, ruleLabels } from '../recon_api';

const matchLabels: Record<string, string> = {
  item_id: 'item id',
  supplier_part: 'supplier part number',
  description: 'similar description',
  supplier_id: 'supplier id',
  name: 'name',
};

// A search box over one of the catalog routes, and a list to pick one result.
function CatalogSearch<T>({
  label,
  initial,
  path,
  extra,
  name,
  render,
  empty,
  onPick,
}: {
  label: string;
  initial: string;
  path: string;
  extra?: Record<string, string>;
  name: string;
  render: (t: T) => preact.ComponentChildren;
  empty: string;
  onPick: (t: T | null) => void;
}) {
  const [q, setQ] = useState(initial);
  const [found, setFound] = useState<T[] | null>(null);
  const [pick, setPick] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const search = async () => {
    setError(null);
    setPick(null);
    onPick(null);
    try {
      const r = await get<{ items: T[] }>(path + qs({ q: q.trim(), limit: 20, ...extra }));
      setFound(r.items);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div class="catalog-search" data-search={name}>
      <form
        class="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (q.trim()) void search();
        }}
      >
        <Field label={label}>
          <input type="search" value={q} maxLength={200} onInput={(e) => setQ(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={!q.trim()} title={q.trim() ? undefined : 'Type what to search for first'}>
          Search P21
        </button>
      </form>
      <ErrorBox error={error} />
      {found && !found.length && <p class="muted">{empty}</p>}
      {found && found.length > 0 && (
        <ul class="pick-list" role="listbox" aria-label={label}>
          {found.map((t, i) => (
            <li>
              <label class="check">
                <input
                  type="radio"
                  name={name}
                  checked={pick === i}
                  onChange={() => {
                    setPick(i);
                    onPick(t);
                  }}
                />{' '}
                {render(t)}
              </label>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function ItemSearch({ initial, supplier, onPick }: { initial: string; supplier?: string | null; onPick: (i: P21Item | null) => void }) {
  return (
    <CatalogSearch<P21Item>
      label="P21 item id, supplier part number or description"
      initial={initial}
      path={paths.p21Items}
      name="p21-item"
      empty="No P21 item matches. Try the supplier's part number or part of the description."
      onPick={onPick}
      render={(i) => (
        <>
          <strong>{i.item_id}</strong> {i.item_desc} <span class="muted small">by {matchLabels[i.match] ?? i.match}</span>
          {i.supplier_part_no && (
            <span class="muted small">
              {' '}
              (part {i.supplier_part_no} of supplier {i.supplier_id}
              {supplier && i.supplier_id !== supplier ? ', another supplier' : ''})
            </span>
          )}{' '}
          {!i.active && <Pill value="inactive" tone="bad" />}
        </>
      )}
    />
  );
}

export function SupplierSearch({ initial, onPick }: { initial: string; onPick: (s: P21Supplier | null) => void }) {
  return (
    <CatalogSearch<P21Supplier>
      label="P21 supplier id or name"
      initial={initial}
      path={fixPaths.p21Suppliers}
      name="p21-supplier"
      empty="No P21 supplier matches. Try part of its name."
      onPick={onPick}
      render={(s) => (
        <>
          <strong>{s.supplier_id}</strong> {s.supplier_name ?? ''} <span class="muted small">by {matchLabels[s.match] ?? s.match}</span> {!s.active && <Pill value="inactive" tone="bad" />}
        </>
      )}
    />
  );
}

// What the fix's immediate re-evaluation found, in words.
export function reevaluationText(r: Reevaluation | null | undefined): string {
  if (!r) return 'Saved. A reconciliation run is in progress; it or the next one evaluates the fix.';
  const found = Object.entries(r.findings)
    .filter(([, n]) => n > 0)
    .map(([rule, n]) => `${n} ${ruleLabels[rule] ?? rule}`);
  const resolved = r.auto_resolved ? `${r.auto_resolved} exception${r.auto_resolved === 1 ? '' : 's'} resolved` : 'nothing resolved';
  return `Re-evaluated ${r.lines} contract line${r.lines === 1 ? '' : 's'} at once: ${resolved}; ${found.length ? 'now found: ' + found.join(', ') : 'no finding left'}.`;
}

// Links a vendor code to the picked P21 supplier; reports the re-evaluation.
export function LinkVendor({ vendor, onDone }: { vendor: string; onDone: (text: string) => void }) {
  const [pick, setPick] = useState<P21Supplier | null>(null);
  return (
    <div class="fix-form" data-fix="link-vendor">
      <SupplierSearch initial={vendor} onPick={setPick} />
      <ActionButton
        kind="primary"
        disabled={!pick}
        onClick={async () => {
          const r = await request<{ reevaluation: Reevaluation | null }>('PUT', fixPaths.vendorLink(vendor), { supplier_id: pick!.supplier_id });
          onDone(reevaluationText(r.reevaluation));
        }}
      >
        {pick ? `Link ${vendor} to supplier ${pick.supplier_id}` : `Link ${vendor}`}
      </ActionButton>
    </div>
  );
}

// Paging through a cursor-paged view a page at a time (first, previous, next,
// last, a jump to page N or row N) and column headers that sort it.
import { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { fmtNumber } from '../format';
import { Inp, val } from './ui';

// Where a page starts, as the API takes it: a cursor, an offset, or the end.
export type PageAt = { token: string } | { offset: number } | { last: true } | null;

export interface PagerProps {
  position: number | null; // of the first row shown (0-based), when known
  shown: number;
  pageSize: number;
  total: number | null;
  exact: boolean;
  prev: string | null;
  next: string | null;
  maxOffset: number;
  busy: boolean;
  go: (at: PageAt) => void;
}

// "Rows 51–100 of 4,321" ("of about 1,200,000" for an estimate).
export function rowsLabel(p: Pick<PagerProps, 'position' | 'shown' | 'total' | 'exact'>): string {
  const of = p.total === null ? '' : ` of ${p.exact ? '' : 'about '}${fmtNumber(p.total)}`;
  if (!p.shown) return p.total === null ? 'No rows' : `No rows${of}`;
  if (p.position === null) return `${fmtNumber(p.shown)} rows${of}`;
  return `Rows ${fmtNumber(p.position + 1)}–${fmtNumber(p.position + p.shown)}${of}`;
}

export function Pager(p: PagerProps) {
  const [target, setTarget] = useState('');
  const [unit, setUnit] = useState<'page' | 'row'>('page');
  const [problem, setProblem] = useState('');
  const pages = p.total !== null ? Math.max(1, Math.ceil(p.total / p.pageSize)) : null;
  const page = p.position !== null ? Math.floor(p.position / p.pageSize) + 1 : null;
  const jump = (e: Event) => {
    e.preventDefault();
    const n = Number(target);
    if (!Number.isInteger(n) || n < 1) {
      setProblem(`Enter a ${unit} number from 1${pages && unit === 'page' ? ` to ${fmtNumber(pages)}` : ''}.`);
      return;
    }
    const offset = unit === 'page' ? (n - 1) * p.pageSize : Math.floor((n - 1) / p.pageSize) * p.pageSize;
    if (offset > p.maxOffset) {
      setProblem(`Jumps reach row ${fmtNumber(p.maxOffset)}; use Last, sort the other way or filter to go further.`);
      return;
    }
    if (p.total !== null && p.exact && offset >= p.total) {
      setProblem(`This view has ${fmtNumber(p.total)} rows (${fmtNumber(pages)} pages).`);
      return;
    }
    setProblem('');
    p.go({ offset });
  };
  return (
    <nav class="pager" aria-label="Pages">
      <span class="pager-where" role="status">
        {rowsLabel(p)}
        {page !== null && pages !== null && p.exact ? ` · page ${fmtNumber(page)} of ${fmtNumber(pages)}` : ''}
      </span>
      <button type="button" onClick={() => p.go(null)} disabled={p.busy || !p.prev} title={p.prev ? undefined : 'This is the first page'}>
        « First
      </button>
      <button type="button" onClick={() => p.prev && p.go({ token: p.prev })} disabled={p.busy || !p.prev} title={p.prev ? undefined : 'This is the first page'}>
        ‹ Previous
      </button>
      <button type="button" onClick={() => p.next && p.go({ token: p.next })} disabled={p.busy || !p.next} title={p.next ? undefined : 'This is the last page'}>
        Next ›
      </button>
      <button type="button" onClick={() => p.go({ last: true })} disabled={p.busy || !p.next} title={p.next ? undefined : 'This is the last page'}>
        Last »
      </button>
      <form class="pager-jump" onSubmit={jump}>
        <label class="field inline">
          <span>Go to</span>
          <select value={unit} onChange={(e) => setUnit((e.currentTarget as HTMLSelectElement).value as 'page' | 'row')} aria-label="Jump by">
            <option value="page">page</option>
            <option value="row">row</option>
          </select>
        </label>
        <input type="number" min={1} value={target} onInput={(e: Inp) => setTarget(val(e))} aria-label={`${unit === 'page' ? 'Page' : 'Row'} number`} size={6} />
        <button type="submit" disabled={p.busy}>
          Go
        </button>
        {problem && (
          <span class="inline-error" role="alert">
            {problem}
          </span>
        )}
      </form>
    </nav>
  );
}

// A column header that sorts by `sortKey`: ascending first, then descending.
export function SortHeader({
  label,
  sortKey,
  sort,
  order,
  onSort,
  children,
}: {
  label: string;
  sortKey: string;
  sort: string;
  order: 'asc' | 'desc';
  onSort: (key: string, order: 'asc' | 'desc') => void;
  children?: ComponentChildren;
}) {
  const active = sort === sortKey;
  const next = active && order === 'asc' ? 'desc' : 'asc';
  return (
    <th scope="col" aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" class="sort" onClick={() => onSort(sortKey, next)} title={`Sort by ${label}, ${next === 'asc' ? 'ascending' : 'descending'}`}>
        {label}
        <span aria-hidden="true" class="sort-mark">
          {active ? (order === 'asc' ? ' ▲' : ' ▼') : ' ↕'}
        </span>
      </button>
      {children}
    </th>
  );
}

// Loading data from the API into components: one object, a cursor-paged
// list, and polling while the page is visible.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { get, Page } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

// GETs `path` (null: nothing yet) and again whenever it changes; with
// `pollMs`, every pollMs while the tab is visible, keeping the last data.
export function useApi<T>(path: string | null, pollMs = 0): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState<boolean>(path !== null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const lastPath = useRef<string | null>(null);

  useEffect(() => {
    if (path === null) {
      setLoading(false);
      return;
    }
    if (lastPath.current !== path) {
      setData(undefined);
      lastPath.current = path;
    }
    const ctrl = new AbortController();
    setLoading(true);
    get<T>(path, ctrl.signal).then(
      (d) => {
        // A reply that arrives after its request was superseded is stale.
        if (ctrl.signal.aborted) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e) => {
        if (ctrl.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => ctrl.abort();
  }, [path, tick]);

  usePoll(reload, pollMs);
  return { data, error, loading, reload };
}

// Calls `fn` every `ms` while the document is visible (0: never).
export function usePoll(fn: () => void, ms: number) {
  const saved = useRef(fn);
  saved.current = fn;
  useEffect(() => {
    if (!ms) return;
    const id = window.setInterval(() => {
      if (document.visibilityState === 'visible') saved.current();
    }, ms);
    return () => window.clearInterval(id);
  }, [ms]);
}

export interface Paged<T> {
  items: T[];
  // How many the list's filter matches in all, when the API counts them.
  total: number | null;
  error: unknown;
  loading: boolean;
  hasMore: boolean;
  more: () => void;
  reload: () => void;
}

// A cursor-paged list: the first page of `path` (null: nothing yet), then
// more pages on request. `path` already carries its filters.
export function usePaged<T>(path: string | null, pageSize = 50, pollMs = 0): Paged<T> {
  const [items, setItems] = useState<T[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const ctrl = useRef<AbortController | null>(null);
  const appended = useRef(false);

  const load = useCallback(
    (token: string | null, append: boolean) => {
      if (path === null) return;
      ctrl.current?.abort();
      const c = new AbortController();
      ctrl.current = c;
      const sep = path.includes('?') ? '&' : '?';
      const url = `${path}${sep}page_size=${pageSize}` + (token ? `&page_token=${encodeURIComponent(token)}` : '');
      setLoading(true);
      appended.current = append;
      get<Page<T>>(url, c.signal).then(
        (p) => {
          if (c.signal.aborted) return; // superseded by a newer load
          setItems((old) => (append ? [...old, ...p.items] : p.items));
          setTotal(p.total ?? null);
          setNext(p.next_page_token);
          setError(undefined);
          setLoading(false);
        },
        (e) => {
          if (c.signal.aborted) return;
          setError(e);
          setLoading(false);
        },
      );
    },
    [path, pageSize],
  );

  // A new path starts empty; a reload of the same path keeps the rows on
  // screen until the fresh first page replaces them.
  const shownPath = useRef<string | null>(null);
  useEffect(() => {
    if (shownPath.current !== path) {
      shownPath.current = path;
      setItems([]);
      setTotal(null);
      setNext(null);
    }
    if (path === null) {
      setLoading(false);
      return;
    }
    load(null, false);
    return () => ctrl.current?.abort();
  }, [load, tick]);

  // Polling refreshes the first page only, and not once more pages are shown.
  usePoll(() => {
    if (!appended.current) setTick((t) => t + 1);
  }, pollMs);

  return {
    items,
    total,
    error,
    loading,
    hasMore: next !== null,
    more: () => load(next, true),
    reload: () => setTick((t) => t + 1),
  };
}

// A list page's filters live in its query string (so links and reloads keep
// them): `query`, and `setQuery` to change some of them in place, without a
// history entry; an empty value removes the filter.
export function useQueryFilters() {
  const { query, path, route } = useLocation();
  const setQuery = (changes: Record<string, string>) => {
    const p = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    const s = p.toString();
    route(path + (s ? '?' + s : ''), true);
  };
  return { query, setQuery };
}

// The rows ticked for a bulk action, by id.
export function useSelection() {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (id: string) => {
    const s = new Set(selected);
    if (s.has(id)) s.delete(id);
    else s.add(id);
    setSelected(s);
  };
  const choose = (ids: string[]) => setSelected(new Set(ids));
  return { selected, toggle, choose, clear: () => choose([]) };
}

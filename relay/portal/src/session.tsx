// Who is signed in, what their role allows, and (for staff) which tenant they
// are working in. The relay keeps the session in an HttpOnly cookie; the page
// only keeps the CSRF token (in memory) and a hint that a session may exist,
// so an anonymous visit never asks the relay and never gets a 401.
import { createContext, ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, get, Me, onUnauthorized, post, setCsrfToken, setTenantScope, Tenant } from './api';

const kSignedIn = 'cs.signed_in';
const kTenant = 'cs.tenant';

export interface Permissions {
  staff: boolean;
  staffAdmin: boolean;
  tenantAdmin: boolean;
  // Commands to agents: sync now, full resync, retry failed rows.
  commands: boolean;
  // Create sites, rotate and revoke keys.
  manageSites: boolean;
  audit: boolean;
  users: boolean;
  editSettings: boolean;
  // Reconciliation: work exceptions, decide mappings, upload files.
  reconWork: boolean;
  reconPolicy: boolean;
}

export function permissionsOf(me: Me): Permissions {
  const staff = me.user.kind === 'staff';
  const r = me.user.role;
  return {
    staff,
    staffAdmin: staff && r === 'admin',
    tenantAdmin: !staff && r === 'admin',
    commands: staff || r === 'admin' || r === 'analyst',
    manageSites: r === 'admin',
    audit: staff || r === 'admin' || r === 'analyst',
    users: staff || r === 'admin',
    editSettings: r === 'admin',
    reconWork: (staff && r === 'admin') || r === 'admin' || r === 'analyst' || (staff && r === 'operator'),
    reconPolicy: r === 'admin',
  };
}

export interface SessionState {
  status: 'loading' | 'anonymous' | 'ready';
  me: Me | null;
  can: Permissions | null;
  // Staff: every tenant, for the switcher. Tenant users: empty.
  tenants: Tenant[];
  // The tenant whose data the tenant pages show: a tenant user's own, or the
  // one staff selected (null: none selected).
  tenantId: string | null;
  tenantName: string | null;
  expired: boolean;
  login: (email: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  selectTenant: (tenantId: string | null) => void;
  refreshTenants: () => void;
}

const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

export function SessionProvider({ children }: { children: ComponentChildren }) {
  const [status, setStatus] = useState<SessionState['status']>('loading');
  const [me, setMe] = useState<Me | null>(null);
  const [tenants, setTenants] = useState<Tenant[]>([]);
  const [tenantId, setTenantId] = useState<string | null>(null);
  const [expired, setExpired] = useState(false);

  const signOutLocally = useCallback((wasExpired: boolean) => {
    localStorage.removeItem(kSignedIn);
    sessionStorage.removeItem(kTenant);
    setCsrfToken('');
    setTenantScope(null);
    setMe(null);
    setTenants([]);
    setTenantId(null);
    setExpired(wasExpired);
    setStatus('anonymous');
  }, []);

  const loadTenants = useCallback(async () => {
    const list: Tenant[] = [];
    let token: string | null = null;
    // Staff see every tenant; a few pages at most in practice.
    for (let i = 0; i < 20; i++) {
      const page: { items: Tenant[]; next_page_token: string | null } = await get(
        '/tenants?page_size=500' + (token ? '&page_token=' + encodeURIComponent(token) : ''),
      );
      list.push(...page.items);
      token = page.next_page_token;
      if (!token) break;
    }
    setTenants(list);
    return list;
  }, []);

  const start = useCallback(
    async (current: Me) => {
      setCsrfToken(current.csrf_token);
      if (current.user.kind === 'staff') {
        const list = await loadTenants();
        const saved = sessionStorage.getItem(kTenant);
        const chosen = saved && list.some((t) => t.tenant_id === saved) ? saved : null;
        setTenantScope(chosen);
        setTenantId(chosen);
      } else {
        setTenantScope(null);
        setTenantId(current.user.tenant_id);
      }
      setMe(current);
      setExpired(false);
      setStatus('ready');
    },
    [loadTenants],
  );

  useEffect(() => {
    onUnauthorized(() => signOutLocally(true));
    if (!localStorage.getItem(kSignedIn)) {
      setStatus('anonymous');
      return;
    }
    get<Me>('/auth/me').then(start, (e) => {
      signOutLocally(e instanceof ApiError && e.status === 401);
    });
  }, []);

  const login = useCallback(
    async (email: string, password: string) => {
      const reply = await post<{ csrf_token: string }>('/auth/login', { email, password });
      setCsrfToken(reply.csrf_token);
      localStorage.setItem(kSignedIn, '1');
      await start(await get<Me>('/auth/me'));
    },
    [start],
  );

  const logout = useCallback(async () => {
    try {
      await post('/auth/logout');
    } finally {
      signOutLocally(false);
    }
  }, [signOutLocally]);

  const selectTenant = useCallback((id: string | null) => {
    setTenantScope(id);
    if (id) sessionStorage.setItem(kTenant, id);
    else sessionStorage.removeItem(kTenant);
    setTenantId(id);
  }, []);

  const value = useMemo<SessionState>(() => {
    const tenantName = me
      ? me.user.kind === 'staff'
        ? (tenants.find((t) => t.tenant_id === tenantId)?.name ?? null)
        : me.scope_tenant_name
      : null;
    return {
      status,
      me,
      can: me ? permissionsOf(me) : null,
      tenants,
      tenantId,
      tenantName,
      expired,
      login,
      logout,
      selectTenant,
      refreshTenants: () => void loadTenants(),
    };
  }, [status, me, tenants, tenantId, expired, login, logout, selectTenant, loadTenants]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

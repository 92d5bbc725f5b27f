// The shell: session, navigation by role, the staff tenant switcher, and the
// routes. A page a role may not use is refused here, before any request.
import { ComponentChildren, ComponentType } from 'preact';
import { useEffect } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { Permissions, SessionProvider, useSession } from './session';
import { Empty, Loading } from './components/ui';
import { LoginPage } from './pages/login';
import { FleetPage } from './pages/fleet';
import { TenantsPage } from './pages/tenants';
import { SiteDetailPage } from './pages/site_detail';
import { SitesPage } from './pages/sites';
import { DashboardPage } from './pages/dashboard';
import { RecordsPage } from './pages/records';
import { RecordDetailPage } from './pages/record_detail';
import { RunsPage } from './pages/runs';
import { FailedRowsPage } from './pages/failed_rows';
import { AlertsPage } from './pages/alerts';
import { AuditPage } from './pages/audit';
import { SettingsPage } from './pages/settings';
import { ExceptionsPage } from './pages/recon_exceptions';
import { MappingsPage } from './pages/recon_mappings';
import { VendorFilesPage } from './pages/recon_files';
import { ReconRunsPage } from './pages/recon_runs';
import { VendorLinksPage } from './pages/recon_vendor_links';
import { NotificationsPage } from './pages/notifications';
import { NotificationBell } from './components/notification_bell';

// Who may open a page: staff only, anyone with a tenant in scope, or a permission.
type Need = 'staff' | 'tenant' | 'any' | keyof Permissions;

interface PageDef {
  path: string;
  need: Need[];
  component: ComponentType<any>;
}

const pages: PageDef[] = [
  { path: '/fleet', need: ['staff'], component: FleetPage },
  { path: '/tenants', need: ['staff'], component: TenantsPage },
  { path: '/sites/:siteId', need: ['any'], component: SiteDetailPage },
  { path: '/sites', need: ['tenant'], component: SitesPage },
  { path: '/dashboard', need: ['tenant'], component: DashboardPage },
  { path: '/records', need: ['tenant'], component: RecordsPage },
  { path: '/records/:siteId/:entity/:bk', need: ['tenant'], component: RecordDetailPage },
  { path: '/runs', need: ['tenant'], component: RunsPage },
  { path: '/failed-rows', need: ['tenant'], component: FailedRowsPage },
  { path: '/recon/exceptions', need: ['tenant'], component: ExceptionsPage },
  { path: '/recon/mappings', need: ['tenant'], component: MappingsPage },
  { path: '/recon/files', need: ['tenant'], component: VendorFilesPage },
  { path: '/recon/runs', need: ['tenant'], component: ReconRunsPage },
  { path: '/recon/vendor-links', need: ['tenant'], component: VendorLinksPage },
  { path: '/alerts', need: ['any'], component: AlertsPage },
  { path: '/audit', need: ['audit'], component: AuditPage },
  { path: '/settings', need: ['any'], component: SettingsPage },
  { path: '/settings/:tab', need: ['any'], component: SettingsPage },
  { path: '/notifications', need: ['any'], component: NotificationsPage },
];

interface NavItem {
  href: string;
  label: string;
  need: Need[];
}

const staffNav: NavItem[] = [
  { href: '/fleet', label: 'Fleet', need: ['staff'] },
  { href: '/tenants', label: 'Tenants', need: ['staff'] },
];
const tenantNav: NavItem[] = [
  { href: '/dashboard', label: 'Dashboard', need: ['tenant'] },
  { href: '/sites', label: 'Sites', need: ['tenant'] },
  { href: '/records', label: 'Records', need: ['tenant'] },
  { href: '/runs', label: 'Sync runs', need: ['tenant'] },
  { href: '/failed-rows', label: 'Failed rows', need: ['tenant'] },
];
const reconNav: NavItem[] = [
  { href: '/recon/exceptions', label: 'Exceptions', need: ['tenant'] },
  { href: '/recon/mappings', label: 'Item mappings', need: ['tenant'] },
  { href: '/recon/files', label: 'Vendor files', need: ['tenant'] },
  { href: '/recon/runs', label: 'Reconciliation runs', need: ['tenant'] },
  { href: '/recon/vendor-links', label: 'Vendor links', need: ['tenant'] },
];
const otherNav: NavItem[] = [
  { href: '/alerts', label: 'Alerts', need: ['any'] },
  { href: '/audit', label: 'Audit log', need: ['audit'] },
  { href: '/settings', label: 'Settings', need: ['any'] },
];

function allowed(need: Need[], can: Permissions, hasTenant: boolean): 'yes' | 'no' | 'pick-tenant' {
  for (const n of need) {
    if (n === 'any') continue;
    if (n === 'staff') {
      if (!can.staff) return 'no';
    } else if (n === 'tenant') {
      if (!hasTenant) return can.staff ? 'pick-tenant' : 'no';
    } else if (!can[n]) return 'no';
  }
  return 'yes';
}

function NavGroup({ title, items }: { title?: string; items: NavItem[] }) {
  const { can, tenantId } = useSession();
  const { path } = useLocation();
  const shown = items.filter((i) => allowed(i.need, can!, tenantId !== null) === 'yes');
  if (!shown.length) return null;
  return (
    <div class="nav-group">
      {title && <p class="nav-title">{title}</p>}
      <ul>
        {shown.map((i) => {
          const current = path === i.href || path.startsWith(i.href + '/');
          return (
            <li>
              <a href={i.href} aria-current={current ? 'page' : undefined} class={current ? 'active' : ''}>
                {i.label}
              </a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function TenantSwitcher() {
  const { tenants, tenantId, selectTenant } = useSession();
  const { path, route } = useLocation();
  return (
    <label class="tenant-switcher">
      <span>Tenant</span>
      <select
        aria-label="Tenant"
        value={tenantId ?? ''}
        onChange={(e) => {
          const id = e.currentTarget.value || null;
          selectTenant(id);
          // A page of one tenant's data makes no sense for another.
          if (!id) route('/fleet');
          else if (path.startsWith('/records/') || path.startsWith('/sites/')) route('/dashboard');
        }}
      >
        <option value="">All tenants</option>
        {tenants.map((t) => (
          <option value={t.tenant_id}>{t.name}</option>
        ))}
      </select>
    </label>
  );
}

function Shell({ children }: { children: ComponentChildren }) {
  const { me, can, logout, tenantName } = useSession();
  const { route } = useLocation();
  return (
    <div class="shell">
      <a href="#main" class="skip">
        Skip to content
      </a>
      <header class="topbar">
        <a href="/" class="brand">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          ContractSync
        </a>
        {can!.staff ? <TenantSwitcher /> : <span class="tenant-name">{tenantName}</span>}
        <div class="who">
          <NotificationBell />
          <span>
            {me!.user.display_name || me!.user.email}
            <small>
              {can!.staff ? 'staff' : 'tenant'} {me!.user.role}
            </small>
          </span>
          <button
            type="button"
            onClick={async () => {
              await logout();
              route('/login');
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <nav class="sidebar" aria-label="Main">
        <NavGroup title="Operations" items={staffNav} />
        <NavGroup title={can!.staff ? (tenantName ?? undefined) : 'Data'} items={tenantNav} />
        <NavGroup title="Reconciliation" items={reconNav} />
        <NavGroup title="More" items={otherNav} />
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

function Redirect({ to }: { to: string }) {
  const { route } = useLocation();
  useEffect(() => route(to, true), [to]);
  return null;
}

function Guarded({ def, params }: { def: PageDef; params: Record<string, string> }) {
  const { can, tenantId } = useSession();
  const verdict = allowed(def.need, can!, tenantId !== null);
  if (verdict === 'no') {
    return (
      <Empty title="This page is not available to you">
        {can!.staff
          ? 'Your staff role does not include this page.'
          : 'This page is for ContractSync staff or for another role. Ask your administrator if you need it.'}{' '}
        <a href="/">Go to your start page</a>.
      </Empty>
    );
  }
  if (verdict === 'pick-tenant') {
    return (
      <Empty title="Choose a tenant">
        This page shows one tenant's data. Pick a tenant in the switcher at the top, or open <a href="/tenants">Tenants</a>.
      </Empty>
    );
  }
  const C = def.component;
  return <C {...params} />;
}

// One stable component per page, so a re-render of the shell keeps pages mounted.
const routed = pages.map((def) => ({
  path: def.path,
  component: (props: { params: Record<string, string> }) => <Guarded def={def} params={props.params} />,
}));

function Routes() {
  const s = useSession();
  const { path, url } = useLocation();
  if (s.status === 'loading') return <Loading what="Starting" />;
  if (s.status === 'anonymous') {
    if (path !== '/login') return <Redirect to={'/login' + (path !== '/' ? '?next=' + encodeURIComponent(url) : '')} />;
    return <LoginPage />;
  }
  const home = s.can!.staff && !s.tenantId ? '/fleet' : '/dashboard';
  return (
    <Shell>
      <Router>
        <Route path="/" component={() => <Redirect to={home} />} />
        <Route path="/login" component={() => <Redirect to={home} />} />
        {routed.map(({ path, component }) => (
          <Route path={path} component={component} />
        ))}
        <Route
          default
          component={() => (
            <Empty title="Page not found">
              There is no page at this address. <a href="/">Go to your start page</a>.
            </Empty>
          )}
        />
      </Router>
    </Shell>
  );
}

// Re-mount every page when staff switch tenants, so nothing shows stale data.
function Scoped() {
  const { tenantId } = useSession();
  return <Routes key={tenantId ?? 'all'} />;
}

export function App() {
  return (
    <LocationProvider>
      <SessionProvider>
        <Scoped />
      </SessionProvider>
    </LocationProvider>
  );
}

// The relay's REST API (docs/api.md): JSON in and out, problem+json errors,
// the session cookie plus X-CSRF-Token on mutations, X-Tenant-Id for staff
// working inside one tenant, cursor pages. Replies are parsed by parseJson:
// decimals keep their digits.
import { parseJson } from './exact_json';
import { humanizeFields } from './format';

export type Role = 'operator' | 'admin' | 'analyst' | 'viewer';
export type SiteState = 'ok' | 'lagging' | 'failing' | 'offline' | 'never_connected' | 'revoked';

export interface User {
  user_id: string;
  tenant_id: string | null;
  email: string;
  display_name: string;
  role: Role;
  kind: 'staff' | 'tenant';
  disabled: boolean;
  created_at: string;
  last_login_at: string | null;
}

export interface Me {
  user: User;
  role: Role;
  via: 'session' | 'token';
  csrf_token: string;
  scope_tenant_id: string | null;
  scope_tenant_name: string | null;
  release: string;
}

export interface Tenant {
  tenant_id: string;
  name: string;
  created_at: string;
  sites: number;
  users: number;
}

export interface LastRun {
  entity: string;
  status: string;
  finished_at: string | null;
  run_id?: string;
  error?: string | null;
}

export interface Site {
  site_id: string;
  tenant_id: string;
  tenant_name: string;
  name: string;
  state: SiteState;
  trouble_rank: number;
  online: boolean;
  revoked: boolean;
  created_at: string;
  connected_at: string | null;
  last_heartbeat_at: string | null;
  agent_version: string | null;
  host: string | null;
  os: string | null;
  outbox_depth: number | null;
  outbox_oldest_age_seconds: number | null;
  failing_entities: string[] | null;
  failed_rows: number;
  open_alerts: number;
  last_runs: LastRun[] | null;
}

export interface Connection {
  session_id: string;
  connected_at: string;
  disconnected_at: string | null;
  address: string | null;
  agent_version: string | null;
  host: string | null;
  relay_instance: string | null;
}

export interface SiteKey {
  key_id: string;
  prefix: string;
  created_at: string;
}

export interface SiteDetail extends Site {
  runs: Run[];
  connections: Connection[];
  alerts: Alert[];
  keys: SiteKey[];
}

export interface IssuedSite extends Site {
  site_key: string;
  key_id: string;
  key_prefix: string;
}

export type CommandName = 'sync_now' | 'full_resync' | 'retry_failed';

export interface Command {
  command_id: string;
  site_id: string;
  command: CommandName;
  entity: string | null;
  status: 'pending' | 'sent' | 'succeeded' | 'failed';
  created_at: string;
  sent_at: string | null;
  finished_at: string | null;
  message: string | null;
  run_id: string | null;
  issued_by: string | null;
  delivery?: string;
}

export interface Entity {
  entity: string;
  rows: number;
  deleted: number;
  last_changed_at: string;
  pending_children: number;
}

export interface RecordRow {
  bk_hash: string;
  parent_bk_hash: string | null;
  data: Record<string, unknown>;
  data_hash: string;
  rowversion: string | null;
  deleted: boolean;
  first_changed_at: string;
  last_changed_at: string;
  last_sequence: number;
}

export interface RecordDetail extends RecordRow {
  entity: string;
  history: RecordChange[];
}

export interface Run {
  run_id: string;
  entity: string;
  status: string;
  mode: string | null;
  source: string | null;
  started_at: string | null;
  finished_at: string | null;
  counts: Record<string, number> | null;
  durations: Record<string, number> | null;
  success_rate: number | null;
  error: string | null;
  note: string | null;
  received_at: string;
}

export interface FailedRow {
  entity: string;
  stream_id: string;
  row_id: string;
  run_id: string | null;
  stage: string | null;
  field: string | null;
  error: string | null;
  value: string | null;
  location: Record<string, unknown> | null;
  raw: string | null;
  raw_truncated: boolean;
  created_at: string | null;
  received_at: string;
}

export interface FleetSummary {
  sites: number;
  online: number;
  offline: number;
  never_connected: number;
  lagging: number;
  failing: number;
  ok: number;
  revoked: number;
  tenants: number;
  open_alerts: number;
  outbox_depth: number;
}

export interface AuditEntry {
  audit_id: number;
  tenant_id: string | null;
  actor_id: string | null;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  // What the object is called (a site's name, a user's e-mail), when it has a name.
  entity_name: string | null;
  tenant_name: string | null;
  before: unknown;
  after: unknown;
  address: string | null;
  user_agent: string | null;
  at: string;
}

export interface Alert {
  alert_id: string;
  tenant_id: string;
  site_id: string;
  site_name: string;
  kind: 'site_offline' | 'run_failing' | 'lag';
  subject: string;
  severity: string;
  message: string;
  details: unknown;
  opened_at: string;
  resolved_at: string | null;
  status: 'open' | 'resolved';
}

export interface Settings {
  tenant_id: string;
  offline_after_seconds: number;
  lag_alert_seconds: number;
  failing_runs_alert: number;
  alert_webhook_url: string | null;
  max_token_lifetime_days: number | null;
  // Read-only: whether deliveries are signed, and since when.
  webhook_signing?: boolean;
  webhook_secret_created_at?: string | null;
  webhook_previous_secret_until?: string | null;
  // Only in the reply that created the signing secret.
  webhook_secret?: string;
}

export interface ApiToken {
  token_id: string;
  name: string;
  prefix: string;
  user_id: string;
  email: string;
  tenant_id: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked: boolean;
  scopes: TokenScope[];
}

export type TokenScope = 'read' | 'recon:write' | 'admin';

export interface Throughput {
  site_id: string;
  hours: number;
  bucket_minutes: number;
  buckets: { start: string; change_sets: number; rows: number; rows_changed: number; runs: number; failed_runs: number }[];
}

export interface Heartbeats {
  site_id: string;
  hours: number;
  bucket_minutes: number;
  buckets: { start: string; beats: number; outbox_depth: number | null; outbox_oldest_seconds: number | null }[];
}

export interface Page<T> {
  items: T[];
  next_page_token: string | null;
  // Lists that count their matches (the exceptions): every page's items.
  total?: number;
}

// A refusal or failure, with the relay's explanation (`detail`) when it gave one.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail || title);
  }
}

// A form's own check that failed before the relay was asked; its message is
// worded for the person filling the form in.
export class FormError extends Error {}

let csrfToken = '';
let tenantScope: string | null = null;
let unauthorized: () => void = () => {};

export function setCsrfToken(token: string) {
  csrfToken = token;
}
// Staff: the tenant every later request acts inside (null: all tenants).
export function setTenantScope(tenant: string | null) {
  tenantScope = tenant;
}
export function onUnauthorized(handler: () => void) {
  unauthorized = handler;
}

function headers(method: string, json: boolean): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json' };
  if (json) h['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) h['X-CSRF-Token'] = csrfToken;
  if (tenantScope) h['X-Tenant-Id'] = tenantScope;
  return h;
}

async function failure(res: Response): Promise<ApiError> {
  let title = res.statusText;
  let detail = '';
  try {
    const body = parseJson(await res.text()) as { title?: string; detail?: string; error?: string };
    title = body.title ?? title;
    detail = body.detail ?? body.error ?? '';
  } catch {
    // not JSON: keep the status text
  }
  return new ApiError(res.status, title, detail);
}

export async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch('/api/v1' + path, {
      method,
      headers: headers(method, body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'Network error', 'The relay could not be reached. Check your connection and try again.');
  }
  if (res.status === 401 && path !== '/auth/login') {
    unauthorized();
  }
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return undefined as T;
  return parseJson(await res.text()) as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, undefined, signal);
export const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, body);
export const del = <T>(path: string) => request<T>('DELETE', path);

// GETs a file (an export) with the session's headers, X-Tenant-Id included,
// which a plain link could not send, and hands it to the browser as a
// download named `filename`.
export async function download(path: string, filename: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch('/api/v1' + path, { headers: { ...headers('GET', false), Accept: '*/*' }, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'Network error', 'The relay could not be reached. Check your connection and try again.');
  }
  if (res.status === 401) unauthorized();
  if (!res.ok) throw await failure(res);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// POSTs a file as the raw request body, reporting upload progress (fetch has
// no upload progress events, XMLHttpRequest does). The browser streams the
// file from disk with its Content-Length; it is never read into memory here.
// A refusal the relay sends before the body is through (401, 403, 413) is
// shown as the relay worded it.
export async function upload<T>(path: string, file: File, onProgress: (sent: number, total: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1' + path);
    for (const [k, v] of Object.entries(headers('POST', false))) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, 'Network error', 'The upload was interrupted. Try again.'));
    xhr.onload = () => {
      let body: any = null;
      try {
        body = parseJson(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else {
        if (xhr.status === 401) unauthorized();
        reject(new ApiError(xhr.status, body?.title ?? xhr.statusText, body?.detail ?? body?.error ?? ''));
      }
    };
    xhr.send(file);
  });
}

// "?a=1&b=x" from the defined, non-empty values.
export function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  }
  const s = p.toString();
  return s ? '?' + s : '';
}

// A refusal or failure as a headline and an explanation: the headline says
// what kind of trouble it is, the text what the relay said, with its field
// names in the words of the forms.
export function errorParts(e: unknown): { headline: string; text: string } {
  if (e instanceof ApiError) {
    const said = humanizeFields(e.detail || e.title || '');
    if (e.status === 0) return { headline: 'No connection to the relay.', text: said };
    if (e.status === 401) return { headline: 'Signed out.', text: said || 'Sign in again.' };
    if (e.status === 403) return { headline: 'Your role does not allow this.', text: said };
    if (e.status === 404) return { headline: 'Not found.', text: said };
    if (e.status === 409) return { headline: 'This conflicts with what is there.', text: said };
    if (e.status === 413) return { headline: 'Too large.', text: said };
    if (e.status === 429) return { headline: 'Too many attempts.', text: said || 'Wait a few minutes and try again.' };
    if (e.status >= 500) return { headline: `The relay failed to answer (${e.status}).`, text: e.status === 503 && said ? said : 'Try again in a moment.' };
    return { headline: 'Not accepted.', text: said };
  }
  if (e instanceof FormError) return { headline: 'Check the form.', text: e.message };
  return { headline: 'The page failed.', text: e instanceof Error ? e.message : String(e) };
}

export function errorText(e: unknown): string {
  const { headline, text } = errorParts(e);
  return text ? `${headline} ${text}` : headline;
}

// Notifications: what the header's bell counts (docs/api.md, "Notifications").
export interface AppNotification {
  notification_id: number;
  tenant_id: string;
  tenant_name: string;
  kind: 'site_offline' | 'run_failing' | 'lag' | 'exceptions_high';
  severity: string;
  site_id: string | null;
  alert_id: string | null;
  title: string;
  message: string;
  link: string;
  created_at: string;
  read: boolean;
  read_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by_name: string | null;
}

export interface UnreadCount {
  unread: number;
  capped: boolean;
}

export interface NotificationPreferences {
  email: boolean | null;
  email_effective: boolean;
  address: string;
}

export interface WebhookTestResult {
  delivery_id: number;
  delivered: boolean;
  error: string | null;
}

// An alert's acknowledgement, beside its other fields (Alert).
export interface AlertAck {
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  acknowledged_by_name: string | null;
}

// A record list page (docs/api.md, "Records"): where it starts in the view,
// cursors both ways, the view's count (an estimate when total_exact is
// false), and the entity's field names.
export interface RecordPage extends Omit<Page<RecordRow>, 'total'> {
  prev_page_token: string | null;
  position: number | null;
  total: number | null;
  total_exact: boolean;
  fields: string[];
  sort: string;
  order: 'asc' | 'desc';
}

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

// One change_log row of a record; `changes` for updates (null when the log
// did not keep the data an update replaced).
export interface RecordChange {
  op: 'insert' | 'update' | 'delete';
  sequence: number;
  stream_id: string;
  data_hash: string | null;
  changed_at: string;
  changes: FieldChange[] | null;
}

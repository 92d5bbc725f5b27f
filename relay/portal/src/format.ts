// Numbers, times and durations as people read them.
import { ExactNumber } from './exact_json';

// Times are shown in the browser's time zone, with the zone named ("Dec 7,
// 2026, 3:05 PM UTC"), so a reader in another office knows which clock it is.
const dateTime = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });

// The browser's time zone as people read it: "Europe/Berlin (CET)".
export function localZone(): string {
  const id = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const short = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value;
  return short && short !== id ? `${id} (${short})` : id;
}
const number = new Intl.NumberFormat();

export function fmtNumber(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : number.format(n);
}

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d.getTime()) ? iso : dateTime.format(d);
}

// Axis labels for times across a window: the time of day, with the day in
// front of the first label and wherever the day changes ("Dec 6, 22:00",
// "23:00", "Dec 7, 00:00"), so a 24-hour chart never leaves the day to guess.
const axisDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const axisTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
export function axisLabels(times: (Date | number | string)[]): string[] {
  let day = '';
  return times.map((t) => {
    const d = new Date(t);
    const today = axisDay.format(d);
    const label = today === day ? axisTime.format(d) : `${today}, ${axisTime.format(d)}`;
    day = today;
    return label;
  });
}

// "45 s", "12 min", "3 h 5 min", "2 d 4 h".
export function fmtSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

export function ageSeconds(iso: string | null | undefined, now = Date.now()): number | null {
  if (!iso) return null;
  const t = new Date(iso).getTime();
  return isNaN(t) ? null : (now - t) / 1000;
}

// "3 min ago" (or "—").
export function fmtAgo(iso: string | null | undefined, now = Date.now()): string {
  const s = ageSeconds(iso, now);
  if (s === null) return '—';
  if (s < 5) return 'just now';
  return fmtSeconds(s) + ' ago';
}

export function fmtDuration(startIso: string | null, endIso: string | null): string {
  if (!startIso || !endIso) return '—';
  const ms = new Date(endIso).getTime() - new Date(startIso).getTime();
  if (!isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  return fmtSeconds(ms / 1000);
}

export function fmtPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)} %`;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function fmtValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (v instanceof ExactNumber) return v.text;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// Ids are UUIDv7: the first digits are a timestamp shared by ids made close
// together, the last ones random, so those tell ids apart.
export function shortId(id: string | null | undefined): string {
  return id ? '…' + id.slice(-8) : '—';
}

export const stateLabels: Record<string, string> = {
  ok: 'Online',
  lagging: 'Lagging',
  failing: 'Failing',
  offline: 'Offline',
  never_connected: 'Waiting for first connection',
  revoked: 'Revoked',
};

export const commandLabels: Record<string, string> = {
  sync_now: 'Sync now',
  full_resync: 'Full resync',
  retry_failed: 'Retry failed rows',
};

// The names people see for the API's field names, where a refusal of the
// relay quotes one ("'lag_alert_seconds' must be ..."). Other quoted names
// stay as they are: they are often what the person typed (a record's field).
const fieldLabels: Record<string, string> = {
  offline_after_seconds: 'Site is offline after',
  lag_alert_seconds: 'Outbox lags after',
  failing_runs_alert: 'Failed runs in a row',
  alert_webhook_url: 'Alert webhook URL',
  max_token_lifetime_days: 'Longest API token lifetime',
  display_name: 'Name',
  email: 'E-mail',
  password: 'Password',
  role: 'Role',
  scopes: 'Scopes',
  expires_in_days: 'Expires in (days)',
  settle_seconds: 'Wait after new data before running',
  valid_until: 'Valid until',
};

export function humanizeFields(text: string): string {
  return text.replace(/'([a-z][a-z0-9]*(?:_[a-z0-9]+)*)'/g, (whole, name: string) => {
    const label = Object.prototype.hasOwnProperty.call(fieldLabels, name) ? fieldLabels[name] : undefined;
    return label ? `“${label}”` : whole;
  });
}

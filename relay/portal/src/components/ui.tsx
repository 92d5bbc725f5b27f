// Small building blocks shared by every page.
import { ComponentChildren, JSX } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { errorParts, errorText, FormError } from '../api';
import type { Paged } from '../hooks';
import { stateLabels } from '../format';

export function StatusBadge({ state }: { state: string }) {
  return (
    <span class={`badge badge-${state}`} data-state={state}>
      {stateLabels[state] ?? state.replace(/_/g, ' ')}
    </span>
  );
}

// A run's, command's or exception's status as a coloured word.
export function Pill({ value, tone }: { value: string; tone?: string }) {
  const t =
    tone ??
    ({
      succeeded: 'good',
      ok: 'good',
      resolved: 'good',
      approved: 'good',
      accepted: 'good',
      completed: 'good',
      failed: 'bad',
      rejected: 'bad',
      high: 'bad',
      open: 'warn',
      pending: 'info',
      sent: 'info',
      running: 'info',
      suggested: 'info',
      partial: 'warn',
      medium: 'warn',
      overridden: 'muted',
      superseded: 'muted',
      low: 'muted',
    } as Record<string, string>)[value] ??
    'muted';
  return <span class={`pill pill-${t}`}>{value.replace(/_/g, ' ')}</span>;
}

export function PageHeader({ title, children, subtitle }: { title: string; subtitle?: ComponentChildren; children?: ComponentChildren }) {
  return (
    <header class="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p class="subtitle">{subtitle}</p>}
      </div>
      {children && <div class="actions">{children}</div>}
    </header>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  if (!error) return null;
  const { headline, text } = errorParts(error);
  return (
    <div class="error-box" role="alert">
      <strong>{headline}</strong> {text}
      {retry && (
        <button type="button" class="link" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{title}</p>
      {children && <p>{children}</p>}
    </div>
  );
}

export function Notice({ tone = 'info', children }: { tone?: 'info' | 'good' | 'warn' | 'bad'; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${tone}`} role="status">
      {children}
    </div>
  );
}

export function LoadMore({ hasMore, loading, more }: { hasMore: boolean; loading: boolean; more: () => void }) {
  if (!hasMore) return null;
  return (
    <div class="load-more">
      <button type="button" onClick={more} disabled={loading}>
        {loading ? 'Loading…' : 'Show more'}
      </button>
    </div>
  );
}

// A paged list with its states: the error (with a retry), a spinner until the
// first page, `empty` when there is nothing, else the rows and "Show more".
export function PagedView<T>({ list, loading, empty, children }: { list: Paged<T>; loading?: string; empty: ComponentChildren; children: ComponentChildren }) {
  return (
    <>
      <ErrorBox error={list.error} retry={list.reload} />
      {list.loading && !list.items.length ? <Loading what={loading} /> : !list.items.length ? empty : children}
      <LoadMore hasMore={list.hasMore} loading={list.loading} more={list.more} />
    </>
  );
}

export function Stat({ label, value, tone, href }: { label: string; value: ComponentChildren; tone?: string; href?: string }) {
  const body = (
    <>
      <span class="stat-value">{value}</span>
      <span class="stat-label">{label}</span>
    </>
  );
  return href ? (
    <a class={`stat stat-${tone ?? 'plain'}`} href={href}>
      {body}
    </a>
  ) : (
    <div class={`stat stat-${tone ?? 'plain'}`}>{body}</div>
  );
}

export function Section({ title, children, actions, id }: { title: string; children: ComponentChildren; actions?: ComponentChildren; id?: string }) {
  return (
    <section class="card" aria-labelledby={id}>
      <div class="card-head">
        <h2 id={id}>{title}</h2>
        {actions && <div class="actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

// A native <dialog>: modal, focus kept inside, Escape closes. When it closes
// (or goes away with its page state), focus goes back to what opened it, so
// a keyboard user is where they were in the list; `returnFocus` finds the
// place again when that element was re-rendered meanwhile.
export function Dialog({
  title,
  open,
  onClose,
  children,
  drawer = false,
  wide = false,
  returnFocus,
}: {
  title: string;
  open: boolean;
  onClose: () => void;
  children: ComponentChildren;
  drawer?: boolean;
  wide?: boolean;
  returnFocus?: () => HTMLElement | null;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  // What had focus when the dialog opened; undefined while it is not open.
  const opener = useRef<HTMLElement | null | undefined>(undefined);
  const refocus = useRef(returnFocus);
  refocus.current = returnFocus;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      d.showModal();
    }
    if (!open && d.open) d.close();
    if (!open) restoreFocus(opener, refocus.current);
  }, [open]);
  useEffect(() => () => restoreFocus(opener, refocus.current), []);
  return (
    <dialog
      ref={ref}
      class={drawer ? 'drawer' : wide ? 'modal modal-wide' : 'modal'}
      aria-label={title}
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {open && (
        <div class="dialog-body">
          <div class="dialog-head">
            <h2>{title}</h2>
            <button type="button" class="icon" aria-label="Close" onClick={onClose}>
              ×
            </button>
          </div>
          {children}
        </div>
      )}
    </dialog>
  );
}

// Only for a dialog that was open: a dialog first rendered closed, or closed
// twice (by `open` and then by unmounting), moves no focus.
function restoreFocus(opener: { current: HTMLElement | null | undefined }, find?: () => HTMLElement | null) {
  if (opener.current === undefined) return;
  const before = opener.current;
  opener.current = undefined;
  // After the render that closed the dialog, when the list is in place.
  window.setTimeout(() => {
    const target = before && before.isConnected ? before : (find?.() ?? null);
    target?.focus();
  }, 0);
}

// A secret the relay returns once (site key, API token): shown with a copy
// button and a plain warning; never stored by the page.
export function SecretReveal({ label, secret, note }: { label: string; secret: string; note: string }) {
  return (
    <div class="secret">
      <p class="notice notice-warn">{note}</p>
      <label class="field">
        <span>{label}</span>
        <input type="text" readOnly value={secret} class="mono" onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} data-secret />
      </label>
      <CopyButton text={secret} label="Copy to clipboard" />
    </div>
  );
}

// Copies `text` to the clipboard and says so.
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      onClick={() =>
        navigator.clipboard?.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
    >
      {copied ? 'Copied' : label}
    </button>
  );
}

export function Field({ label, hint, children }: { label: string; hint?: string; children: ComponentChildren }) {
  return (
    <label class="field">
      <span>{label}</span>
      {children}
      {hint && <small>{hint}</small>}
    </label>
  );
}

// A button that runs an async action, shows that it is busy, and reports a
// failure beside itself. With `confirm`, it asks first in a dialog.
export function ActionButton({
  onClick,
  children,
  confirm,
  confirmLabel = 'Confirm',
  kind = 'secondary',
  disabled,
  disabledReason,
  label,
}: {
  onClick: () => Promise<unknown>;
  children: ComponentChildren;
  confirm?: string;
  confirmLabel?: string;
  kind?: 'primary' | 'secondary' | 'danger';
  disabled?: boolean;
  // Why the button cannot be used now, shown beside it ("Type a name first");
  // a reason disables the button.
  disabledReason?: string | null;
  label?: string;
}) {
  const whyId = useId();
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setAsking(false);
    setBusy(true);
    setError(null);
    try {
      await onClick();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      <button
        type="button"
        class={kind}
        onClick={() => (confirm ? setAsking(true) : run())}
        disabled={busy || disabled || !!disabledReason}
        aria-busy={busy}
        aria-label={label}
        aria-describedby={disabledReason ? whyId : undefined}
      >
        {busy ? 'Working…' : children}
      </button>
      <WhyDisabled id={whyId} why={busy ? null : disabledReason} />
      {error ? (
        <span class="inline-error" role="alert">
          {errorText(error)}
        </span>
      ) : null}
      {confirm && (
        <Dialog title="Please confirm" open={asking} onClose={() => setAsking(false)}>
          <p>{confirm}</p>
          <div class="form-actions">
            <button type="button" onClick={() => setAsking(false)}>
              Cancel
            </button>
            <button type="button" class={kind === 'danger' ? 'danger' : 'primary'} onClick={run}>
              {confirmLabel}
            </button>
          </div>
        </Dialog>
      )}
    </span>
  );
}

export function Tabs({ tabs, current }: { tabs: { href: string; label: string; id: string }[]; current: string }) {
  return (
    <nav class="tabs" aria-label="Sections">
      {tabs.map((t) => (
        <a href={t.href} aria-current={t.id === current ? 'page' : undefined} class={t.id === current ? 'active' : ''}>
          {t.label}
        </a>
      ))}
    </nav>
  );
}

export function Progress({ value, max, label }: { value: number; max: number; label: string }) {
  const pct = max > 0 ? Math.min(100, Math.round((value / max) * 100)) : 0;
  return (
    <div class="progress-wrap">
      <progress value={value} max={max || 1} aria-label={label} />
      <span>{pct} %</span>
    </div>
  );
}

export function KeyValues({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="kv">
      {rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}

export type Sel = JSX.TargetedEvent<HTMLSelectElement, Event>;
export type Inp = JSX.TargetedEvent<HTMLInputElement, Event>;
export const val = (e: Sel | Inp) => e.currentTarget.value;

// A text filter applied on Enter or when it loses focus. What is being typed
// stays in the field's own state, so a polling page that re-renders (or a
// reply that changes the filters) cannot put back the old text mid-typing.
export function FilterInput({
  value,
  onCommit,
  ...rest
}: { value: string; onCommit: (text: string) => void } & Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onInput' | 'onChange'>) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return <input {...rest} value={draft} onInput={(e: Inp) => setDraft(val(e))} onChange={(e: Inp) => onCommit(val(e))} />;
}

// A duration the relay keeps in seconds, typed in minutes ("0.5", "5", "90").
export function MinutesInput({ seconds, onSeconds, minSeconds = 0, disabled }: { seconds: number; onSeconds: (seconds: number) => void; minSeconds?: number; disabled?: boolean }) {
  const [text, setText] = useState(minutesText(seconds));
  useEffect(() => {
    if (Math.round(Number(text) * 60) !== seconds) setText(minutesText(seconds));
  }, [seconds]);
  return (
    <input
      type="number"
      min={minSeconds / 60}
      step="any"
      inputMode="decimal"
      value={text}
      disabled={disabled}
      onInput={(e: Inp) => {
        setText(val(e));
        const m = Number(val(e));
        if (val(e).trim() && isFinite(m)) onSeconds(Math.round(m * 60));
      }}
    />
  );
}

function minutesText(seconds: number): string {
  return String(Math.round((seconds / 60) * 100) / 100);
}

// Refuses a duration below its minimum in the words of the form, before the
// relay is asked ("“Site is offline after” must be at least 0.5 minutes").
export function checkMinutes(label: string, seconds: number, minSeconds: number, maxSeconds?: number) {
  if (!isFinite(seconds) || seconds < minSeconds) throw new FormError(`“${label}” must be at least ${minSeconds / 60} minutes.`);
  if (maxSeconds !== undefined && seconds > maxSeconds) throw new FormError(`“${label}” must be at most ${maxSeconds / 60} minutes.`);
}

// The reason beside a disabled button; give the button aria-describedby={id}.
export function WhyDisabled({ id, why }: { id: string; why: string | null | undefined }) {
  return why ? (
    <span class="why-disabled" id={id}>
      {why}
    </span>
  ) : null;
}

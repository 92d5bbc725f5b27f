// Settings: your API tokens; for administrators the users and roles, the
// alert thresholds and webhook, and the reconciliation tolerance policy.
import { useEffect, useState } from 'preact/hooks';
import { ApiToken, del, errorText, IssuedSite, patch, post, Settings, TokenScope, User } from '../api';
import { ActionButton, checkMinutes, Dialog, Empty, ErrorBox, Field, Loading, MinutesInput, Notice, PagedView, PageHeader, Pill, SecretReveal, Tabs } from '../components/ui';
import { fmtAgo, fmtDateTime } from '../format';
import { useApi, usePaged } from '../hooks';
import { useSession } from '../session';
import { WebhookTestButton } from '../components/webhook_test';
import { TolerancePolicy } from './recon_policy';

function randomPassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

const TOKEN_SCOPES: [TokenScope, string][] = [
  ['read', 'read (every list and page)'],
  ['recon:write', 'recon:write (runs, uploads, exception and mapping decisions)'],
  ['admin', 'admin (sites, users, settings, commands)'],
];

function TokensTab() {
  const { me } = useSession();
  const list = usePaged<ApiToken>('/tokens', 100);
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [scopes, setScopes] = useState<TokenScope[]>(['read']);
  const [issued, setIssued] = useState<string | null>(null);
  const toggleScope = (s: TokenScope) => setScopes(scopes.includes(s) ? scopes.filter((x) => x !== s) : [...scopes, s]);
  return (
    <>
      <section class="card">
        <h2>New API token</h2>
        <p class="muted">A token acts as you, for scripts and integrations: send it as <code>Authorization: Bearer …</code>. It can do no more than your role allows, and only what its scopes allow.</p>
        <div class="form-row">
          <Field label="Name">
            <input type="text" value={name} maxLength={200} placeholder="e.g. nightly export" onInput={(e) => setName(e.currentTarget.value)} />
          </Field>
          <Field label="Expires after (days)" hint="Every token expires; your tenant sets the longest lifetime">
            <input type="number" min={1} max={3650} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
          </Field>
          <fieldset class="scopes">
            <legend>Scopes</legend>
            {TOKEN_SCOPES.map(([s, label]) => (
              <label>
                <input type="checkbox" checked={scopes.includes(s)} onChange={() => toggleScope(s)} /> {label}
              </label>
            ))}
          </fieldset>
          <ActionButton
            kind="primary"
            disabledReason={!name.trim() ? 'Name the token first.' : scopes.length === 0 ? 'Pick at least one scope.' : null}
            onClick={async () => {
              const body: Record<string, unknown> = { name: name.trim(), scopes };
              if (days) body.expires_in_days = Number(days);
              const r = await post<{ token: string }>('/tokens', body);
              setIssued(r.token);
              setName('');
              list.reload();
            }}
          >
            Create token
          </ActionButton>
        </div>
      </section>
      <PagedView list={list} empty={<Empty title="No API tokens">Create one above when a script needs to call ContractSync.</Empty>}>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Owner</th>
                <th scope="col">Created</th>
                <th scope="col">Scopes</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((t) => (
                <tr>
                  <td>{t.name}</td>
                  <td>
                    <code>{t.prefix}</code>
                  </td>
                  <td>{t.user_id === me!.user.user_id ? 'you' : t.email}</td>
                  <td>{fmtDateTime(t.created_at)}</td>
                  <td>{(t.scopes ?? []).join(', ')}</td>
                  <td>{t.expires_at ? fmtDateTime(t.expires_at) : 'never'}</td>
                  <td>{fmtAgo(t.last_used_at)}</td>
                  <td>
                    {t.revoked ? (
                      <Pill value="revoked" tone="muted" />
                    ) : (
                      <ActionButton
                        kind="danger"
                        confirm={`Revoke the token "${t.name}"? Scripts using it stop working at once.`}
                        confirmLabel="Revoke"
                        onClick={async () => {
                          await del(`/tokens/${t.token_id}`);
                          list.reload();
                        }}
                      >
                        Revoke
                      </ActionButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </PagedView>
      <Dialog title="API token created" open={issued !== null} onClose={() => setIssued(null)}>
        {issued && <SecretReveal label="API token" secret={issued} note="Copy the token now: it is shown only once and ContractSync keeps only a hash of it." />}
      </Dialog>
    </>
  );
}

function UserRow({ u, roles, reload, canEdit }: { u: User; roles: string[]; reload: () => void; canEdit: boolean }) {
  const { me } = useSession();
  const self = u.user_id === me!.user.user_id;
  const [error, setError] = useState<string | null>(null);
  const [reset, setReset] = useState<string | null>(null);
  const change = async (body: Record<string, unknown>) => {
    setError(null);
    try {
      await patch(`/users/${u.user_id}`, body);
      reload();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <tr data-user={u.email}>
      <td>
        {u.email}
        {u.display_name && <div class="muted small">{u.display_name}</div>}
      </td>
      <td>
        {canEdit && !self ? (
          <select aria-label={`Role of ${u.email}`} value={u.role} onChange={(e) => change({ role: e.currentTarget.value })}>
            {roles.map((r) => (
              <option value={r}>{r}</option>
            ))}
          </select>
        ) : (
          u.role
        )}
        {error && (
          <div class="inline-error" role="alert">
            {error}
          </div>
        )}
      </td>
      <td>{u.kind}</td>
      <td>{u.disabled ? <Pill value="disabled" tone="bad" /> : <Pill value="active" tone="good" />}</td>
      <td>{fmtAgo(u.last_login_at)}</td>
      <td class="row-actions">
        {canEdit && !self && (
          <>
            <button type="button" onClick={() => change({ disabled: !u.disabled })}>
              {u.disabled ? 'Enable' : 'Disable'}
            </button>
            <ActionButton
              confirm={`Set a new password for ${u.email}? Their sessions end at once.`}
              confirmLabel="Set new password"
              onClick={async () => {
                const pw = randomPassword();
                await patch(`/users/${u.user_id}`, { password: pw });
                setReset(pw);
              }}
            >
              New password
            </ActionButton>
            <ActionButton
              kind="danger"
              confirm={`Delete ${u.email}? Their sessions and API tokens end; the audit log keeps their past actions.`}
              confirmLabel="Delete user"
              onClick={async () => {
                await del(`/users/${u.user_id}`);
                reload();
              }}
            >
              Delete
            </ActionButton>
          </>
        )}
        <Dialog title="New password" open={reset !== null} onClose={() => setReset(null)}>
          {reset && <SecretReveal label={`Password for ${u.email}`} secret={reset} note="Give this password to the user over a safe channel. It is shown only once." />}
        </Dialog>
      </td>
    </tr>
  );
}

function UsersTab() {
  const { can, tenantId } = useSession();
  const list = usePaged<User>('/users', 100);
  const staffUsers = can!.staff && !tenantId;
  const roles = staffUsers ? ['operator', 'admin'] : ['viewer', 'analyst', 'admin'];
  const canEdit = can!.staffAdmin || can!.tenantAdmin;
  const [adding, setAdding] = useState(false);
  const [form, setForm] = useState({ email: '', display_name: '', role: roles[0], password: '' });
  useEffect(() => setForm((f) => ({ ...f, role: roles[0] })), [staffUsers]);
  return (
    <>
      <div class="toolbar">
        <p class="muted">
          {staffUsers ? 'Every user of every tenant, and the staff. New users here are staff; pick a tenant to add its users.' : 'Who can sign in for this tenant, and with which role.'}{' '}
          Viewers read; analysts also send commands and work reconciliation; admins also manage users, sites and settings.
        </p>
        {canEdit && (
          <button type="button" class="primary" onClick={() => setAdding(true)}>
            Add user
          </button>
        )}
      </div>
      <PagedView list={list} empty={<Empty title="No users" />}>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Kind</th>
                <th scope="col">State</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((u) => (
                <UserRow u={u} roles={u.kind === 'staff' ? ['operator', 'admin'] : ['viewer', 'analyst', 'admin']} reload={list.reload} canEdit={canEdit} />
              ))}
            </tbody>
          </table>
        </div>
      </PagedView>
      <Dialog title={staffUsers ? 'Add staff user' : 'Add user'} open={adding} onClose={() => setAdding(false)}>
        <Field label="E-mail">
          <input type="email" value={form.email} onInput={(e) => setForm({ ...form, email: e.currentTarget.value })} />
        </Field>
        <Field label="Name">
          <input type="text" value={form.display_name} onInput={(e) => setForm({ ...form, display_name: e.currentTarget.value })} />
        </Field>
        <Field label="Role">
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value })}>
            {roles.map((r) => (
              <option value={r}>{r}</option>
            ))}
          </select>
        </Field>
        <Field label="Initial password" hint="12 characters or more. Give it to the user over a safe channel.">
          <div class="input-with-button">
            <input type="text" class="mono" value={form.password} autoComplete="new-password" onInput={(e) => setForm({ ...form, password: e.currentTarget.value })} />
            <button type="button" onClick={() => setForm({ ...form, password: randomPassword() })}>
              Generate
            </button>
          </div>
        </Field>
        <div class="form-actions">
          <button type="button" onClick={() => setAdding(false)}>
            Cancel
          </button>
          <ActionButton
            kind="primary"
            disabledReason={!form.email.trim() ? 'Type the e-mail address first.' : form.password.length < 12 ? 'The password needs at least 12 characters.' : null}
            onClick={async () => {
              const body: Record<string, unknown> = { email: form.email.trim(), role: form.role, password: form.password };
              if (form.display_name.trim()) body.display_name = form.display_name.trim();
              await post<IssuedSite>('/users', body);
              setAdding(false);
              setForm({ email: '', display_name: '', role: roles[0], password: '' });
              list.reload();
            }}
          >
            Add user
          </ActionButton>
        </div>
      </Dialog>
    </>
  );
}

function AlertSettingsTab() {
  const { can } = useSession();
  const s = useApi<Settings>('/settings');
  const [draft, setDraft] = useState<Settings | null>(null);
  const [saved, setSaved] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  useEffect(() => {
    if (s.data) setDraft(s.data);
  }, [s.data]);
  if (s.error) return <ErrorBox error={s.error} retry={s.reload} />;
  if (!draft) return <Loading />;
  const edit = can!.editSettings;
  const seconds = (k: 'offline_after_seconds' | 'lag_alert_seconds') => (v: number) => {
    setSaved(false);
    setDraft({ ...draft, [k]: v });
  };
  const num = (k: keyof Settings) => (e: Event) => {
    setSaved(false);
    setDraft({ ...draft, [k]: Number((e.currentTarget as HTMLInputElement).value) });
  };
  return (
    <form
      class="card form"
      onSubmit={(e) => e.preventDefault()}
      aria-label="Alert settings"
    >
      <h2>Alerts</h2>
      <p class="muted">When to raise an alert, and where to send it. Each alert is sent once when it opens and once when it resolves.</p>
      <div class="form-grid">
        <Field label="A site is offline after (minutes)" hint="Without a heartbeat; at least 0.5.">
          <MinutesInput seconds={draft.offline_after_seconds} minSeconds={30} disabled={!edit} onSeconds={seconds('offline_after_seconds')} />
        </Field>
        <Field label="An outbox lags after (minutes)" hint="Age of the oldest change not yet sent; at least 1.">
          <MinutesInput seconds={draft.lag_alert_seconds} minSeconds={60} disabled={!edit} onSeconds={seconds('lag_alert_seconds')} />
        </Field>
        <Field label="Failed runs in a row before an alert" hint="1 to 100.">
          <input type="number" min={1} max={100} value={draft.failing_runs_alert} disabled={!edit} onInput={num('failing_runs_alert')} />
        </Field>
        <Field label="Alert webhook URL" hint="HTTPS URL that receives a JSON POST per alert; empty for none.">
          <input
            type="url"
            value={draft.alert_webhook_url ?? ''}
            disabled={!edit}
            placeholder="https://hooks.example.com/contractsync"
            onInput={(e) => {
              setSaved(false);
              setDraft({ ...draft, alert_webhook_url: e.currentTarget.value || null });
            }}
          />
        </Field>
        <div class="field" data-testid="webhook-signing">
          <span>Webhook signature</span>
          {s.data?.webhook_signing ? (
            <p class="small">
              Every delivery carries <code>ContractSync-Signature</code>, an HMAC-SHA256 of the time and the body with your signing secret (created {fmtDateTime(s.data.webhook_secret_created_at ?? null)}).
              {s.data.webhook_previous_secret_until && <> The previous secret also signs until {fmtDateTime(s.data.webhook_previous_secret_until)}.</>}
            </p>
          ) : (
            <p class="small muted">{s.data?.alert_webhook_url ? 'Deliveries are not signed yet: replace the signing secret to start.' : 'Setting a webhook URL creates its signing secret, shown once.'}</p>
          )}
          {edit && s.data?.alert_webhook_url && (
            <ActionButton
              confirm="Create a new signing secret? The current one keeps signing for 24 hours, so your receiver can switch without missing an alert."
              confirmLabel="Replace secret"
              onClick={async () => {
                const r = await post<Settings>('/settings/webhook-secret', {});
                if (r.webhook_secret) setSecret(r.webhook_secret);
                s.reload();
              }}
            >
              Replace signing secret
            </ActionButton>
          )}
          {edit && s.data?.alert_webhook_url && <WebhookTestButton />}
        </div>
        <Field label="Longest API token lifetime (days)" hint="1 to 3650; empty: the relay's limit (365 unless set otherwise).">
          <input
            type="number"
            min={1}
            max={3650}
            value={draft.max_token_lifetime_days ?? ''}
            disabled={!edit}
            onInput={(e) => {
              setSaved(false);
              const v = e.currentTarget.value;
              setDraft({ ...draft, max_token_lifetime_days: v ? Number(v) : null });
            }}
          />
        </Field>
      </div>
      {edit ? (
        <div class="form-actions">
          {saved && <Notice tone="good">Saved.</Notice>}
          <ActionButton
            kind="primary"
            onClick={async () => {
              const { offline_after_seconds, lag_alert_seconds, failing_runs_alert, alert_webhook_url, max_token_lifetime_days } = draft;
              checkMinutes('A site is offline after', offline_after_seconds, 30, 30 * 86400);
              checkMinutes('An outbox lags after', lag_alert_seconds, 60, 30 * 86400);
              const r = await patch<Settings>('/settings', { offline_after_seconds, lag_alert_seconds, failing_runs_alert, alert_webhook_url, max_token_lifetime_days });
              if (r.webhook_secret) setSecret(r.webhook_secret);
              setSaved(true);
              s.reload();
            }}
          >
            Save
          </ActionButton>
        </div>
      ) : (
        <p class="muted small">Only administrators change these.</p>
      )}
      <Dialog title="Webhook signing secret" open={secret !== null} onClose={() => setSecret(null)}>
        {secret && <SecretReveal label="Signing secret" secret={secret} note={'Copy the secret into your webhook receiver now: it is shown only once. Verify the ContractSync-Signature header of each delivery with it (docs/relay.md, "Webhook signatures").'} />}
      </Dialog>
    </form>
  );
}

export function SettingsPage({ tab }: { tab?: string }) {
  const { can, tenantId } = useSession();
  const tabs = [{ id: 'tokens', label: 'API tokens', href: '/settings/tokens' }];
  if (can!.users) tabs.push({ id: 'users', label: 'Users and roles', href: '/settings/users' });
  if (tenantId && (can!.staff || can!.tenantAdmin)) {
    tabs.push({ id: 'alerts', label: 'Alerts', href: '/settings/alerts' });
    tabs.push({ id: 'tolerance', label: 'Tolerance policy', href: '/settings/tolerance' });
  }
  const current = tabs.find((t) => t.id === tab)?.id ?? tabs[0].id;
  return (
    <>
      <PageHeader title="Settings" />
      <Tabs tabs={tabs} current={current} />
      {current === 'tokens' && <TokensTab />}
      {current === 'users' && <UsersTab />}
      {current === 'alerts' && <AlertSettingsTab />}
      {current === 'tolerance' && <TolerancePolicy />}
    </>
  );
}

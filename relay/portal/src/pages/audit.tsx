// The audit log: every change, who made it, from where, before and after.
import { useState } from 'preact/hooks';
import { AuditEntry, qs } from '../api';
import { Empty, FilterInput, PagedView, PageHeader, Pill } from '../components/ui';
import { fmtDateTime, shortId } from '../format';
import { usePaged, useQueryFilters } from '../hooks';
import { useSession } from '../session';

function toIso(local: string): string {
  if (!local) return '';
  const d = new Date(local);
  return isNaN(d.getTime()) ? '' : d.toISOString();
}

function Change({ before, after }: { before: unknown; after: unknown }) {
  const show = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v, null, 1));
  return (
    <div class="change">
      <div>
        <p class="small muted">Before</p>
        <pre>{show(before)}</pre>
      </div>
      <div>
        <p class="small muted">After</p>
        <pre>{show(after)}</pre>
      </div>
    </div>
  );
}

export function AuditPage() {
  const { query, setQuery } = useQueryFilters();
  const action = query.action ?? '';
  const entityType = query.entity_type ?? '';
  const since = query.since ?? '';
  const until = query.until ?? '';
  const list = usePaged<AuditEntry>('/audit' + qs({ action, entity_type: entityType, since: toIso(since), until: toIso(until) }), 50);
  const [open, setOpen] = useState<number | null>(null);
  const { me, tenantId } = useSession();
  const staffView = me?.user.kind === 'staff' && !tenantId;
  const set = (k: string, v: string) => setQuery({ [k]: v });
  return (
    <>
      <PageHeader title="Audit log" subtitle="Every change made through ContractSync, newest first. Keys, tokens and passwords never appear here." />
      <div class="filters" role="search">
        <label class="field inline">
          <span>Action</span>
          <FilterInput type="text" placeholder="e.g. site or user.update" value={action} onCommit={(v) => set('action', v.trim())} size={18} list="audit-actions" />
          <datalist id="audit-actions">
            {['auth.login', 'auth.login.failed', 'site', 'user', 'token', 'settings', 'recon'].map((x) => (
              <option value={x} />
            ))}
          </datalist>
        </label>
        <button type="button" class={action === 'auth.login.failed' ? 'primary' : undefined} aria-pressed={action === 'auth.login.failed'} onClick={() => set('action', action === 'auth.login.failed' ? '' : 'auth.login.failed')}>
          Failed sign-ins
        </button>
        <label class="field inline">
          <span>Object type</span>
          <FilterInput type="text" placeholder="e.g. site" value={entityType} onCommit={(v) => set('entity_type', v.trim())} size={12} />
        </label>
        <label class="field inline">
          <span>From</span>
          <FilterInput type="datetime-local" value={since} onCommit={(v) => set('since', v)} />
        </label>
        <label class="field inline">
          <span>To</span>
          <FilterInput type="datetime-local" value={until} onCommit={(v) => set('until', v)} />
        </label>
      </div>
      <PagedView list={list} empty={<Empty title="No entries">{action || entityType || since || until ? 'Nothing matches these filters.' : 'Changes appear here as people make them.'}</Empty>}>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Object</th>
                <th scope="col">From</th>
                <th scope="col">
                  <span class="sr-only">Change</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((a) => (
                <>
                  <tr data-action={a.action}>
                    <td>{fmtDateTime(a.at)}</td>
                    <td>
                      {a.actor}
                      {staffView && a.tenant_name && <div class="small muted">{a.tenant_name}</div>}
                    </td>
                    <td>
                      {a.action === 'auth.login.failed' ? <Pill value="failed sign-in" tone="bad" /> : <code>{a.action}</code>}
                    </td>
                    <td>
                      {a.entity_type.replace(/_/g, ' ')}{' '}
                      {a.entity_name ? (
                        <strong title={a.entity_id ?? undefined}>{a.entity_name}</strong>
                      ) : (
                        a.entity_id && (
                          <code class="small" title={a.entity_id}>
                            {shortId(a.entity_id)}
                          </code>
                        )
                      )}
                      {a.action === 'auth.login.failed' && typeof (a.after as { reason?: string } | null)?.reason === 'string' && (
                        <div class="small muted">{(a.after as { reason: string }).reason}</div>
                      )}
                    </td>
                    <td class="small">{a.address ?? '—'}</td>
                    <td>
                      <button type="button" class="link" aria-expanded={open === a.audit_id} onClick={() => setOpen(open === a.audit_id ? null : a.audit_id)}>
                        {open === a.audit_id ? 'Hide' : 'Change'}
                      </button>
                    </td>
                  </tr>
                  {open === a.audit_id && (
                    <tr class="expanded">
                      <td colSpan={6}>
                        <Change before={a.before} after={a.after} />
                        {a.user_agent && <p class="small muted">Browser or tool: {a.user_agent}</p>}
                      </td>
                    </tr>
                  )}
                </>
              ))}
            </tbody>
          </table>
        </div>
      </PagedView>
    </>
  );
}

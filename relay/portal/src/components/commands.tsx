// Commands to a site's agent and their progress: queued at the relay, sent
// to the agent, then succeeded or failed with the agent's message.
import { useEffect } from 'preact/hooks';
import { Command, CommandName, Page, post, Site } from '../api';
import { commandLabels, fmtAgo, fmtDateTime, shortId } from '../format';
import { useApi } from '../hooks';
import { ActionButton, Empty, ErrorBox, Pill } from './ui';

export function sendCommand(siteId: string, command: CommandName, entity?: string) {
  return post<Command>(`/sites/${siteId}/commands`, entity ? { command, entity } : { command });
}

const steps = ['pending', 'sent', 'done'] as const;

export function CommandProgress({ c }: { c: Command }) {
  const done = c.status === 'succeeded' || c.status === 'failed';
  const at = done ? 2 : c.status === 'sent' ? 1 : 0;
  return (
    <ol class="steps" aria-label={`${commandLabels[c.command]}: ${c.status}`}>
      {steps.map((s, i) => (
        <li class={i < at ? 'step done' : i === at ? (done ? `step ${c.status}` : 'step current') : 'step'}>
          {s === 'pending' ? 'Queued' : s === 'sent' ? 'Sent to agent' : done ? (c.status === 'succeeded' ? 'Succeeded' : 'Failed') : 'Result'}
        </li>
      ))}
    </ol>
  );
}

// The site's recent commands, refreshed quickly while one is under way.
export function CommandList({ siteId, tick, limit = 10 }: { siteId: string; tick: number; limit?: number }) {
  const list = useApi<Page<Command>>(`/sites/${siteId}/commands?page_size=${limit}`, 2000);
  useEffect(() => {
    if (tick) list.reload();
  }, [tick]);
  const items = list.data?.items ?? [];
  return (
    <>
      <ErrorBox error={list.error} />
      {!items.length ? (
        <Empty title="No commands sent yet">Commands you send (sync now, full resync, retry failed rows) and their results appear here.</Empty>
      ) : (
        <div class="table-wrap">
          <table class="data compact">
            <thead>
              <tr>
                <th scope="col">Command</th>
                <th scope="col">Entity</th>
                <th scope="col">Progress</th>
                <th scope="col">Sent</th>
                <th scope="col">By</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr data-command={c.command} data-status={c.status}>
                  <td>{commandLabels[c.command] ?? c.command}</td>
                  <td>{c.entity ?? <span class="muted">all</span>}</td>
                  <td>
                    <CommandProgress c={c} />
                  </td>
                  <td title={fmtDateTime(c.created_at)}>{fmtAgo(c.created_at)}</td>
                  <td>{c.issued_by ? <code title={c.issued_by}>{shortId(c.issued_by)}</code> : '—'}</td>
                  <td>
                    <Pill value={c.status} /> {c.message && <span class="small">{c.message}</span>}
                    {c.status === 'pending' && <div class="muted small">Waits for the agent to connect.</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

// "Sync now" / "Retry failed rows" for a whole site.
export function SiteCommandButtons({ site, onSent }: { site: Site; onSent: () => void }) {
  const offline = !site.online;
  return (
    <>
      <ActionButton
        kind="primary"
        disabledReason={site.revoked ? 'The site is revoked: its agent can no longer connect.' : null}
        onClick={async () => {
          await sendCommand(site.site_id, 'sync_now');
          onSent();
        }}
      >
        Sync now
      </ActionButton>
      <ActionButton
        disabledReason={site.revoked ? 'The site is revoked: its agent can no longer connect.' : null}
        onClick={async () => {
          await sendCommand(site.site_id, 'retry_failed');
          onSent();
        }}
      >
        Retry failed rows
      </ActionButton>
      {offline && !site.revoked && <span class="muted small">The site is offline: commands wait until its agent connects.</span>}
    </>
  );
}

// A tenant's sites (one per installed agent); admins add sites here and get
// the new site's key once.
import { useState } from 'preact/hooks';
import { IssuedSite, post, Site } from '../api';
import { InstallAgent } from '../components/install_agent';
import { ActionButton, Dialog, Empty, Field, PagedView, PageHeader, StatusBadge } from '../components/ui';
import { fmtAgo, fmtDateTime, fmtNumber, fmtSeconds } from '../format';
import { usePaged } from '../hooks';
import { useSession } from '../session';

export function SitesPage() {
  const { can } = useSession();
  const list = usePaged<Site>('/sites', 100, 5000);
  const [adding, setAdding] = useState(false);
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<IssuedSite | null>(null);

  return (
    <>
      <PageHeader title="Sites" subtitle="Each site is one ContractSync agent installed beside P21.">
        {can!.manageSites && (
          <button type="button" class="primary" onClick={() => setAdding(true)}>
            Add site
          </button>
        )}
      </PageHeader>
      <PagedView
        list={list}
        empty={
          <Empty title="No sites yet">
            {can!.manageSites ? 'Add a site, then install the agent with the key it gives you.' : 'An administrator of your organisation adds sites.'}
          </Empty>
        }
      >
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Site</th>
                <th scope="col">Last heartbeat</th>
                <th scope="col">Agent version</th>
                <th scope="col" class="num">
                  Outbox
                </th>
                <th scope="col" class="num">
                  Lag
                </th>
                <th scope="col" class="num">
                  Failed rows
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((s) => (
                <tr data-site={s.name} data-state={s.state}>
                  <td>
                    <StatusBadge state={s.state} />
                  </td>
                  <td>
                    <a href={`/sites/${s.site_id}`}>{s.name}</a>
                  </td>
                  <td title={fmtDateTime(s.last_heartbeat_at)}>{fmtAgo(s.last_heartbeat_at)}</td>
                  <td>{s.agent_version ?? '—'}</td>
                  <td class="num">{fmtNumber(s.outbox_depth)}</td>
                  <td class="num">{fmtSeconds(s.outbox_oldest_age_seconds)}</td>
                  <td class="num">{fmtNumber(s.failed_rows)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </PagedView>
      <Dialog title="Add site" open={adding} onClose={() => setAdding(false)}>
        <Field label="Site name" hint="For example the branch or server the agent runs on.">
          <input type="text" value={name} maxLength={200} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <div class="form-actions">
          <button type="button" onClick={() => setAdding(false)}>
            Cancel
          </button>
          <ActionButton
            kind="primary"
            disabledReason={name.trim() ? null : 'Type a name first.'}
            onClick={async () => {
              const r = await post<IssuedSite>('/sites', { name: name.trim() });
              setAdding(false);
              setName('');
              setIssued(r);
              list.reload();
            }}
          >
            Create site
          </ActionButton>
        </div>
      </Dialog>
      <Dialog title="Install the agent" wide open={issued !== null} onClose={() => setIssued(null)}>
        {issued && <InstallAgent siteName={issued.name} siteKey={issued.site_key} />}
      </Dialog>
    </>
  );
}

// Staff: the tenants, with a way in to each one's pages; admins add tenants.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { post, Tenant } from '../api';
import { ActionButton, Dialog, Empty, Field, PagedView, PageHeader } from '../components/ui';
import { fmtDateTime, fmtNumber } from '../format';
import { usePaged } from '../hooks';
import { useSession } from '../session';

export function TenantsPage() {
  const { can, selectTenant, refreshTenants } = useSession();
  const { route } = useLocation();
  const list = usePaged<Tenant>('/tenants', 100);
  const [adding, setAdding] = useState(false);
  const [name, setName] = useState('');

  return (
    <>
      <PageHeader title="Tenants" subtitle="Each tenant is one customer: its own sites, users and data.">
        {can!.staffAdmin && (
          <button type="button" class="primary" onClick={() => setAdding(true)}>
            Add tenant
          </button>
        )}
      </PageHeader>
      <PagedView list={list} empty={<Empty title="No tenants yet">{can!.staffAdmin ? 'Add the first tenant to start.' : 'A staff administrator adds tenants.'}</Empty>}>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" class="num">
                  Sites
                </th>
                <th scope="col" class="num">
                  Users
                </th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((t) => (
                <tr>
                  <td>{t.name}</td>
                  <td class="num">{fmtNumber(t.sites)}</td>
                  <td class="num">{fmtNumber(t.users)}</td>
                  <td>{fmtDateTime(t.created_at)}</td>
                  <td>
                    <button
                      type="button"
                      onClick={() => {
                        selectTenant(t.tenant_id);
                        route('/dashboard');
                      }}
                    >
                      Open {t.name}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </PagedView>
      <Dialog title="Add tenant" open={adding} onClose={() => setAdding(false)}>
        <Field label="Name">
          <input type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} maxLength={200} />
        </Field>
        <div class="form-actions">
          <button type="button" onClick={() => setAdding(false)}>
            Cancel
          </button>
          <ActionButton
            kind="primary"
            disabledReason={name.trim() ? null : 'Type a name first.'}
            onClick={async () => {
              await post('/tenants', { name: name.trim() });
              setAdding(false);
              setName('');
              list.reload();
              refreshTenants();
            }}
          >
            Add tenant
          </ActionButton>
        </div>
      </Dialog>
    </>
  );
}

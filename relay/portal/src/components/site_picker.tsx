// Tenant pages work on one site at a time; the choice lives in the URL
// (?site=) so links and reloads keep it.
import { JSX } from 'preact';
import { useLocation } from 'preact-iso';
import { Page, Site } from '../api';
import { useApi } from '../hooks';
import { Empty, ErrorBox, Loading } from './ui';

export interface SitePick {
  sites: Site[];
  site: Site | null;
  ready: boolean;
  picker: JSX.Element | null;
}

// The tenant's sites and the selected one (the first by name by default).
export function useSitePick(): SitePick {
  const { query, path, route } = useLocation();
  const { data, error, loading, reload } = useApi<Page<Site>>('/sites?page_size=500');
  if (loading && !data) return { sites: [], site: null, ready: false, picker: <Loading what="Loading sites" /> };
  if (error) return { sites: [], site: null, ready: false, picker: <ErrorBox error={error} retry={reload} /> };
  const sites = data?.items ?? [];
  if (sites.length === 0) {
    return {
      sites,
      site: null,
      ready: false,
      picker: (
        <Empty title="No sites yet">
          A site is one ContractSync agent installed beside P21. <a href="/sites">Add a site</a> and install the agent with its key; its data appears here after
          the first sync.
        </Empty>
      ),
    };
  }
  const site = sites.find((s) => s.site_id === query.site) ?? sites[0];
  const picker =
    sites.length > 1 ? (
      <label class="field inline">
        <span>Site</span>
        <select
          value={site.site_id}
          onChange={(e) => {
            const q = new URLSearchParams(query);
            q.set('site', e.currentTarget.value);
            route(`${path}?${q.toString()}`);
          }}
        >
          {sites.map((s) => (
            <option value={s.site_id}>{s.name}</option>
          ))}
        </select>
      </label>
    ) : (
      <p class="muted site-one">
        Site: <strong>{site.name}</strong>
      </p>
    );
  return { sites, site, ready: true, picker };
}

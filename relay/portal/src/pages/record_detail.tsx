// One record: every field, and what changed it field by field (the change
// log's window).
import { RecordChange, RecordDetail } from '../api';
import { Empty, ErrorBox, KeyValues, Loading, PageHeader, Pill, Section } from '../components/ui';
import { fmtDateTime, fmtValue } from '../format';
import { useApi } from '../hooks';

// "price 11.95 → 12.10", one line per field an update changed.
function ChangeList({ change }: { change: RecordChange }) {
  if (change.op === 'insert') return <span class="muted">First synced</span>;
  if (change.op === 'delete') return <span class="muted">Left the source</span>;
  if (!change.changes) return <span class="muted">Changed (which fields was not recorded then; data hash {change.data_hash?.slice(0, 12)}…)</span>;
  if (!change.changes.length) return <span class="muted">Restored unchanged</span>;
  return (
    <ul class="field-changes">
      {change.changes.map((c) => (
        <li>
          <strong>{c.field}</strong> <span class="mono">{fmtValue(c.from)}</span> → <span class="mono">{fmtValue(c.to)}</span>
        </li>
      ))}
    </ul>
  );
}

export function RecordDetailPage({ siteId, entity, bk }: { siteId: string; entity: string; bk: string }) {
  const r = useApi<RecordDetail>(`/sites/${siteId}/entities/${encodeURIComponent(entity)}/records/${encodeURIComponent(bk)}`);
  const back = `/records?site=${siteId}&entity=${encodeURIComponent(entity)}`;
  if (r.error) {
    return (
      <>
        <PageHeader title="Record" />
        <ErrorBox error={r.error} />
        <a href={back}>Back to {entity}</a>
      </>
    );
  }
  if (!r.data) return <Loading what="Loading the record" />;
  const d = r.data;
  const fields = Object.keys(d.data).sort();
  return (
    <>
      <PageHeader title={`${entity} record`} subtitle={<a href={back}>← Back to {entity}</a>}>
        {d.deleted && <Pill value="deleted" tone="bad" />}
      </PageHeader>
      <div class="grid-2">
        <Section title="Fields" id="fields">
          <table class="data compact kv-table">
            <tbody>
              {fields.map((f) => (
                <tr>
                  <th scope="row">{f}</th>
                  <td class="mono">{fmtValue(d.data[f])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
        <div>
          <Section title="Identity" id="identity">
            <KeyValues
              rows={[
                ['Business key hash', <code>{d.bk_hash}</code>],
                ['Data hash', <code>{d.data_hash}</code>],
                ['Parent', d.parent_bk_hash ? <code>{d.parent_bk_hash}</code> : '—'],
                ['Row version', d.rowversion ?? '—'],
                ['First seen', fmtDateTime(d.first_changed_at)],
                ['Last changed', fmtDateTime(d.last_changed_at)],
              ]}
            />
          </Section>
          <Section title="Change history" id="history">
            {!d.history.length ? (
              <Empty title="No changes in the log">The change log keeps recent changes only (30 days by default).</Empty>
            ) : (
              <table class="data compact history">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Change</th>
                    <th scope="col">What changed</th>
                    <th scope="col" class="num">
                      Change set
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.history.map((h) => (
                    <tr>
                      <td>{fmtDateTime(h.changed_at)}</td>
                      <td>
                        <Pill value={h.op} tone={h.op === 'delete' ? 'bad' : h.op === 'insert' ? 'good' : 'info'} />
                      </td>
                      <td>
                        <ChangeList change={h} />
                      </td>
                      <td class="num">{h.sequence}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
        </div>
      </div>
    </>
  );
}

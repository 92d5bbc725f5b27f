// Vendor contract files: upload one (CSV or XLSX) with progress, see what was
// accepted and why lines were refused, reconcile and go to the exceptions.
import { useState } from 'preact/hooks';
import { errorText, get, post, qs, upload } from '../api';
import { Empty, ErrorBox, Field, Notice, PagedView, PageHeader, Pill, Progress, Section, WhyDisabled } from '../components/ui';
import { fmtBytes, fmtDateTime, fmtNumber } from '../format';
import { usePaged } from '../hooks';
import { IngestReport, LineError, paths, ReconRun, ruleLabels, VendorFile } from '../recon_api';
import { useSession } from '../session';


export function RunResult({ run }: { run: ReconRun }) {
  const findings = Object.entries(run.findings ?? {}).filter(([, n]) => n > 0);
  return (
    <div class="run-result" data-run={run.run_id}>
      <p>
        <Pill value={run.status} /> Reconciled {fmtNumber(run.lines)} contract lines ({fmtNumber(run.lines_mapped)} mapped to P21 items) as of {run.as_of}:{' '}
        <strong>{fmtNumber(run.opened)} new exceptions</strong>, {fmtNumber(run.reopened)} reopened, {fmtNumber(run.auto_resolved)} resolved by themselves;{' '}
        {fmtNumber(run.open_after)} open now.
      </p>
      {run.error && <p class="notice notice-bad">{run.error}</p>}
      {findings.length > 0 && (
        <ul class="findings">
          {findings.map(([rule, n]) => (
            <li>
              <a href={`/recon/exceptions?rule=${rule}`}>
                {ruleLabels[rule] ?? rule}: {fmtNumber(n)}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ErrorsOf({ file }: { file: VendorFile }) {
  const [errors, setErrors] = useState<LineError[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (!file.lines_rejected) return null;
  if (!errors) {
    return (
      <button
        type="button"
        class="link"
        onClick={() =>
          get<{ items: LineError[] }>(paths.vendorFileErrors(file.file_id)).then(
            (r) => setErrors(r.items),
            (e) => setError(e),
          )
        }
      >
        {file.lines_rejected === 1 ? 'Why 1 line was refused' : `Why ${fmtNumber(file.lines_rejected)} lines were refused`}
        {error ? <span class="inline-error"> ({errorText(error)})</span> : null}
      </button>
    );
  }
  return <LineErrors errors={errors} name={file.name} />;
}

function LineErrors({ errors, name }: { errors: LineError[]; name: string }) {
  if (!errors.length) return null;
  return (
    <table class="data compact">
      <thead>
        <tr>
          <th scope="col">Line</th>
          <th scope="col">Field</th>
          <th scope="col">Problem</th>
          <th scope="col">Line as found</th>
        </tr>
      </thead>
      <tbody>
        {errors.map((e) => (
          <tr>
            <td>
              {name}:{e.line}
            </td>
            <td>{e.field ?? '—'}</td>
            <td>{e.message}</td>
            <td class="mono small">{e.raw ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Upload({ onUploaded }: { onUploaded: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [vendor, setVendor] = useState('');
  const [contract, setContract] = useState('');
  const [sent, setSent] = useState<[number, number] | null>(null);
  const [report, setReport] = useState<IngestReport | null>(null);
  const [run, setRun] = useState<ReconRun | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const send = async () => {
    setError(null);
    setReport(null);
    setRun(null);
    setSent([0, file!.size]);
    try {
      const r = await upload<IngestReport>(paths.vendorFiles + qs({ name: file!.name, vendor_id: vendor.trim(), contract_no: contract.trim() }), file!, (a, b) =>
        setSent([a, b]),
      );
      setReport(r);
      onUploaded();
    } catch (e) {
      setError(e);
    } finally {
      setSent(null);
    }
  };
  const reconcile = async () => {
    setRunning(true);
    setError(null);
    try {
      setRun(await post<ReconRun>(paths.runs, {}));
    } catch (e) {
      setError(e);
    } finally {
      setRunning(false);
    }
  };
  return (
    <Section title="Upload a contract file" id="upload">
      <p class="muted">
        CSV or XLSX, up to the relay's upload limit (64 MiB unless it was changed). A file is the whole contract: its lines replace earlier lines of the same vendor and contract number. Name the vendor and
        contract here when the file has no such columns.
      </p>
      <div class="form-row">
        <Field label="File">
          <input type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        </Field>
        <Field label="Vendor (optional)">
          <input type="text" size={10} value={vendor} onInput={(e) => setVendor(e.currentTarget.value)} />
        </Field>
        <Field label="Contract (optional)">
          <input type="text" size={12} value={contract} onInput={(e) => setContract(e.currentTarget.value)} />
        </Field>
        <button type="button" class="primary" disabled={!file || sent !== null} aria-describedby={!file ? 'upload-why' : undefined} onClick={send}>
          Upload
        </button>
        <WhyDisabled id="upload-why" why={!file ? 'Choose a file first.' : null} />
      </div>
      {sent && (
        <div aria-live="polite">
          <p class="small">
            Uploading {file!.name}: {fmtBytes(sent[0])} of {fmtBytes(sent[1])}
            {sent[0] >= sent[1] ? ' — reading the lines…' : ''}
          </p>
          <Progress value={sent[0]} max={sent[1]} label="Upload progress" />
        </div>
      )}
      <ErrorBox error={error} />
      {report && (
        <div class="upload-report" data-file-status={report.file.status} aria-live="polite">
          <Notice tone={report.file.status === 'accepted' ? 'good' : report.file.status === 'rejected' ? 'bad' : 'warn'}>
            <strong>{report.file.name}</strong>: {report.file.status}. {fmtNumber(report.file.lines_accepted)} of {fmtNumber(report.file.lines_total)} lines accepted
            {report.file.lines_rejected ? `, ${fmtNumber(report.file.lines_rejected)} refused` : ''}
            {report.superseded_lines ? `; ${fmtNumber(report.superseded_lines)} lines of earlier uploads replaced` : ''}.{report.file.error ? ` ${report.file.error}` : ''}
          </Notice>
          <LineErrors errors={report.errors} name={report.file.name} />
          {report.file.status !== 'rejected' && !run && (
            <p>
              <button type="button" class="primary" onClick={reconcile} disabled={running} aria-busy={running}>
                {running ? 'Reconciling…' : 'Reconcile now'}
              </button>{' '}
              <span class="muted small">Otherwise the next automatic run picks it up within minutes.</span>
            </p>
          )}
          {running && <Progress value={0} max={0} label="Reconciliation running" />}
          {run && (
            <>
              <RunResult run={run} />
              <p>
                <a class="button-link" href={`/recon/exceptions?vendor_id=${encodeURIComponent(report.file.vendor_id ?? '')}`}>
                  See this run's exceptions
                </a>
              </p>
            </>
          )}
        </div>
      )}
    </Section>
  );
}

function Files() {
  const { can } = useSession();
  const list = usePaged<VendorFile>(paths.vendorFiles, 50);
  return (
    <>
      {can!.reconWork && <Upload onUploaded={list.reload} />}
      <Section title="Uploaded files" id="files">
        <PagedView list={list} empty={<Empty title="No files uploaded yet">Contract files your agent picks up from drop folders are reconciled too; they appear under Records.</Empty>}>
          <div class="table-wrap">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Vendor</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    Lines
                  </th>
                  <th scope="col" class="num">
                    Refused
                  </th>
                  <th scope="col">Size</th>
                  <th scope="col">Uploaded</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((f) => (
                  <tr data-file={f.name}>
                    <td>
                      {f.name}
                      <div>
                        <ErrorsOf file={f} />
                      </div>
                      {f.error && <div class="inline-error">{f.error}</div>}
                    </td>
                    <td>{f.vendor_id ?? '—'}</td>
                    <td>
                      <Pill value={f.status} />
                    </td>
                    <td class="num">{fmtNumber(f.lines_accepted)}</td>
                    <td class="num">{fmtNumber(f.lines_rejected)}</td>
                    <td>{fmtBytes(f.size_bytes)}</td>
                    <td>{fmtDateTime(f.uploaded_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </PagedView>
      </Section>
    </>
  );
}

export function VendorFilesPage() {
  return (
    <>
      <PageHeader title="Vendor files" subtitle="Contract price files from your vendors, checked against P21." />
      <Files />
    </>
  );
}

// A stand-in for the relay's reconciliation endpoints, for as long as the
// relay under test does not offer them (it documents them in its OpenAPI
// document when it does; then the test talks to the real ones). It answers
// the requests the portal's pages make (docs/portal.md lists the contract)
// from a small in-memory model, inside the browser context only: every other
// request reaches the real relay.
import { randomUUID } from 'node:crypto';

const kPaths = [
  '/api/v1/recon/exceptions',
  '/api/v1/recon/exceptions/summary',
  '/api/v1/recon/exceptions/{exception_id}',
  '/api/v1/recon/exceptions/{exception_id}/actions',
  '/api/v1/recon/exceptions/actions',
  '/api/v1/recon/mappings',
  '/api/v1/recon/mappings/{mapping_id}',
  '/api/v1/recon/mappings/decisions',
  '/api/v1/recon/p21-items',
  '/api/v1/vendor-files',
  '/api/v1/vendor-files/{file_id}',
  '/api/v1/vendor-files/{file_id}/errors',
  '/api/v1/recon/runs',
  '/api/v1/recon/runs/{run_id}',
  '/api/v1/recon/policy',
];

const now = () => new Date().toISOString();

export class ReconFake {
  constructor(userId) {
    this.userId = userId;
    this.exceptions = [];
    this.mappings = [];
    this.files = [];
    this.runs = [];
    this.lines = []; // contract lines: {vendor_id, contract_no, vendor_item, vendor_uom, price}
    this.policy = {
      abs_tolerance: null, pct_tolerance: '2', tolerance_mode: 'any', high_severity_pct: '10', currency: 'USD',
      auto_approve_exact: true, auto_run: true, schedule_minutes: 1440, settle_seconds: 60, updated_at: null, updated_by: null,
    };
    this.requests = [];
  }

  // Contract lines as the agent synced them (the sample file).
  addLines(lines) {
    this.lines.push(...lines);
  }

  run() {
    const run = {
      run_id: randomUUID(), trigger: 'manual', status: 'succeeded', as_of: now().slice(0, 10), requested_by: this.userId,
      started_at: now(), finished_at: now(), error: null, lines: this.lines.length, lines_invalid: 0, lines_mapped: 0,
      findings: {}, opened: 0, reopened: 0, still_open: 0, overridden: 0, override_ended: 0, auto_resolved: 0, open_after: 0,
    };
    for (const [i, l] of this.lines.entries()) {
      const mapped = this.mappings.some((m) => m.status === 'approved' && m.vendor_item === l.vendor_item);
      const rule = mapped ? (i % 2 ? 'PRICE_MISMATCH' : null) : 'MISSING_MAPPING';
      if (mapped) run.lines_mapped++;
      if (!rule) continue;
      run.findings[rule] = (run.findings[rule] ?? 0) + 1;
      const key = `${rule}/${l.vendor_id}/${l.contract_no}/${l.vendor_item}/${l.vendor_uom}`;
      const known = this.exceptions.find((x) => x.key === key);
      if (known) {
        if (known.status === 'open') run.still_open++;
        continue;
      }
      run.opened++;
      const number = this.exceptions.length + 1;
      this.exceptions.push({
        key, exception_id: randomUUID(), number, rule, severity: rule === 'PRICE_MISMATCH' ? 'high' : 'medium', status: 'open',
        vendor_id: l.vendor_id, contract_no: l.contract_no, vendor_item: l.vendor_item, vendor_uom: l.vendor_uom,
        supplier_id: '10', p21_site_id: null, p21_item_id: mapped ? 'APC-00052' : null,
        message: rule === 'MISSING_MAPPING' ? `No P21 item for ${l.vendor_id} item ${l.vendor_item} (${l.vendor_uom})` : `Contract price ${l.price} differs from the P21 cost 4.1000 by 18.29 %`,
        suggested_action: rule === 'MISSING_MAPPING' ? 'Approve a suggested mapping or map the item by hand' : 'Update the P21 cost or confirm the contract price with the vendor',
        details: rule === 'MISSING_MAPPING' ? { supplier_known: true, suggestions: 1 } : { reason: 'outside_tolerance', contract_price: l.price, p21_cost: '4.1000', difference: '0.75', difference_pct: '18.2927', pct_tolerance: '2' },
        assignee: null, first_run_id: run.run_id, last_run_id: run.run_id, first_seen_at: now(), last_seen_at: now(),
        resolved_at: null, resolved_by: null, resolution_kind: null, resolution: null, override_until: null, override_reason: null,
        overridden_by: null, overridden_at: null, updated_at: now(),
        events: [{ event_id: 1, kind: 'opened', actor_id: null, run_id: run.run_id, note: null, details: null, at: now() }],
      });
      if (rule === 'MISSING_MAPPING' && !this.mappings.some((m) => m.vendor_item === l.vendor_item)) {
        this.mappings.push({
          mapping_id: randomUUID(), vendor_id: l.vendor_id, vendor_item: l.vendor_item, vendor_uom: l.vendor_uom, p21_site_id: randomUUID(),
          p21_item_id: `APC-${String(10 + this.mappings.length).padStart(5, '0')}`, p21_item_desc: l.description ?? 'Similar item', p21_uom: l.vendor_uom,
          method: 'description', confidence: '0.612', status: 'suggested', note: null, decided_by: null, decided_at: null, created_at: now(), updated_at: now(),
        });
      }
    }
    run.open_after = this.exceptions.filter((x) => x.status === 'open').length;
    this.runs.unshift(run);
    return run;
  }

  view(x) {
    const { key: _k, events: _e, ...v } = x;
    return v;
  }

  act(x, a) {
    const text = a.text ?? null;
    const event = { event_id: x.events.length + 1, actor_id: this.userId, run_id: null, note: text, details: null, at: now() };
    if (a.action === 'resolve') {
      if (x.status !== 'open') return [409, 'only an open exception can be resolved'];
      if (!text) return [400, 'resolve needs a reason'];
      Object.assign(x, { status: 'resolved', resolved_at: now(), resolved_by: this.userId, resolution_kind: 'manual', resolution: text });
      x.events.push({ ...event, kind: 'resolved' });
    } else if (a.action === 'override') {
      Object.assign(x, { status: 'overridden', override_until: a.until, override_reason: text, overridden_by: this.userId, overridden_at: now() });
      x.events.push({ ...event, kind: 'overridden' });
    } else if (a.action === 'reopen') {
      Object.assign(x, { status: 'open', resolved_at: null, resolution: null, override_until: null });
      x.events.push({ ...event, kind: 'manual_reopen' });
    } else if (a.action === 'assign') {
      x.assignee = a.assignee ?? null;
      x.events.push({ ...event, kind: 'assigned' });
    } else if (a.action === 'comment') {
      x.events.push({ ...event, kind: 'comment' });
    } else return [400, `unknown action ${a.action}`];
    x.updated_at = now();
    return null;
  }

  page(items) {
    return { items, next_page_token: null };
  }

  // Routes the context's requests: recon ones here, the rest to the relay.
  // `openapi` is the relay's own OpenAPI document.
  async install(context, openapi) {
    await context.route(/\/api\/v1\/(openapi\.json|recon\/.*|vendor-files.*)(\?.*)?$/, async (route) => {
      const req = route.request();
      const url = new URL(req.url());
      const p = url.pathname.replace(/^\/api\/v1/, '');
      this.requests.push(`${req.method()} ${p}`);
      if (p === '/openapi.json') {
        // The relay's document (fetched by the test, not through the browser)
        // with the stand-in's paths added.
        const doc = structuredClone(openapi);
        for (const path of kPaths) doc.paths[path] ??= { get: { summary: 'reconciliation (test stand-in)', 'x-contractsync-roles': [], responses: {} } };
        return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(doc) });
      }
      const reply = (status, body) => route.fulfill({ status, contentType: status >= 400 ? 'application/problem+json' : 'application/json', body: JSON.stringify(body) });
      const problem = (status, detail) => reply(status, { title: status === 409 ? 'Conflict' : 'Bad Request', status, detail });
      const q = url.searchParams;
      const body = req.postData() && req.method() !== 'GET' && !p.startsWith('/vendor-files') ? JSON.parse(req.postData()) : null;
      let m;
      if (p === '/recon/exceptions/summary') {
        const by_status = {};
        const by_rule = {};
        for (const x of this.exceptions) {
          by_status[x.status] = (by_status[x.status] ?? 0) + 1;
          if (x.status === 'open') by_rule[x.rule] = (by_rule[x.rule] ?? 0) + 1;
        }
        return reply(200, { by_status, by_rule });
      }
      if (p === '/recon/exceptions' && req.method() === 'GET') {
        let xs = this.exceptions.filter(
          (x) =>
            (!q.get('status') || x.status === q.get('status')) &&
            (!q.get('rule') || x.rule === q.get('rule')) &&
            (!q.get('severity') || x.severity === q.get('severity')) &&
            (!q.get('vendor_id') || x.vendor_id === q.get('vendor_id')) &&
            (!q.get('assignee') || (q.get('assignee') === 'none' ? !x.assignee : x.assignee === q.get('assignee'))),
        );
        xs = [...xs].reverse();
        return reply(200, this.page(xs.map((x) => this.view(x))));
      }
      if (p === '/recon/exceptions/actions' && req.method() === 'POST') {
        const xs = this.exceptions.filter((x) => body.exception_ids.includes(x.exception_id));
        for (const x of xs) {
          const err = this.act(x, body);
          if (err) return problem(...err);
        }
        return reply(200, { items: xs.map((x) => this.view(x)) });
      }
      if ((m = /^\/recon\/exceptions\/([\w-]+)(\/actions)?$/.exec(p))) {
        const x = this.exceptions.find((e) => e.exception_id === m[1]);
        if (!x) return problem(404, `no exception ${m[1]}`);
        if (m[2] && req.method() === 'POST') {
          const err = this.act(x, body);
          if (err) return problem(...err);
        }
        return reply(200, { ...this.view(x), events: [...x.events].reverse() });
      }
      if (p === '/recon/mappings' && req.method() === 'GET') {
        const ms = this.mappings.filter((x) => (!q.get('status') || x.status === q.get('status')) && (!q.get('vendor_id') || x.vendor_id === q.get('vendor_id')));
        return reply(200, this.page(ms));
      }
      if (p === '/recon/mappings/decisions' && req.method() === 'POST') {
        for (const x of this.mappings.filter((x) => body.mapping_ids.includes(x.mapping_id))) {
          Object.assign(x, { status: body.decision === 'approve' ? 'approved' : 'rejected', decided_by: this.userId, decided_at: now() });
        }
        return reply(200, { items: [] });
      }
      if (p === '/recon/runs' && req.method() === 'POST') return reply(201, this.run());
      if (p === '/recon/runs') return reply(200, this.page(this.runs.slice(0, Number(q.get('page_size') ?? 50))));
      if (p === '/recon/policy' && req.method() === 'GET') return reply(200, this.policy);
      if (p === '/vendor-files' && req.method() === 'POST') {
        const text = req.postDataBuffer()?.toString('utf8') ?? '';
        const rows = text.trim().split(/\r?\n/).slice(1);
        const priced = (r) => (r.split(',')[5] ?? '').trim() !== '';
        const bad = rows.filter((r) => !priced(r));
        const good = rows.filter(priced);
        const name = q.get('name');
        const file = {
          file_id: randomUUID(), name, format: 'csv', vendor_id: 'ACME', size_bytes: text.length, sha256: '0'.repeat(64),
          status: bad.length ? 'partial' : 'accepted', lines_total: rows.length, lines_accepted: good.length, lines_rejected: bad.length,
          error: null, uploaded_by: this.userId, uploaded_at: now(),
        };
        this.files.unshift(file);
        this.addLines(good.map((r) => {
          const [contract_no, vendor_item, description, vendor_id, vendor_uom, price] = r.split(',');
          return { contract_no, vendor_item, description, vendor_id: vendor_id.toUpperCase(), vendor_uom, price };
        }));
        const errors = bad.map((r) => ({ line: rows.indexOf(r) + 2, field: 'price', message: 'a price is required', raw: r }));
        this.fileErrors = { ...(this.fileErrors ?? {}), [file.file_id]: errors };
        return reply(201, { file, errors, superseded_lines: 0 });
      }
      if (p === '/vendor-files') return reply(200, this.page(this.files));
      if ((m = /^\/vendor-files\/([\w-]+)\/errors$/.exec(p))) return reply(200, { items: this.fileErrors?.[m[1]] ?? [] });
      return problem(404, `the test stand-in does not answer ${req.method()} ${p}`);
    });
  }
}

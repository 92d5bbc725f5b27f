// Starts the real ContractSync processes for the portal's browser test: a
// fresh PostgreSQL database, the relay serving the built portal over TLS, the
// P21 simulator and an agent (`contractsync-agent run`) syncing from it; and
// a small API client for setting up tenants, sites and users. Everything
// listens on 127.0.0.1; every wait is bounded; stop() ends what it started.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `check` (async, truthy when done) every `everyMs` until `timeoutMs`.
export async function waitFor(what, check, timeoutMs, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}` + (last instanceof Error ? `: ${last.message}` : ''));
    }
    await sleep(everyMs);
  }
}

export function randomPassword() {
  return 'pw-' + randomBytes(18).toString('base64url');
}

function writePrivate(file, text) {
  fs.writeFileSync(file, text + '\n', { mode: 0o600 });
}

// JSON with // comments (the example configs) to an object.
function readJsonc(file) {
  const text = fs.readFileSync(file, 'utf8');
  return JSON.parse(text.replace(/("(?:\\.|[^"\\])*")|\/\/[^\n]*/g, (m, s) => s ?? ''));
}

class Child {
  constructor(name, command, args, options) {
    this.name = name;
    this.log = [];
    this.proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.exitCode = undefined;
    this.exited.then((r) => (this.exitCode = r));
    const keep = (chunk) => {
      this.log.push(chunk.toString());
      if (this.log.length > 400) this.log.splice(0, this.log.length - 400);
    };
    this.proc.stdout.on('data', keep);
    this.proc.stderr.on('data', keep);
  }
  running() {
    return this.exitCode === undefined;
  }
  output() {
    return this.log.join('');
  }
  async stop(signal = 'SIGTERM', timeoutMs = 20_000) {
    if (!this.running()) return this.exitCode;
    this.proc.kill(signal);
    const timer = sleep(timeoutMs).then(() => 'timeout');
    const r = await Promise.race([this.exited, timer]);
    if (r === 'timeout') {
      this.proc.kill('SIGKILL');
      return await this.exited;
    }
    return r;
  }
}

// An HTTPS JSON client for the relay's API with a session cookie and CSRF token.
export class ApiClient {
  constructor(port, ca) {
    this.port = port;
    this.ca = ca;
    this.cookie = '';
    this.csrf = '';
  }
  call(method, urlPath, body, tenant) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = { Accept: 'application/json', Connection: 'close' };
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    if (this.cookie) {
      headers.Cookie = this.cookie;
      headers['X-CSRF-Token'] = this.csrf;
    }
    if (tenant) headers['X-Tenant-Id'] = tenant;
    return new Promise((resolve, reject) => {
      const req = https.request(
        { host: '127.0.0.1', port: this.port, path: '/api/v1' + urlPath, method, headers, ca: this.ca, servername: 'localhost', timeout: 30_000, agent: false },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (data += c));
          res.on('end', () => {
            let json = null;
            try {
              json = JSON.parse(data);
            } catch {
              json = null;
            }
            resolve({ status: res.statusCode, body: json, raw: data, headers: res.headers });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: timed out`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }
  async ok(method, urlPath, body, tenant, expected = [200, 201, 202, 204]) {
    const r = await this.call(method, urlPath, body, tenant);
    if (!expected.includes(r.status)) throw new Error(`${method} ${urlPath}: ${r.status} ${r.raw}`);
    return r.body;
  }
  async login(email, password) {
    const r = await this.call('POST', '/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${r.raw}`);
    this.cookie = String(r.headers['set-cookie'][0]).split(';')[0];
    this.csrf = r.body.csrf_token;
  }
}

export class Stack {
  constructor({ binaryDir, sourceDir, pgDsn }) {
    this.binaryDir = binaryDir;
    this.sourceDir = sourceDir;
    this.pgDsn = pgDsn;
    this.children = [];
    this.work = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-portal-browser-'));
    this.tls = path.join(sourceDir, 'tests/data/tls/agent');
    this.ca = fs.readFileSync(path.join(this.tls, 'ca.pem'));
    this.dbName = `cs_portal_${process.pid}_${Date.now()}`;
    this.relayBin = path.join(binaryDir, 'relay/contractsync-relay');
    this.agentBin = path.join(binaryDir, 'agent/contractsync-agent');
    this.p21simBin = path.join(binaryDir, 'tests/tools/p21sim/p21sim');
  }

  psql(sql, dsn = this.pgDsn) {
    const r = spawnSync('psql', [dsn, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`psql: ${sql}: ${r.stderr}`);
    return r.stdout.trim();
  }

  get dbDsn() {
    return this.pgDsn.replace(/dbname=\S+/, `dbname=${this.dbName}`);
  }

  run(bin, args) {
    const r = spawnSync(bin, args, { cwd: this.work, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${path.basename(bin)} ${args[0]} ${args[1] ?? ''}: exit ${r.status}: ${r.stderr}`);
    return r.stdout;
  }

  // The relay with the portal, a staff admin, and an API client logged in as them.
  // `smtp`: the relay's smtp section (notification e-mails), when given.
  async startRelay({ portalDir, smtp }) {
    this.psql(`CREATE DATABASE ${this.dbName}`);
    this.createdDb = true;
    const config = {
      listen: { address: '127.0.0.1', port: 0 },
      tls: { certificate_file: path.join(this.tls, 'server.pem'), private_key_file: path.join(this.tls, 'server.key') },
      database: { dsn: this.dbDsn },
      agents: { heartbeat_seconds: 2 },
      api: { argon2_memory_kib: 1024, argon2_iterations: 1, portal_dir: portalDir, alert_interval: '2s' },
      metrics: { listen: '127.0.0.1:0' },
      data_dir: this.work,
      logging: { level: 'warn' },
      ...(smtp ? { smtp } : {}),
    };
    this.relayConfig = path.join(this.work, 'relay.json');
    fs.writeFileSync(this.relayConfig, JSON.stringify(config, null, 2));
    this.run(this.relayBin, ['migrate', '--config', this.relayConfig]);
    this.staff = { email: 'ops@contractsync.test', password: randomPassword() };
    const pwFile = path.join(this.work, 'staff.password');
    writePrivate(pwFile, this.staff.password);
    this.run(this.relayBin, ['admin', 'create-user', '--config', this.relayConfig, '--email', this.staff.email, '--role', 'admin', '--password-file', pwFile]);
    fs.rmSync(pwFile);
    const relay = new Child('relay', this.relayBin, ['serve', '--config', this.relayConfig], { cwd: this.work });
    this.children.push(relay);
    this.relay = relay;
    this.port = await waitFor(
      'the relay to listen',
      () => {
        if (!relay.running()) throw new Error('the relay exited: ' + relay.output());
        const p = fs.existsSync(path.join(this.work, 'relay.port')) ? Number(fs.readFileSync(path.join(this.work, 'relay.port'), 'utf8')) : 0;
        return p > 0 ? p : null;
      },
      30_000,
      100,
    );
    this.url = `https://127.0.0.1:${this.port}`;
    this.api = new ApiClient(this.port, this.ca);
    await this.api.login(this.staff.email, this.staff.password);
  }

  // A tenant with one site; the site key goes to a 0600 file for the agent.
  async createTenant(name, siteName) {
    const tenant = await this.api.ok('POST', '/tenants', { name });
    const site = await this.api.ok('POST', '/sites', { name: siteName }, tenant.tenant_id);
    const keyFile = path.join(this.work, `${site.site_id}.key`);
    writePrivate(keyFile, site.site_key);
    return { tenantId: tenant.tenant_id, siteId: site.site_id, siteName, keyFile };
  }

  async createUser(tenantId, role, email) {
    const password = randomPassword();
    await this.api.ok('POST', '/users', { email, role, password, display_name: email.split('@')[0] }, tenantId);
    return { email, password };
  }

  async startP21Sim(rows) {
    this.p21Password = randomPassword();
    const sim = new Child('p21sim', this.p21simBin, ['--listen', '127.0.0.1:0', '--user', 'contractsync', '--rows', rows], {
      cwd: this.work,
      env: { ...process.env, P21SIM_PASSWORD: this.p21Password },
    });
    this.children.push(sim);
    this.p21Url = await waitFor(
      'the P21 simulator to listen',
      () => {
        if (!sim.running()) throw new Error('p21sim exited: ' + sim.output());
        const m = /p21sim listening on (\S+)/.exec(sim.output());
        return m ? m[1] : null;
      },
      30_000,
      100,
    );
  }

  // The agent config of scripts/demo: the P21 preset's four tables over OData
  // and the vendor contract example's drop folder, holding the sample file.
  writeAgentConfig(site) {
    const dir = path.join(this.work, 'agent-' + site.siteId.slice(0, 8));
    fs.mkdirSync(path.join(dir, 'drop'), { recursive: true });
    const p21 = readJsonc(path.join(this.sourceDir, 'config/p21-items.jsonc'));
    const contract = readJsonc(path.join(this.sourceDir, 'config/agent-vendor-contract.jsonc'));
    const config = {
      agent: { state_dir: 'state', log: { level: 'warn' } },
      relay: {
        url: `wss://127.0.0.1:${this.port}/v1/agent`,
        site_key: { file: site.keyFile },
        ca_file: path.join(this.tls, 'ca.pem'),
        proxy: 'direct',
      },
      sources: {
        p21: { ...p21.sources.p21, base_url: this.p21Url, proxy: 'direct' },
        drop: { type: 'folder', path: 'drop', stable_for: '0s', poll: '1s' },
      },
      entities: [...p21.entities, ...contract.entities.map((e) => ({ ...e, source: 'drop' }))],
    };
    fs.writeFileSync(path.join(dir, 'agent.json'), JSON.stringify(config, null, 2));
    fs.copyFileSync(path.join(this.sourceDir, 'config/samples/acme_contract_2026.csv'), path.join(dir, 'drop/acme_contract_2026.csv'));
    return path.join(dir, 'agent.json');
  }

  startAgent(configFile) {
    const agent = new Child('agent', this.agentBin, ['run', '-c', configFile], {
      cwd: path.dirname(configFile),
      env: { ...process.env, CONTRACTSYNC_P21_PASSWORD: this.p21Password },
    });
    this.children.push(agent);
    return agent;
  }

  async stop(log = () => {}) {
    for (const c of [...this.children].reverse()) {
      const t = Date.now();
      const r = await c.stop().catch((e) => e);
      if (Date.now() - t > 1000) log(`${c.name} took ${Date.now() - t} ms to stop: ${JSON.stringify(r)}`);
    }
    if (this.createdDb) {
      try {
        this.psql(`DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`);
      } catch (e) {
        console.error(String(e));
      }
    }
    fs.rmSync(this.work, { recursive: true, force: true });
  }

  // Last words of every process, for a failing test's report.
  logs() {
    return this.children.map((c) => `--- ${c.name} (${c.running() ? 'running' : 'exited ' + JSON.stringify(c.exitCode)})\n${c.output().slice(-4000)}`).join('\n');
  }
}

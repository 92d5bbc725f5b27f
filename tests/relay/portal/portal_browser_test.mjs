// The portal end to end in headless Chromium (Debian's chromium, driven by
// playwright-core; no browser is ever downloaded) against the real relay,
// PostgreSQL, the P21 simulator and a connected agent:
//   staff: log in, see the site online, send a command and watch it succeed,
//          issue a site key (shown once), stop the agent and see the site go
//          offline, work inside one tenant through the switcher;
//   tenant analyst: dashboard, find a record and its history, runs, failed
//          rows with a retry, alerts, audit, an API token shown once, a 60 MB
//          upload with its progress bar and one over the limit refused in words;
//   isolation: a tenant user cannot open staff pages or another tenant's data.
// Any console error or uncaught exception on any page fails the test (the one
// 404 the isolation check provokes and the 413 of the over-limit upload are
// expected by name). Screenshots of every
// page go to <build>/portal-screenshots/.
//
// Needs CS_TEST_PG_DSN (scripts/test starts PostgreSQL); exits 77 (skipped)
// without it. CS_BINARY_DIR and CS_SOURCE_DIR come from ctest.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ApiClient, Stack, waitFor } from './harness.mjs';
import { analystDetailSteps, staffLayoutSteps } from './layout_steps.mjs';
import { reconciliationSteps } from './recon_steps.mjs';
import { reconFixSteps } from './recon_fix_steps.mjs';
import { notificationSteps, smtpSink } from './notify_steps.mjs';
import { recordsSteps } from './records_steps.mjs';

const kSuiteLimitMs = 240_000; // below ctest's 300 s, so cleanup always runs
const kChromium = process.env.CS_CHROMIUM ?? '/usr/bin/chromium';

const binaryDir = process.env.CS_BINARY_DIR;
const sourceDir = process.env.CS_SOURCE_DIR;
const pgDsn = process.env.CS_TEST_PG_DSN;
if (!pgDsn) {
  console.log('skipped: CS_TEST_PG_DSN is not set (scripts/test starts PostgreSQL)');
  process.exit(77);
}
if (!binaryDir || !sourceDir) {
  console.error('CS_BINARY_DIR and CS_SOURCE_DIR must be set (ctest sets them)');
  process.exit(2);
}
if (!fs.existsSync(kChromium)) {
  console.error(`${kChromium} not found: install Debian's chromium package (scripts/test does)`);
  process.exit(1);
}
const portalDir = path.join(binaryDir, 'portal');
if (!fs.existsSync(path.join(portalDir, 'index.html'))) {
  console.error(`${portalDir}/index.html not found: build the portal target first`);
  process.exit(1);
}
// playwright-core is a devDependency of the portal's package.
const require = createRequire(path.join(sourceDir, 'relay/portal/package.json'));
const { chromium } = require('playwright-core');

const shotDir = path.join(binaryDir, 'portal-screenshots');
fs.rmSync(shotDir, { recursive: true, force: true });
fs.mkdirSync(shotDir, { recursive: true });
const docsShots = process.env.CS_PORTAL_SCREENSHOTS_TO; // e.g. docs/screenshots, to refresh the committed set

const started = Date.now();
const stack = new Stack({ binaryDir, sourceDir, pgDsn });
let browser;
let step = '(setup)';
const consoleErrors = [];
const expectedErrors = [];
const screenshots = [];
let failed = false;

function log(msg) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
}

function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed in "${step}": ${msg}`);
}

// Full pages, except with a dialog open: its backdrop covers the viewport only.
async function shot(page, name, fullPage = true) {
  // Let charts and polled data settle; screenshots show real pages, not spinners.
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
  const file = path.join(shotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  screenshots.push(name);
  if (docsShots) fs.copyFileSync(file, path.join(docsShots, `${name}.png`));
}

// Records console errors and uncaught exceptions of every page of a context.
function watch(context, who) {
  context.on('page', (page) => {
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = `${who} ${page.url()}: ${msg.text()}`;
      const i = expectedErrors.findIndex((re) => re.test(msg.text()));
      if (i >= 0) {
        expectedErrors.splice(i, 1);
        log(`expected console error: ${text}`);
        return;
      }
      consoleErrors.push(text);
      log(`CONSOLE ERROR: ${text}`);
    });
    page.on('pageerror', (err) => {
      consoleErrors.push(`${who} ${page.url()}: uncaught ${err.message}`);
      log(`PAGE ERROR: ${err.message}`);
    });
  });
}

async function newContext(who) {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true, // the test certificate's CA is not in Chromium's store
    viewport: { width: 1440, height: 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  watch(context, who);
  return context;
}

// Signs in with the keyboard only: type, Tab, type, Enter.
async function login(page, user) {
  await page.goto(stack.url + '/');
  await page.waitForURL(/\/login/);
  await page.getByLabel('E-mail').focus();
  await page.keyboard.type(user.email);
  await page.keyboard.press('Tab');
  assert(await page.getByLabel('Password').evaluate((e) => e === document.activeElement), 'Tab leads to the password');
  await page.keyboard.type(user.password);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

async function heading(page, text) {
  await page.getByRole('heading', { level: 1, name: text }).waitFor();
}

// Every status pill and badge on the page reaches WCAG AA contrast (4.5:1)
// between its text and its own background.
async function assertPillContrast(page) {
  const low = await page.evaluate(() => {
    const lum = (css) => {
      const [r, g, b] = css.match(/\d+(\.\d+)?/g).slice(0, 3).map((v) => {
        const c = Number(v) / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    return [...document.querySelectorAll('.pill, .badge')].flatMap((el) => {
      const st = getComputedStyle(el);
      const [a, b] = [lum(st.color), lum(st.backgroundColor)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      return ratio < 4.5 ? [`${el.className} "${el.textContent}": ${ratio.toFixed(2)}:1`] : [];
    });
  });
  assert(low.length === 0, 'pills under 4.5:1 contrast: ' + low.join('; '));
}

async function run(name, fn) {
  step = name;
  log(`step: ${name}`);
  await fn();
}

async function main() {
  await run('start PostgreSQL database, relay, P21 simulator and agent', async () => {
    stack.smtpSink = await smtpSink();
    stack.children.push(stack.smtpSink);
    await stack.startRelay({ portalDir, smtp: stack.smtpSink.config });
    stack.acme = await stack.createTenant('Acme Supply', 'Acme main branch');
    stack.globex = await stack.createTenant('Globex Industrial', 'Globex plant');
    stack.analyst = await stack.createUser(stack.acme.tenantId, 'analyst', 'analyst@acme.test');
    await stack.startP21Sim('supplier=20,inv_mast=200,item_uom=400,inventory_supplier=300');
    stack.agentConfig = stack.writeAgentConfig(stack.acme);
    stack.agent = stack.startAgent(stack.agentConfig);
    browser = await chromium.launch({ executablePath: kChromium, headless: true, timeout: 30_000 });
  });

  const staffCtx = await newContext('staff');
  const staff = await staffCtx.newPage();

  await run('the relay serves the portal with its security headers', async () => {
    const script = staff.waitForResponse((r) => /\/assets\/index-[\w-]+\.js$/.test(new URL(r.url()).pathname));
    const res = await staff.goto(stack.url + '/login');
    const h = res.headers();
    assert(h['content-security-policy']?.includes("default-src 'self'"), 'CSP on the page: ' + h['content-security-policy']);
    assert(h['x-frame-options'] === 'DENY', 'X-Frame-Options');
    assert(h['cache-control'] === 'no-cache', 'index.html revalidates: ' + h['cache-control']);
    assert(h['strict-transport-security'] === 'max-age=31536000', 'HSTS: ' + h['strict-transport-security']);
    assert(h['server'] === 'contractsync-relay', 'no build version in Server: ' + h['server']);
    const asset = await script; // the page's hashed script, as the browser loaded it
    assert(asset.status() === 200 && asset.headers()['cache-control'].includes('immutable'), 'assets are immutable');
    assert(asset.headers()['content-type'].startsWith('text/javascript'), 'script content type');
    await shot(staff, '01-login');
  });

  await run('staff: log in and see the site online in the fleet', async () => {
    await login(staff, stack.staff);
    await heading(staff, 'Fleet');
    await staff.locator('tr[data-site="Acme main branch"][data-state="ok"]').waitFor({ timeout: 60_000 });
    await staff.locator('tr[data-site="Globex plant"][data-state="never_connected"]').waitFor();
    // Trouble first: the never-connected site sorts above the healthy one.
    const order = await staff.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-site')));
    assert(order.indexOf('Globex plant') < order.indexOf('Acme main branch'), 'trouble first: ' + order.join(', '));
    // The fleet refreshes every few seconds; what is typed must survive that.
    await staff.getByLabel('Search').fill('globex');
    for (let i = 0; i < 2; ++i) await staff.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/fleet/sites');
    assert((await staff.getByLabel('Search').inputValue()) === 'globex', 'a refresh kept the search being typed');
    await staff.getByLabel('Search').press('Enter');
    await staff.locator('tr[data-site="Acme main branch"]').waitFor({ state: 'detached' });
    await staff.getByLabel('Search').fill('');
    await staff.getByLabel('Search').press('Enter');
    await staff.locator('tr[data-site="Acme main branch"]').waitFor();
    await shot(staff, '02-fleet');
  });

  await run('staff: site detail, entities synced, sync now succeeds', async () => {
    await staff.getByRole('link', { name: 'Acme main branch' }).click();
    await heading(staff, 'Acme main branch');
    await staff.locator('tr[data-entity="inv_mast"]').waitFor({ timeout: 60_000 });
    await staff.locator('tr[data-entity="contract_lines"]').waitFor({ timeout: 60_000 });
    await staff.getByRole('button', { name: 'Sync now', exact: true }).click();
    await staff.locator('tr[data-command="sync_now"][data-status="succeeded"]').waitFor({ timeout: 60_000 });
    // The heartbeat chart counts what the relay stored (the agent beats every 2 s here).
    await staff.reload();
    await heading(staff, 'Acme main branch');
    const beats = Number(await staff.locator('[data-heartbeats]').getAttribute('data-heartbeats'));
    assert(beats >= 2, `the heartbeat chart counts the agent's heartbeats: ${beats}`);
    await staff.getByRole('img', { name: /heartbeats in the last 24 hours; heard from in [1-9]/ }).waitFor();
    // A site made minutes ago and connected since is measured over its own
    // life, not over the 24 hours before it existed.
    const connected = staff.locator('[data-connected-pct]');
    const pct = Number(await connected.getAttribute('data-connected-pct'));
    assert(pct >= 50, 'connected share of the site\'s life: ' + pct);
    assert((await connected.innerText()).includes('since the site was created'), await connected.innerText());
    // Time axes name the day on their first label, not only the hour.
    const firstAxis = await staff.locator('figure.chart text.axis').filter({ hasText: ':' }).first().textContent();
    assert(/^[A-Z][a-z]{2} \d{1,2}, /.test(firstAxis), 'the first time label names its day: ' + firstAxis);
    await shot(staff, '03-site-detail');
  });

  await run('staff: a new site key is shown once', async () => {
    await staff.goto(`${stack.url}/sites/${stack.globex.siteId}`);
    await heading(staff, 'Globex plant');
    await staff.getByRole('button', { name: 'Rotate key' }).click();
    await staff.getByRole('dialog', { name: 'Please confirm' }).getByRole('button', { name: 'Rotate key' }).click();
    const key = await staff.locator('input[data-secret]').inputValue();
    assert(key.length > 20, 'a key is shown');
    await shot(staff, '04-site-key-shown-once', false);
    await staff.getByRole('button', { name: 'Close' }).click();
    await staff.reload();
    await heading(staff, 'Globex plant');
    assert((await staff.content()).indexOf(key) < 0, 'the key is not shown again');
  });

  await run('staff: tenants, alerts, audit log, users', async () => {
    await staff.getByRole('link', { name: 'Tenants' }).click();
    await heading(staff, 'Tenants');
    await staff.getByRole('cell', { name: 'Globex Industrial', exact: true }).waitFor();
    await shot(staff, '05-tenants');
    await staff.getByRole('link', { name: 'Audit log' }).click();
    await heading(staff, 'Audit log');
    await staff.locator('tr[data-action="site.rotate_key"]').first().waitFor();
    await shot(staff, '06-audit-log');
    await staff.getByRole('link', { name: 'Settings' }).click();
    await staff.getByRole('link', { name: 'Users and roles' }).click();
    await staff.locator('tr[data-user="analyst@acme.test"]').waitFor();
    await shot(staff, '07-settings-users');
  });

  await run('staff: stop the agent and see the site go offline', async () => {
    await staff.getByRole('link', { name: 'Fleet' }).click();
    await heading(staff, 'Fleet');
    await staff.locator('tr[data-site="Acme main branch"][data-state="ok"]').waitFor();
    const code = await stack.agent.stop('SIGTERM');
    assert(code.code === 0, 'the agent stopped cleanly: ' + JSON.stringify(code));
    const stopped = Date.now();
    await staff.locator('tr[data-site="Acme main branch"][data-state="offline"]').waitFor({ timeout: 60_000 });
    log(`offline shown ${((Date.now() - stopped) / 1000).toFixed(1)} s after the agent stopped`);
    await shot(staff, '08-fleet-site-offline');
    await staff.getByRole('link', { name: 'Acme main branch' }).click();
    await staff.getByRole('heading', { level: 1, name: 'Acme main branch' }).waitFor();
    await staff.locator('.badge-offline').first().waitFor();
    // Commands for an offline site wait at the relay.
    await staff.getByRole('button', { name: 'Retry failed rows' }).click();
    await staff.locator('tr[data-command="retry_failed"][data-status="pending"]').waitFor();
    await shot(staff, '09-site-offline-command-waiting');
    stack.agent = stack.startAgent(stack.agentConfig);
    // The sample's row without a price fails again: the retry is not a success.
    await staff.locator('tr[data-command="retry_failed"][data-status="failed"]').waitFor({ timeout: 60_000 });
  });

  await run('staff: work inside one tenant through the switcher', async () => {
    await staff.getByLabel('Tenant').selectOption({ label: 'Acme Supply' });
    await staff.goto(stack.url + '/dashboard');
    await heading(staff, 'Dashboard');
    await staff.locator('tr[data-entity="inv_mast"]').waitFor();
    await staff.getByRole('link', { name: 'Settings' }).click();
    await staff.getByRole('link', { name: 'Alerts' }).last().click();
    await staff.getByLabel('Alert webhook URL').waitFor();
    await shot(staff, '10-settings-alerts');
    // Setting a webhook shows its signing secret once; replacing it shows a new one.
    await staff.getByLabel('Alert webhook URL').fill('https://hooks.example.com/contractsync');
    await staff.getByRole('button', { name: 'Save' }).click();
    const shown = staff.getByRole('dialog', { name: 'Webhook signing secret' });
    const first = await shown.locator('input[data-secret]').inputValue();
    assert(/^whsec_[A-Za-z0-9_-]{43}$/.test(first), 'a signing secret is shown: ' + first);
    await shot(staff, '10b-webhook-secret-shown-once', false);
    await shown.getByRole('button', { name: 'Close' }).click();
    await staff.getByTestId('webhook-signing').getByText('Every delivery carries').waitFor();
    await staff.getByRole('button', { name: 'Replace signing secret' }).click();
    await staff.getByRole('dialog', { name: 'Please confirm' }).getByRole('button', { name: 'Replace secret' }).click();
    const second = await staff.getByRole('dialog', { name: 'Webhook signing secret' }).locator('input[data-secret]').inputValue();
    assert(/^whsec_/.test(second) && second !== first, 'a new secret replaces the first');
    await staff.getByRole('dialog', { name: 'Webhook signing secret' }).getByRole('button', { name: 'Close' }).click();
    await staff.getByTestId('webhook-signing').getByText('The previous secret also signs until').waitFor();
    await staff.reload();
    await staff.getByLabel('Alert webhook URL').waitFor();
    const page = await staff.content();
    assert(page.indexOf(first) < 0 && page.indexOf(second) < 0, 'no secret is shown again');
    // Removing the webhook removes its secret.
    await staff.getByLabel('Alert webhook URL').fill('');
    await staff.getByRole('button', { name: 'Save' }).click();
    await staff.getByTestId('webhook-signing').getByText('Setting a webhook URL creates its signing secret').waitFor();
  });

  await run('staff: a new site shows how to install its agent and waits for its first connection', async () => {
    await staff.goto(stack.url + '/sites');
    await heading(staff, 'Sites');
    await staff.getByRole('button', { name: 'Add site' }).click();
    await staff.getByLabel('Site name').fill('Acme warehouse');
    await staff.getByRole('button', { name: 'Create site' }).click();
    const panel = staff.getByTestId('install-agent');
    await panel.waitFor();
    const relayUrl = await panel.getByTestId('relay-url').innerText();
    assert(relayUrl === `wss://${new URL(stack.url).host}/v1/agent`, 'the relay URL: ' + relayUrl);
    const key = await panel.locator('input[data-secret]').inputValue();
    assert(key.startsWith('cs_site_'), 'the site key is shown');
    const windows = await panel.getByLabel('Windows install commands').innerText();
    assert(/msiexec \/i contractsync-agent-\d+\.\d+\.\d+-x64\.msi/.test(windows), 'the msiexec line names this release: ' + windows);
    assert(windows.includes(`RELAY_URL=${relayUrl}`) && windows.includes('SITE_KEY_FILE='), 'the msiexec line has the relay URL and a key file');
    assert(!windows.includes(key), 'the key is never on a command line');
    await shot(staff, '10c-install-agent-windows', false);
    await panel.getByLabel('Linux (Debian 12)').check();
    const linux = await panel.getByLabel('Linux install commands').innerText();
    assert(/apt install \.\/contractsync-agent_\d+\.\d+\.\d+-1_amd64\.deb/.test(linux), 'the apt line: ' + linux);
    assert(linux.includes(relayUrl) && linux.includes('secret set site_key') && !linux.includes(key), 'the Linux lines set the URL and prompt for the key');
    await staff.getByRole('dialog', { name: 'Install the agent' }).getByRole('button', { name: 'Close' }).click();
    await staff.locator('tr', { hasText: 'Acme warehouse' }).getByText('Waiting for first connection').waitFor();
    await assertPillContrast(staff);
  });
  await staffLayoutSteps({ run, staff, stack, shot, heading, assert });
  await staffCtx.close();

  const tenantCtx = await newContext('analyst');
  const analyst = await tenantCtx.newPage();
  const requested = [];
  analyst.on('request', (r) => requested.push(r.url()));

  await run('tenant analyst: dashboard', async () => {
    await login(analyst, stack.analyst);
    await heading(analyst, 'Dashboard');
    await analyst.locator('tr[data-entity="inv_mast"]').waitFor();
    await analyst.locator('.badge-ok').first().waitFor({ timeout: 60_000 });
    await shot(analyst, '11-tenant-dashboard');
  });

  await run('tenant analyst: find a record and its change history', async () => {
    const sample = await stack.api.ok('GET', `/sites/${stack.acme.siteId}/entities/inv_mast/records?page_size=1`, undefined, stack.acme.tenantId);
    const itemId = String(sample.items[0].data.item_id);
    await analyst.getByRole('link', { name: 'Records' }).click();
    await heading(analyst, 'Records');
    await analyst.getByLabel('Entity').selectOption('inv_mast');
    await analyst.getByLabel('Field').fill('item_id');
    await analyst.getByLabel('equals').fill(itemId);
    await analyst.getByRole('button', { name: 'Filter' }).click();
    await waitFor('one matching record', async () => (await analyst.locator('table.records tbody tr').count()) === 1, 15_000);
    await shot(analyst, '12-records');
    await analyst.getByRole('link', { name: /Details of record/ }).click();
    await heading(analyst, 'inv_mast record');
    await analyst.getByRole('cell', { name: itemId, exact: true }).waitFor();
    await analyst.getByText('insert', { exact: true }).first().waitFor();
    await shot(analyst, '13-record-detail');
    // Decimals show as stored: trailing zeros and digits past double precision.
    const nines = '9'.repeat(38);
    stack.psql(`UPDATE records SET data = data || '{"list_price": 12.50, "big_cost": 1234567890123456789.1234, "max_qty": ${nines}, "tiny": 0.0000000000000000000000000000000000001}'::jsonb WHERE entity = 'inv_mast' AND data->>'item_id' = '${itemId.replace(/'/g, "''")}'`, stack.dbDsn);
    await analyst.reload();
    await heading(analyst, 'inv_mast record');
    for (const text of ['12.50', '1234567890123456789.1234', nines, '0.0000000000000000000000000000000000001']) {
      await analyst.getByRole('cell', { name: text, exact: true }).waitFor({ timeout: 10_000 });
    }
  });

  await recordsSteps({ run, analyst, stack, shot, heading, assert, expectedErrors });

  await run('tenant analyst: sync runs, failed rows with a retry, alerts', async () => {
    await analyst.getByRole('link', { name: 'Sync runs' }).click();
    await heading(analyst, 'Sync runs');
    await analyst.locator('tr[data-entity="inv_mast"]').first().waitFor();
    await analyst.getByRole('button', { name: 'Details' }).first().click();
    await shot(analyst, '14-sync-runs');
    await analyst.getByRole('link', { name: 'Failed rows' }).click();
    await heading(analyst, 'Failed rows');
    await analyst.getByRole('button', { name: 'Retry all failed rows' }).click();
    const retried = analyst.locator('.notice-bad', { hasText: 'Retry of failed rows' });
    await retried.getByText('1 row(s) still fail', { exact: false }).waitFor({ timeout: 60_000 });
    assert((await retried.getByText('Succeeded', { exact: true }).count()) === 0, 'a retry whose row fails again is not shown as succeeded');
    await shot(analyst, '15-failed-rows');
    await analyst.getByRole('link', { name: 'Alerts' }).click();
    await heading(analyst, 'Alerts');
    await analyst.getByLabel('Status').selectOption('all');
    await shot(analyst, '16-alerts');
  });

  await run('tenant analyst: an API token is shown once', async () => {
    await analyst.getByRole('link', { name: 'Settings' }).click();
    await heading(analyst, 'Settings');
    await analyst.getByLabel('Name').fill('nightly export');
    await analyst.getByRole('button', { name: 'Create token' }).click();
    const token = await analyst.locator('input[data-secret]').inputValue();
    assert(token.startsWith('cs_tok_'), 'token shown: ' + token.slice(0, 7));
    await shot(analyst, '17-settings-api-token', false);
    await analyst.getByRole('button', { name: 'Close' }).click();
    await analyst.locator('td', { hasText: 'nightly export' }).waitFor();
    assert((await analyst.content()).indexOf(token) < 0, 'the token is not shown again');
  });

  await reconciliationSteps({ run, analyst, stack, shot, heading, assert, assertPillContrast, expectedErrors });
  await reconFixSteps({ run, analyst, stack, shot, heading, assert });
  await analystDetailSteps({ run, analyst, stack, shot, heading, assert });
  await notificationSteps({ run, analyst, stack, shot, heading, assert, log, newContext, login });

  await run('tenant analyst: cannot reach staff pages or another tenant', async () => {
    for (const label of ['Fleet', 'Tenants']) {
      assert((await analyst.getByRole('link', { name: label, exact: true }).count()) === 0, `no ${label} link for tenants`);
    }
    await analyst.getByRole('link', { name: 'Audit log' }).click();
    await heading(analyst, 'Audit log');
    const before = requested.length;
    await analyst.goto(stack.url + '/fleet');
    await analyst.getByText('This page is not available to you').waitFor();
    await analyst.goto(stack.url + '/tenants');
    await analyst.getByText('This page is not available to you').waitFor();
    await shot(analyst, '18-tenant-refused-staff-page');
    assert(!requested.slice(before).some((u) => /\/api\/v1\/(fleet|tenants)/.test(u)), 'no staff API call was even made');
    // Another tenant's site: the relay answers 404 (the browser logs that one).
    expectedErrors.push(/status of 404/);
    await analyst.goto(`${stack.url}/sites/${stack.globex.siteId}`);
    await analyst.getByText(/Not found/).waitFor();
    assert(!(await analyst.content()).includes('Globex'), 'nothing of Globex on the page');
    await waitFor('the expected 404 in the console', async () => expectedErrors.length === 0, 5000);
    // The API itself, with the browser's session cookie, even naming Globex as tenant.
    const session = (await tenantCtx.cookies()).find((c) => c.name === 'cs_session');
    assert(session?.httpOnly && session.secure && session.sameSite === 'Strict', 'a hardened session cookie');
    const api = new ApiClient(stack.port, stack.ca);
    api.cookie = `cs_session=${session.value}`;
    const as = (p, tenant) => api.call('GET', p, undefined, tenant);
    assert((await as('/fleet/sites')).status === 403, 'fleet refused');
    assert((await as('/tenants')).status === 403, 'tenants refused');
    assert((await as(`/sites/${stack.globex.siteId}`, stack.globex.tenantId)).status === 404, 'Globex site hidden');
    assert((await as(`/sites/${stack.globex.siteId}/entities`, stack.globex.tenantId)).status === 404, 'Globex data hidden');
    const sites = (await as('/sites?page_size=500', stack.globex.tenantId)).body;
    // Acme's sites only (its main branch and the warehouse staff added), never Globex's.
    assert(sites.items.some((s) => s.site_id === stack.acme.siteId) && sites.items.every((s) => s.tenant_id === stack.acme.tenantId && s.site_id !== stack.globex.siteId), 'only Acme sites: ' + JSON.stringify(sites.items.map((s) => s.name)));
  });
  await tenantCtx.close();

  assert(consoleErrors.length === 0, `console errors:\n  ${consoleErrors.join('\n  ')}`);
  assert(expectedErrors.length === 0, 'expected console errors did not happen: ' + expectedErrors.join(', '));
}

const limit = setTimeout(() => {
  console.error(`FAIL: the suite exceeded ${kSuiteLimitMs / 1000} s in step "${step}"`);
  failed = true;
  cleanup().finally(() => process.exit(1));
}, kSuiteLimitMs);

let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  await browser?.close().catch(() => {});
  await stack.stop(log);
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => cleanup().finally(() => process.exit(1)));
}

try {
  await main();
} catch (e) {
  failed = true;
  console.error(`FAIL in step "${step}": ${e.stack ?? e}`);
  console.error(stack.logs());
} finally {
  clearTimeout(limit);
  await cleanup();
}
log(`${failed ? 'FAILED' : 'passed'}: ${screenshots.length} screenshots in ${shotDir}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);

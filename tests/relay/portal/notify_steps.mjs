// The portal browser test's notification steps: a site goes offline and staff
// get an e-mail in a local SMTP sink and a notification on the bell; the
// tenant analyst sees it too, acknowledges the alert, and the bell clears;
// the webhook's "Send test" reports its outcome. The sink is started before
// the relay (smtpSink) so that the relay's smtp section can point at it.
import net from 'node:net';
import { waitFor } from './harness.mjs';

// A small SMTP server on 127.0.0.1 that records each message; every
// connection is closed after 30 s at most.
export async function smtpSink() {
  const messages = [];
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setTimeout(30_000, () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = '';
    let data = null;
    let envelope = { from: '', to: [] };
    const say = (line) => socket.write(line + '\r\n');
    say('220 sink.test ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      if (buffer.length > 1 << 20) return socket.destroy();
      let end;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data !== null) {
          if (line === '.') {
            messages.push({ ...envelope, data: data.join('\r\n') });
            envelope = { from: '', to: [] };
            data = null;
            say('250 2.0.0 queued');
          } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const verb = line.split(' ')[0].toUpperCase();
        const addr = (/<([^>]*)>/.exec(line) ?? [])[1] ?? '';
        if (verb === 'EHLO' || verb === 'HELO') say('250-sink.test\r\n250 8BITMIME');
        else if (verb === 'MAIL') (envelope.from = addr), say('250 2.1.0 ok');
        else if (verb === 'RCPT') envelope.to.push(addr), say('250 2.1.5 ok');
        else if (verb === 'DATA') (data = []), say('354 go ahead');
        else if (verb === 'QUIT') say('221 bye'), socket.end();
        else if (verb === 'RSET' || verb === 'NOOP') say('250 ok');
        else say('502 not implemented');
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    name: 'smtp-sink',
    messages,
    // The relay's smtp section for this sink.
    config: { host: '127.0.0.1', port, from: 'notifications@contractsync.test', tls: 'none', timeout: '5s', portal_url: 'https://portal.contractsync.test' },
    running: () => server.listening,
    output: () => messages.map((m) => `to ${m.to.join(', ')}: ${/^Subject: (.*)$/m.exec(m.data)?.[1]}`).join('\n'),
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export async function notificationSteps({ run, analyst, stack, shot, heading, assert, log, newContext, login }) {
  const sink = stack.smtpSink;
  const staffCtx = await newContext('staff');
  const staff = await staffCtx.newPage();
  await login(staff, stack.staff);
  await staff.getByLabel('Tenant').selectOption({ label: 'Acme Supply' });
  await run('staff and tenant: a site goes offline, an e-mail arrives, the bell shows it, an alert is acknowledged', async () => {
    // As an administrator would: alert after 30 s offline (the least allowed).
    await stack.api.ok('PATCH', '/settings', { offline_after_seconds: 30 }, stack.acme.tenantId);
    const before = sink.messages.length;
    const code = await stack.agent.stop('SIGTERM');
    assert(code.code === 0, 'the agent stopped cleanly: ' + JSON.stringify(code));
    const stopped = Date.now();

    // While the site is going offline: the webhook's "Send test" reports
    // what happened (an example URL, which does not take deliveries).
    await staff.goto(stack.url + '/settings/alerts');
    await staff.getByLabel('Alert webhook URL').fill('https://hooks.example.com/contractsync');
    await staff.getByRole('button', { name: 'Save' }).click();
    await staff.getByRole('dialog', { name: 'Webhook signing secret' }).getByRole('button', { name: 'Close' }).click();
    await staff.getByRole('button', { name: 'Send test' }).click();
    const outcome = staff.locator('[data-testid="webhook-test"] [data-delivered]');
    await outcome.waitFor({ timeout: 30_000 });
    const text = await outcome.innerText();
    assert((await outcome.getAttribute('data-delivered')) === 'false' && /^Test delivery \d+ failed: ./.test(text), 'the test delivery reports its failure: ' + text);
    await shot(staff, '40-settings-webhook-test');
    await staff.getByLabel('Alert webhook URL').fill('');
    await staff.getByRole('button', { name: 'Save' }).click();
    await staff.getByTestId('webhook-signing').getByText('Setting a webhook URL creates its signing secret').waitFor();

    const mail = await waitFor(
      'the offline e-mail in the SMTP sink',
      () => sink.messages.slice(before).find((m) => m.to.includes(stack.staff.email) && /^Subject: \[ContractSync\] Site offline: Acme main branch/m.test(m.data)),
      90_000,
      500,
    );
    log(`offline e-mail received ${((Date.now() - stopped) / 1000).toFixed(1)} s after the agent stopped`);
    assert(/^Content-Type: text\/plain; charset=UTF-8$/m.test(mail.data) && /^Message-ID: <.+@contractsync\.test>$/m.test(mail.data) && /^Date: /m.test(mail.data), 'the e-mail has its headers: ' + mail.data.slice(0, 600));
    assert(mail.data.includes(`https://portal.contractsync.test/sites/${stack.acme.siteId}`), 'the e-mail links to the site: ' + mail.data);

    // Staff: the bell counts it; the list links to the site.
    await staff.goto(stack.url + '/fleet');
    const bell = staff.locator('a.bell');
    await waitFor('the staff bell to count the offline site', async () => Number(await bell.getAttribute('data-unread')) > 0, 30_000);
    await shot(staff, '41-bell-unread');
    await bell.click();
    await heading(staff, 'Notifications');
    const item = staff.locator('li[data-kind="site_offline"]', { hasText: 'Site offline: Acme main branch' }).first();
    await item.waitFor();
    await shot(staff, '42-notifications');
    await item.getByRole('button', { name: /^Mark .* read$/ }).click();
    await item.waitFor({ state: 'detached' }); // the list shows unread ones

    // The analyst of the tenant sees it on their own bell and acknowledges the alert.
    await analyst.goto(stack.url + '/alerts');
    await heading(analyst, 'Alerts');
    const abell = analyst.locator('a.bell');
    await waitFor('the analyst bell to count the offline site', async () => Number(await abell.getAttribute('data-unread')) > 0, 30_000);
    // (The reconciliation steps left high-severity exception notifications unread.)
    const unreadBefore = Number(await abell.getAttribute('data-unread'));
    const row = analyst.locator('tr[data-kind="site_offline"][data-acknowledged="false"]').first();
    await row.getByRole('button', { name: /Acknowledge/ }).click();
    await analyst.locator('tr[data-kind="site_offline"][data-acknowledged="true"]').first().waitFor();
    await waitFor('the analyst bell to count one less', async () => Number(await abell.getAttribute('data-unread')) === unreadBefore - 1, 30_000);
    await shot(analyst, '43-alert-acknowledged');
    const audit = await stack.api.ok('GET', '/audit?action=alert.acknowledge', undefined, stack.acme.tenantId);
    assert(audit.items.length === 1 && audit.items[0].actor === stack.analyst.email, 'the acknowledgement is audited: ' + JSON.stringify(audit.items));

    await stack.api.ok('PATCH', '/settings', { offline_after_seconds: 300 }, stack.acme.tenantId);
    stack.agent = stack.startAgent(stack.agentConfig);
    await staff.goto(stack.url + '/fleet');
    await staff.locator('tr[data-site="Acme main branch"][data-state="ok"]').waitFor({ timeout: 60_000 });
  });
  await staffCtx.close();
}

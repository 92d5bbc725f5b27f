// The portal browser test's checks of the small things people notice: every
// main page lays out at 1024 px without sideways scrolling of the page (wide
// tables scroll inside their own frame), times name their zone, a disabled
// button says why, focus goes back to the row a drawer was opened from, and
// failed sign-ins reach the audit log under the account they tried. Called by
// portal_browser_test.mjs with its pages, stack and helpers.

import { waitFor } from './harness.mjs';

const kNarrow = { width: 1024, height: 768 };

// The page's own width against the viewport: nothing may stick out but what
// sits inside a scrolling frame (.table-wrap).
async function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll('main *, header *, nav *')) {
      if (el.closest('.table-wrap, dialog, .chart, svg')) continue;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 1) out.push(`${el.tagName.toLowerCase()}.${el.className || ''} ends at ${Math.round(r.right)} px`);
    }
    return { scroll: document.documentElement.scrollWidth, width, out: out.slice(0, 5) };
  });
}

// Each page of `pages` ([path, heading]) at 1024 px, then back to the test's size.
async function checkNarrow({ run, page, who, pages, stack, heading, assert, shot, name }) {
  await run(`${who}: the portal lays out at 1024 px`, async () => {
    await page.setViewportSize(kNarrow);
    try {
      for (const [where, title] of pages) {
        await page.goto(stack.url + where);
        await heading(page, title);
        await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
        const o = await overflow(page);
        assert(o.scroll <= o.width + 1 && o.out.length === 0, `${where} at 1024 px is ${o.scroll} px wide: ${o.out.join('; ')}`);
      }
      await shot(page, name);
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });
}

export async function staffLayoutSteps({ run, staff, stack, shot, heading, assert }) {
  await checkNarrow({
    run,
    page: staff,
    who: 'staff',
    stack,
    heading,
    assert,
    shot,
    name: '30-audit-at-1024px',
    pages: [
      ['/fleet', 'Fleet'],
      ['/tenants', 'Tenants'],
      ['/alerts', 'Alerts'],
      ['/audit', 'Audit log'],
    ],
  });
}

export async function analystDetailSteps({ run, analyst, stack, shot, heading, assert }) {
  await checkNarrow({
    run,
    page: analyst,
    who: 'tenant analyst',
    stack,
    heading,
    assert,
    shot,
    name: '31-exceptions-at-1024px',
    pages: [
      ['/dashboard', 'Dashboard'],
      ['/sites', 'Sites'],
      [`/sites/${stack.acme.siteId}`, 'Acme main branch'],
      ['/records', 'Records'],
      ['/runs', 'Sync runs'],
      ['/failed-rows', 'Failed rows'],
      ['/settings/tokens', 'Settings'],
      ['/recon/files', 'Vendor files'],
      ['/recon/exceptions', 'Exceptions'],
    ],
  });

  await run('tenant analyst: times name their zone; a disabled button says why', async () => {
    await analyst.goto(stack.url + '/runs');
    await heading(analyst, 'Sync runs');
    const when = await analyst.locator('tr[data-entity] td').filter({ hasText: /\d{4}/ }).first().innerText();
    assert(/UTC/.test(when), `a time shows its zone: "${when}"`);
    await analyst.goto(stack.url + '/settings/tokens');
    await heading(analyst, 'Settings');
    const create = analyst.getByRole('button', { name: 'Create token' });
    assert(await create.isDisabled(), 'no token without a name');
    const why = await create.evaluate((b) => document.getElementById(b.getAttribute('aria-describedby') ?? '')?.textContent ?? '');
    assert(why === 'Name the token first.', `the disabled button says why: "${why}"`);
  });

  await run('tenant analyst: focus goes back to the row a drawer was opened from', async () => {
    await analyst.goto(stack.url + '/recon/exceptions');
    await heading(analyst, 'Exceptions');
    const row = analyst.locator('tr[data-status="open"]').first();
    await row.waitFor();
    const number = await row.getAttribute('data-exception');
    const open = analyst.getByRole('button', { name: `Open exception ${number}`, exact: true });
    await open.focus();
    await analyst.keyboard.press('Enter');
    const drawer = analyst.getByRole('dialog', { name: `Exception #${number}` });
    await drawer.getByRole('heading', { name: 'The numbers' }).waitFor();
    await analyst.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    await waitFor('focus back on the row', async () => open.evaluate((b) => b === document.activeElement), 3000);
  });

  await run('tenant analyst: a failed sign-in on their account is in the audit log', async () => {
    const refused = await stack.api.call('POST', '/auth/login', { email: stack.analyst.email, password: 'not the password' });
    assert(refused.status === 401, 'a wrong password is refused: ' + refused.status);
    await analyst.goto(stack.url + '/audit');
    await heading(analyst, 'Audit log');
    await analyst.getByRole('button', { name: 'Failed sign-ins' }).click();
    const row = analyst.locator('tr[data-action="auth.login.failed"]').first();
    await row.waitFor();
    const text = await row.innerText();
    assert(text.includes(stack.analyst.email) && text.includes('wrong password'), 'the failed sign-in names the account and why: ' + text);
    assert(!/[0-9a-f]{8}-[0-9a-f]{4}-/.test(text), 'the entry shows names, not ids: ' + text);
    await shot(analyst, '32-audit-failed-sign-ins');
  });
}

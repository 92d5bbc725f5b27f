// The portal browser test's steps for fixing what a run could not match, as a
// tenant analyst would: the queue sorted by a column of numbers, a
// MISSING_MAPPING mapped from its drawer (a P21 item search) that leaves the
// open queue at once, and the Vendor links page with its supplier search.
// Called by portal_browser_test.mjs with its page, stack and helpers.
import fs from 'node:fs';
import path from 'node:path';
import { uploadAndReconcile } from './recon_steps.mjs';

export async function reconFixSteps({ run, analyst, stack, shot, heading, assert }) {
  await run('tenant analyst: sort the queue by a column, fix a MISSING_MAPPING from its drawer', async () => {
    // A vendor item P21 does not know by that number, described like a P21 item.
    const item = stack.psql(`SELECT item_id FROM recon_p21_items WHERE NOT deleted AND active ORDER BY item_id LIMIT 1`, stack.dbDsn);
    assert(item, 'the P21 catalog holds items');
    const file = path.join(stack.work, 'acme_fix_2026.csv');
    fs.writeFileSync(file, 'Vendor,Contract #,Item ID,Description,UOM,Price\nACME,AC-FIX,FIX-ME-1,Mystery part,EA,1.00\n');
    await uploadAndReconcile(analyst, heading, file);

    // The numbers are columns, sorted on the relay by a click on the header.
    await analyst.goto(stack.url + '/recon/exceptions?status=open');
    await heading(analyst, 'Exceptions');
    await analyst.locator('tr[data-exception]').first().waitFor();
    await analyst.locator('button[data-sort="contract_price"]').click();
    await analyst.waitForURL(/sort=-contract_price/);
    await analyst.locator('th[aria-sort="descending"] button[data-sort="contract_price"]').waitFor();
    const prices = await analyst.locator('tr[data-exception] td[data-col="contract_price"]').allInnerTexts();
    const numbers = prices.map((p) => Number(p.replace(/[^0-9.-]/g, ''))).filter((n) => !Number.isNaN(n) && prices.length > 0);
    for (let i = 1; i < numbers.length; i++) assert(numbers[i - 1] >= numbers[i], `prices descend: ${prices.join(' ')}`);
    await shot(analyst, '25-recon-queue-sorted');

    await analyst.goto(stack.url + '/recon/exceptions?status=open&rule=MISSING_MAPPING&vendor_id=ACME');
    const row = analyst.locator('tr[data-exception]', { hasText: 'FIX-ME-1' });
    await row.waitFor();
    const number = await row.getAttribute('data-exception');
    await analyst.getByRole('button', { name: `Open exception ${number}`, exact: true }).click();
    const drawer = analyst.getByRole('dialog', { name: `Exception #${number}` });
    await drawer.getByRole('heading', { name: 'Fix it' }).waitFor();
    await drawer.getByRole('button', { name: 'Map item…' }).click();
    await drawer.getByLabel('P21 item id, supplier part number or description').fill(item);
    await drawer.getByRole('button', { name: 'Search P21' }).click();
    await drawer.getByRole('listbox', { name: 'P21 item id, supplier part number or description' }).getByRole('radio').first().check();
    await shot(analyst, '26-recon-fix-map-item', false);
    await drawer.getByRole('button', { name: `Map to ${item}` }).click();
    // Re-evaluated at once: the drawer says what was found, the exception is resolved.
    await drawer.locator('[data-fixed]', { hasText: 'Re-evaluated 1 contract line' }).waitFor({ timeout: 30_000 });
    await drawer.locator('.pill', { hasText: /^resolved$/ }).first().waitFor();
    await analyst.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    await analyst.locator(`tr[data-exception="${number}"]`).waitFor({ state: 'detached' });
  });

  await run('tenant analyst: vendor links with a P21 supplier search', async () => {
    const supplier = stack.psql(`SELECT supplier_id FROM recon_p21_suppliers WHERE supplier_id IS NOT NULL ORDER BY supplier_id LIMIT 1`, stack.dbDsn);
    assert(supplier, 'the P21 catalog holds suppliers');
    await analyst.getByRole('link', { name: 'Vendor links' }).click();
    await heading(analyst, 'Vendor links');
    await analyst.getByLabel('Vendor code').fill('ZZ-NEWCO');
    const fix = analyst.locator('[data-fix="link-vendor"]');
    await fix.getByLabel('P21 supplier id or name').fill(supplier);
    await fix.getByRole('button', { name: 'Search P21' }).click();
    await fix.getByRole('radio').first().check();
    await fix.getByRole('button', { name: `Link ZZ-NEWCO to supplier ${supplier}` }).click();
    await analyst.locator('[data-link-result]').waitFor({ timeout: 30_000 });
    await analyst.locator('tr[data-vendor="ZZ-NEWCO"][data-linked="yes"]').waitFor();
    await shot(analyst, '27-recon-vendor-links');
    await analyst.getByRole('button', { name: 'Unlink ZZ-NEWCO' }).click();
    await analyst.getByRole('dialog', { name: 'Please confirm' }).getByRole('button', { name: 'Unlink' }).click();
    await analyst.locator('tr[data-vendor="ZZ-NEWCO"]').waitFor({ state: 'detached' });
  });
}

// The portal browser test's Records steps, as a tenant analyst uses the page:
// sort a column both ways, jump to page 3, to the last page and back, filter
// and export that view as CSV, be told a field does not exist, and read which
// fields an update changed on the record page. Called by
// portal_browser_test.mjs with its page, stack and helpers.
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from './harness.mjs';

export async function recordsSteps({ run, analyst, stack, shot, heading, assert, expectedErrors }) {
  const where = () => analyst.locator('.pager-where').innerText();
  const firstCells = (n) => analyst.locator('table.records tbody tr').evaluateAll((rows, n) => rows.map((r) => r.children[n]?.textContent ?? ''), n);

  await run('tenant analyst: records sorted, paged by jumps, exported, a field-level history', async () => {
    await analyst.getByRole('link', { name: 'Records' }).click();
    await heading(analyst, 'Records');
    await analyst.getByLabel('Entity').selectOption('inv_mast');
    await waitFor('the count of the view', async () => /^Rows 1–50 of 200/.test(await where()), 15_000);

    // Sort by item_id: ascending, then descending, as the header says.
    const header = analyst.locator('th', { has: analyst.getByRole('button', { name: /^item_id/ }) });
    const column = await analyst.locator('table.records thead th').evaluateAll((ths) => ths.findIndex((th) => th.textContent.startsWith('item_id')));
    assert(column >= 0, 'item_id is a default column');
    await header.getByRole('button').click();
    await waitFor('ascending order', async () => (await header.getAttribute('aria-sort')) === 'ascending', 15_000);
    await waitFor('the rows in order', async () => {
      const ids = await firstCells(column);
      return ids.length === 50 && ids.every((id, i) => i === 0 || ids[i - 1].localeCompare(id, 'en', { numeric: true }) <= 0 || ids[i - 1] <= id);
    }, 15_000);
    const smallest = (await firstCells(column))[0];
    await header.getByRole('button').click();
    await waitFor('descending order', async () => (await header.getAttribute('aria-sort')) === 'descending', 15_000);
    await waitFor('the largest first', async () => (await firstCells(column))[0] !== smallest, 15_000);
    await shot(analyst, '12b-records-sorted');

    // Jump to page 3, then the last page, then one back: rows 101–150,
    // 151–200, 101–150, in the same (descending) order.
    await analyst.getByLabel('Page number').fill('3');
    await analyst.getByRole('button', { name: 'Go', exact: true }).click();
    await waitFor('page 3', async () => /^Rows 101–150 of 200 · page 3 of 4/.test(await where()), 15_000);
    const page3 = await firstCells(column);
    await analyst.getByRole('button', { name: 'Last »' }).click();
    await waitFor('the last page', async () => /^Rows 151–200 of 200/.test(await where()), 15_000);
    assert(await analyst.getByRole('button', { name: 'Next ›' }).isDisabled(), 'no next page after the last');
    const last = await firstCells(column);
    assert(!last.some((id) => page3.includes(id)), 'the last page repeats no row of page 3');
    await analyst.getByRole('button', { name: '‹ Previous' }).click();
    await waitFor('back to page 3', async () => /^Rows 101–150 of 200/.test(await where()), 15_000);
    assert(JSON.stringify(await firstCells(column)) === JSON.stringify(page3), 'previous from the last page is page 3 again');
    await shot(analyst, '12c-records-page-3');

    // A field that does not exist is named, with the fields that do.
    expectedErrors.push(/status of 400/);
    await analyst.getByLabel('Field').fill('item_colour');
    await analyst.getByLabel('equals').fill('red');
    await analyst.getByRole('button', { name: 'Filter' }).click();
    const problem = analyst.getByRole('alert').filter({ hasText: "field 'item_colour'" });
    await problem.waitFor({ timeout: 15_000 });
    assert(/its fields are: .*item_id/.test(await problem.innerText()), 'the error lists the fields that exist');

    // Filter to one product type and export that view.
    const sample = await stack.api.ok('GET', `/sites/${stack.acme.siteId}/entities/inv_mast/records?page_size=1`, undefined, stack.acme.tenantId);
    const itemId = String(sample.items[0].data.item_id);
    await analyst.getByLabel('Field').fill('item_id');
    await analyst.getByLabel('equals').fill(itemId);
    await analyst.getByRole('button', { name: 'Filter' }).click();
    await waitFor('the filtered view', async () => /^Rows 1–1 of 1\b/.test(await where()), 15_000);
    const [download] = await Promise.all([analyst.waitForEvent('download'), analyst.getByRole('button', { name: 'Export CSV' }).click()]);
    assert(download.suggestedFilename() === 'inv_mast.csv', 'the file name: ' + download.suggestedFilename());
    const saved = path.join(stack.work, 'inv_mast.csv');
    await download.saveAs(saved);
    const lines = fs.readFileSync(saved, 'utf8').trim().split('\r\n');
    assert(lines.length === 2, `a header and the one filtered row: ${lines.length}`);
    assert(lines[0].startsWith('bk_hash,deleted,last_changed_at,') && lines[0].includes('item_id'), 'the header names the shown columns: ' + lines[0]);
    assert(lines[1].startsWith(sample.items[0].bk_hash) && lines[1].includes(itemId), 'the row is the filtered record');

    // An update as the apply engine logs it: the record page says what changed.
    const bk = sample.items[0].bk_hash;
    stack.psql(
      `INSERT INTO change_log (tenant_id, site_id, stream_id, sequence, entity, bk_hash, op, data_hash, old_data)
       SELECT tenant_id, site_id, gen_random_uuid(), 4242, entity, bk_hash, 'u', data_hash, data || '{"list_price": 11.95}'::jsonb
       FROM records WHERE entity = 'inv_mast' AND bk_hash = decode('${bk}', 'hex');
       UPDATE records SET data = data || '{"list_price": 12.10}'::jsonb WHERE entity = 'inv_mast' AND bk_hash = decode('${bk}', 'hex')`,
      stack.dbDsn,
    );
    await analyst.getByRole('link', { name: /Details of record/ }).click();
    await heading(analyst, 'inv_mast record');
    const change = analyst.locator('ul.field-changes li', { hasText: 'list_price' });
    await change.waitFor({ timeout: 15_000 });
    const text = (await change.innerText()).replace(/\s+/g, ' ');
    assert(text === 'list_price 11.95 → 12.10', 'the field-level change: ' + text);
    await analyst.locator('tr', { hasText: '4242' }).getByText('update', { exact: true }).waitFor();
    await shot(analyst, '13b-record-field-history');
  });
}

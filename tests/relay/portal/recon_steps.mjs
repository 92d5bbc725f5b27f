// The portal browser test's reconciliation steps, as a tenant analyst works
// through a day: a run and an exception resolved, a mapping approved, a
// contract upload, bulk actions across pages with the CSV export, a reopen that
// says why, and a 60 MB upload beside one over the limit. Called by
// portal_browser_test.mjs with its page, stack and helpers.
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from './harness.mjs';

// Uploads a contract file on the Vendor files page, waits for it to be
// accepted in full, and reconciles it at once.
export async function uploadAndReconcile(analyst, heading, file) {
  await analyst.getByRole('link', { name: 'Vendor files' }).click();
  await heading(analyst, 'Vendor files');
  await analyst.getByLabel('File', { exact: true }).setInputFiles(file);
  await analyst.getByRole('button', { name: 'Upload', exact: true }).click();
  await analyst.locator('.upload-report[data-file-status="accepted"]').waitFor({ timeout: 30_000 });
  await analyst.getByRole('button', { name: 'Reconcile now' }).click();
  await analyst.locator('.upload-report .run-result').waitFor({ timeout: 60_000 });
}

export async function reconciliationSteps({ run, analyst, stack, shot, heading, assert, assertPillContrast, expectedErrors }) {
  await run('tenant analyst: reconciliation run, an exception worked to resolved, a mapping approved', async () => {
    const doc = await stack.api.ok('GET', '/openapi.json');
    assert(doc.paths['/api/v1/recon/exceptions'], 'the relay documents the reconciliation endpoints');
    await analyst.getByRole('link', { name: 'Reconciliation runs' }).click();
    await heading(analyst, 'Reconciliation runs');
    await analyst.getByRole('button', { name: 'Run now' }).click();
    await analyst.locator('.run-result').waitFor({ timeout: 60_000 });
    await analyst.locator('tr[data-run]').first().waitFor();
    await analyst.locator('[data-recon-state="ok"]', { hasText: 'Next scheduled run' }).waitFor();
    await shot(analyst, '19-recon-runs');
    // Failed scheduled runs in a row, as the scheduler records them: the page
    // says so, why, and when it tries again.
    stack.psql(
      `UPDATE recon_state SET failures = 3, last_attempt_at = now(), last_error = 'canceling statement due to statement timeout', next_attempt_at = now() + interval '4 minutes'`,
      stack.dbDsn,
    );
    await analyst.reload();
    const failing = analyst.locator('[data-recon-state="failing"]');
    await failing.waitFor();
    const text = await failing.innerText();
    assert(/last 3 runs failed/.test(text) && /statement timeout/.test(text) && /Next attempt:/.test(text), `the failure and the next attempt are shown: ${text}`);
    await shot(analyst, '19b-recon-runs-failing');
    stack.psql(`UPDATE recon_state SET failures = 0, last_error = NULL, next_attempt_at = NULL`, stack.dbDsn);

    await analyst.getByRole('link', { name: 'Exceptions' }).click();
    await heading(analyst, 'Exceptions');
    const first = analyst.locator('tr[data-status="open"]').first();
    await first.waitFor();
    const number = await first.getAttribute('data-exception');
    await assertPillContrast(analyst);
    await shot(analyst, '20-recon-exceptions');
    await analyst.getByRole('button', { name: `Open exception ${number}`, exact: true }).click();
    const drawer = analyst.getByRole('dialog', { name: `Exception #${number}` });
    await drawer.getByRole('heading', { name: 'The numbers' }).waitFor();
    await drawer.getByLabel('Comment or reason').fill('Vendor confirmed the P21 cost; the contract line is corrected.');
    await shot(analyst, '21-recon-exception-drawer', false);
    await drawer.getByRole('button', { name: 'Resolve' }).click();
    await drawer.locator('.pill', { hasText: /^resolved$/ }).waitFor();
    await drawer.getByText('Vendor confirmed the P21 cost', { exact: false }).first().waitFor();
    await analyst.keyboard.press('Escape'); // dialogs close from the keyboard
    await drawer.waitFor({ state: 'detached' });
    // The queue shows open exceptions: the resolved one has left it.
    await analyst.locator(`tr[data-exception="${number}"]`).waitFor({ state: 'detached' });
    await analyst.getByLabel('Status').selectOption('resolved');
    await analyst.locator(`tr[data-exception="${number}"][data-status="resolved"]`).waitFor();
    // The next run finds the same numbers: the person's resolution holds.
    await analyst.getByRole('link', { name: 'Reconciliation runs' }).click();
    await heading(analyst, 'Reconciliation runs');
    const runs = await analyst.locator('tr[data-run]').count();
    await analyst.getByRole('button', { name: 'Run now' }).click();
    await waitFor('the second run listed', async () => (await analyst.locator('tr[data-run]').count()) > runs, 60_000);
    await analyst.getByRole('link', { name: 'Exceptions' }).click();
    await heading(analyst, 'Exceptions');
    await analyst.getByLabel('Status').selectOption('resolved');
    await analyst.locator(`tr[data-exception="${number}"][data-status="resolved"]`).waitFor();
    await analyst.getByRole('button', { name: `Open exception ${number}`, exact: true }).click();
    const kept = analyst.getByRole('dialog', { name: `Exception #${number}` });
    await kept.locator('.pill', { hasText: /^resolved$/ }).waitFor();
    const history = await kept.locator('ol.events').innerText();
    assert(!/reopened/.test(history), 'the run did not reopen it: ' + history);
    await analyst.keyboard.press('Escape');
    await kept.waitFor({ state: 'detached' });

    await analyst.getByRole('link', { name: 'Item mappings' }).click();
    await heading(analyst, 'Item mappings');
    const suggestion = analyst.locator('tr[data-status="suggested"]').first();
    await suggestion.waitFor();
    const key = await suggestion.getAttribute('data-mapping');
    await suggestion.getByRole('checkbox').check();
    await shot(analyst, '22-recon-mappings');
    await analyst.getByRole('button', { name: 'Approve selected' }).click();
    await analyst.getByText(/^1 mapping approved/).waitFor();
    await analyst.getByLabel('Status').selectOption('approved');
    await analyst.locator(`tr[data-mapping="${key}"][data-status="approved"]`).first().waitFor();
  });

  await run("tenant analyst: upload a contract file and see the run's exceptions", async () => {
    const file = path.join(stack.work, 'acme_contract_2026_q3.csv');
    fs.writeFileSync(
      file,
      'Contract #,Item ID,Description,Vendor,UOM,Price\n' +
        'AC-2026-Q3,TAPE-PRO-48,Packing tape 48 mm clear,ACME,EA,2.15\n' +
        'AC-2026-Q3,GLOVE-NIT-XL,Nitrile gloves XL box of 100,ACME,BX,11.40\n' +
        'AC-2026-Q3,RAG-COT-25,Cotton rags 25 lb bag,ACME,EA,\n',
    );
    await analyst.getByRole('link', { name: 'Vendor files' }).click();
    await heading(analyst, 'Vendor files');
    await analyst.getByLabel('File', { exact: true }).setInputFiles(file);
    await analyst.getByRole('button', { name: 'Upload', exact: true }).click();
    const report = analyst.locator('.upload-report');
    await report.waitFor({ timeout: 30_000 });
    assert((await report.getAttribute('data-file-status')) === 'partial', 'one line refused: ' + (await report.textContent()));
    await report.getByRole('cell', { name: 'price', exact: true }).waitFor();
    await analyst.getByRole('button', { name: 'Reconcile now' }).click();
    await analyst.locator('.upload-report .run-result').waitFor({ timeout: 60_000 });
    await analyst.locator('tr[data-file="acme_contract_2026_q3.csv"]').waitFor();
    await shot(analyst, '23-recon-vendor-file-upload');
    await analyst.getByRole('link', { name: "See this run's exceptions" }).click();
    await heading(analyst, 'Exceptions');
    await analyst.locator('tr[data-exception]', { hasText: 'TAPE-PRO-48' }).first().waitFor();
    await analyst.locator('tr[data-exception]', { hasText: 'GLOVE-NIT-XL' }).first().waitFor();
    await analyst.getByRole('link', { name: 'Dashboard' }).click();
    await heading(analyst, 'Dashboard');
    await analyst.getByRole('list', { name: 'Open exceptions by rule' }).waitFor();
    await shot(analyst, '24-tenant-dashboard-reconciliation');
    await analyst.getByRole('link', { name: 'Settings' }).click();
    await analyst.getByRole('link', { name: 'Tolerance policy' }).count().then((n) => assert(n === 0, 'analysts do not see the policy tab'));
  });

  await run('tenant analyst: select all N matching across pages, override them, export the CSV', async () => {
    // 60 contract lines P21 does not know: with the demo's, more than one page (50) of open exceptions.
    const file = path.join(stack.work, 'acme_bulk_2026.csv');
    let csv = 'Vendor,Contract #,Item ID,UOM,Price\n';
    for (let i = 1; i <= 60; i++) csv += `ACME,AC-BULK,BULK-${i},EA,${i}.25\n`;
    fs.writeFileSync(file, csv);
    await uploadAndReconcile(analyst, heading, file);

    await analyst.goto(stack.url + '/recon/exceptions?status=open&rule=MISSING_MAPPING');
    await heading(analyst, 'Exceptions');
    const counted = analyst.locator('[data-total]:not([data-total=""])');
    await counted.waitFor();
    const total = Number(await counted.getAttribute('data-total'));
    assert(total > 50, 'more than one page of open missing mappings: ' + total);
    assert((await analyst.locator('tr[data-exception]').count()) === 50, 'the first page shows 50');
    await analyst.getByLabel('Select all shown').check();
    await analyst.getByRole('region', { name: 'Selected exceptions' }).getByText('50 selected').waitFor();
    await analyst.getByRole('button', { name: `Select all ${total} matching` }).click();
    const bar = analyst.getByRole('region', { name: 'Selected exceptions' });
    await bar.getByText(`All ${total} matching selected`).waitFor();
    await shot(analyst, '20a-recon-exceptions-select-all-matching');
    await bar.getByRole('button', { name: 'Override…' }).click();
    const dialog = analyst.getByRole('dialog', { name: `Override ${total} exceptions` });
    await dialog.getByLabel('Accept these differences until').fill('2099-12-31');
    await dialog.getByLabel('Reason').fill('Acme lists these items from next quarter; accepted until then.');
    await dialog.getByRole('button', { name: 'Override', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await analyst.getByText('No open exceptions').waitFor();
    await analyst.getByLabel('Status').selectOption('overridden');
    await analyst.locator(`[data-total="${total}"]`).waitFor();
    await analyst.locator('tr[data-status="overridden"]').first().waitFor();
    await shot(analyst, '20b-recon-exceptions-overridden');

    // Export › CSV: every overridden missing mapping, not only the page shown.
    await analyst.locator('details.export-menu > summary').click();
    const [download] = await Promise.all([analyst.waitForEvent('download'), analyst.getByRole('menuitem', { name: /^CSV/ }).click()]);
    assert(download.suggestedFilename() === 'exceptions.csv', 'the file name: ' + download.suggestedFilename());
    const saved = path.join(stack.work, 'exceptions.csv');
    await download.saveAs(saved);
    const rows = fs.readFileSync(saved, 'utf8').trim().split('\r\n');
    assert(rows.length === total + 1, `a header and ${total} rows: ${rows.length}`);
    assert(rows.slice(1).every((r) => r.includes(',MISSING_MAPPING,') && r.includes(',overridden,')), 'the filter applies to the export');
    fs.rmSync(file);
  });

  await run('tenant analyst: a resolved exception whose numbers change reopens, and the drawer says why', async () => {
    const uploadExpiry = async (name, end) => {
      const file = path.join(stack.work, name);
      fs.writeFileSync(file, `Vendor,Contract #,Item ID,UOM,Price,Start,End\nACME,AC-EXP,EXP-1,EA,3.00,2020-01-01,${end}\n`);
      await uploadAndReconcile(analyst, heading, file);
      fs.rmSync(file);
    };
    const openExpired = async () => {
      await analyst.goto(stack.url + '/recon/exceptions?status=open&rule=EXPIRED_CONTRACT');
      await heading(analyst, 'Exceptions');
      const row = analyst.locator('tr[data-exception]', { hasText: 'EXP-1' });
      await row.waitFor();
      const n = await row.getAttribute('data-exception');
      await analyst.getByRole('button', { name: `Open exception ${n}`, exact: true }).click();
      const d = analyst.getByRole('dialog', { name: `Exception #${n}` });
      await d.getByRole('heading', { name: 'The numbers' }).waitFor();
      return d;
    };
    await uploadExpiry('acme_expiry.csv', '2020-01-31');
    let drawer = await openExpired();
    await drawer.getByLabel('Comment or reason').fill('The renewal is signed; Acme sends the new file.');
    await drawer.getByRole('button', { name: 'Resolve' }).click();
    await drawer.locator('.pill', { hasText: /^resolved$/ }).waitFor();
    await analyst.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });

    await uploadExpiry('acme_expiry_v2.csv', '2020-02-29'); // another end date, still past
    drawer = await openExpired();
    const reason = await drawer.locator('[data-reopen-reason]').innerText();
    assert(/end date changed from 2020-01-31 to 2020-02-29 in the file acme_expiry_v2\.csv of \d{4}-\d{2}-\d{2}/.test(reason), 'the reopen says why: ' + reason);
    assert((await drawer.locator('ol.events').innerText()).includes('end date changed from 2020-01-31 to 2020-02-29'), 'and so does the history');
    await shot(analyst, '21a-recon-exception-reopened', false);
    await analyst.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  });

  await run('tenant analyst: a 60 MB upload shows its progress; one over the limit is refused in words', async () => {
    // Generated here, never kept in git: a few contract lines, then lines whose
    // item is too long to accept, to 60 MB.
    const big = path.join(stack.work, 'acme_big_2026.csv');
    const pad = 'ACME,AC-BIG,' + 'x'.repeat(3000) + ',EA,1.00\n';
    let head = 'Vendor,Contract #,Item ID,UOM,Price\n';
    for (let i = 0; i < 100; i++) head += `ACME,AC-BIG,BIG-${i},EA,${i + 1}.50\n`;
    const fd = fs.openSync(big, 'w');
    fs.writeSync(fd, head);
    const block = pad.repeat(1000);
    let size = head.length;
    while (size + block.length <= 60_000_000) {
      fs.writeSync(fd, block);
      size += block.length;
    }
    while (size + pad.length <= 60_000_000) {
      fs.writeSync(fd, pad);
      size += pad.length;
    }
    fs.closeSync(fd);
    assert(size > 59_990_000, 'a 60 MB file: ' + size);
    await analyst.getByRole('link', { name: 'Vendor files' }).click();
    await heading(analyst, 'Vendor files');
    await analyst.getByLabel('File', { exact: true }).setInputFiles(big);
    await analyst.getByRole('button', { name: 'Upload', exact: true }).click();
    await analyst.getByLabel('Upload progress').waitFor({ timeout: 10_000 });
    await shot(analyst, '23a-recon-vendor-file-upload-progress');
    const report = analyst.locator('.upload-report');
    await report.waitFor({ timeout: 120_000 });
    assert((await report.getAttribute('data-file-status')) === 'partial', 'long lines refused: ' + (await report.textContent()));
    assert((await report.textContent()).includes('100'), 'the 100 good lines are accepted: ' + (await report.textContent()));

    const over = path.join(stack.work, 'acme_too_big.csv');
    fs.writeFileSync(over, Buffer.alloc(64 * 1024 * 1024 + 1, 0x41));
    expectedErrors.push(/status of 413/);
    await analyst.getByLabel('File', { exact: true }).setInputFiles(over);
    await analyst.getByRole('button', { name: 'Upload', exact: true }).click();
    const alert = analyst.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    const text = await alert.textContent();
    assert(text.includes('the upload is 67108865 bytes; the limit is 64 MiB (limits.max_upload_bytes)'), 'the relay\'s words: ' + text);
    assert(!text.includes('interrupted'), 'not a network error: ' + text);
    await shot(analyst, '23b-recon-vendor-file-over-limit');
    await waitFor('the expected 413 in the console', async () => !expectedErrors.some((re) => re.source.includes('413')), 5000);
    fs.rmSync(big);
    fs.rmSync(over);
  });
}

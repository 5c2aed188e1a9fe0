/**
 * The console in Debian's Chromium against a real server on 127.0.0.1: sign in, refresh a source
 * and follow the job to its end, open the job's timeline, read a source's rejected rows, edit the
 * schedule with its preview. Every step waits on the page's state, never on time; each test saves
 * a screenshot under test-artifacts/console/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { auth, startTestApp, type TestApp } from './support/app.js';
import { buildConsole, launchChromium, saveScreenshot } from './support/browser.js';
import { Receiver } from './support/receiver.js';
import { deliverAt, emit } from './support/triggers.js';

const KEY = 'test-admin-key';

/** Ten good contacts and one line with a column too many (rejected with a reason). */
function writeFixtures(dir: string): { contacts: string; orders: string } {
  const contacts = join(dir, 'contacts.csv');
  const lines = ['id,name,email'];
  for (let i = 1; i <= 10; i++) lines.push(`${i},Person ${i},p${i}@example.com`);
  lines.push('11,Broken,row,with-an-extra-column');
  writeFileSync(contacts, `${lines.join('\n')}\n`);
  const orders = join(dir, 'orders.ndjson');
  writeFileSync(
    orders,
    [1, 2, 3].map((i) => JSON.stringify({ order_id: i, contact: i, amount: i * 10 })).join('\n'),
  );
  return { contacts, orders };
}

void describe('console in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-console-'));
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let refreshJobId: string;

  before(async () => {
    const dist = join(dir, 'dist');
    await buildConsole(dist);
    app = await startTestApp({
      TRIBUTARY_CONSOLE_DIR: dist,
      TRIBUTARY_CORRUPT_RATIO: '0.5',
      // The flows case posts to a loopback receiver standing in for Teams.
      TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'true',
    });
    const files = writeFixtures(dir);
    const sources = [
      {
        name: 'crm',
        owners: ['crm-team@example.com'],
        description: 'CRM contacts export',
        tables: [{ name: 'contacts', format: 'csv', path: files.contacts, primaryKey: 'id' }],
      },
      {
        name: 'shop',
        owners: ['shop@example.com'],
        tables: [{ name: 'orders', format: 'ndjson', path: files.orders, primaryKey: 'order_id' }],
      },
    ];
    for (const s of sources) {
      const res = await app.http.inject({
        method: 'PUT',
        url: `/v1/instances/default/manage/datasources/${s.name}`,
        headers: auth,
        payload: s,
      });
      assert.equal(res.statusCode, 201, res.body);
    }
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  after(async () => {
    await browser?.close();
    await app?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('signs in with an API key, refusing a wrong one', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('API key').fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor();

    await page.getByLabel('API key').fill(KEY);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByText('No job has run yet').waitFor();
    assert.match(page.url(), /#\/default$/);
    // Both sources have never been refreshed: nothing failed yet, so nothing needs attention.
    await page.getByText('Nothing needs attention').waitFor();
    await saveScreenshot(page, '1-overview-before-refresh');
  });

  void it('starts a refresh from Data sources and follows its status to the end', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Data sources' })
      .click();
    const row = page.locator('tr[data-source="crm"]');
    await row.getByText('Not started').waitFor();
    await page.getByRole('button', { name: 'Refresh crm' }).click();

    const status = page.getByTestId('refresh-status');
    await status.waitFor();
    const final = page.locator(
      '[data-testid="refresh-status"][data-status="completedWithWarnings"]',
    );
    await final.waitFor();
    const link = page.getByRole('link', { name: /^Timeline of job / });
    const linkHref = (await link.getAttribute('href')) ?? '';
    refreshJobId = decodeURIComponent(linkHref.split('/').pop() ?? '');

    // The console shows what the API says about that job.
    const job = await app.http.inject({
      method: 'GET',
      url: `/v1/instances/default/workflows/main/jobs/${refreshJobId}`,
      headers: auth,
    });
    assert.equal(job.json<{ status: string }>().status, 'completedWithWarnings');
    // The list reloads when the job ends: crm has 10 rows and 1 rejected; shop was not refreshed.
    await row.getByText('Completed with warnings').waitFor();
    assert.equal((await row.locator('td.num').allInnerTexts()).join('|'), '10|1');
    await page.locator('tr[data-source="shop"]').getByText('Not started').waitFor();
    await saveScreenshot(page, '2-sources-after-refresh');
  });

  void it("opens the job's timeline with a bar per task, selectable from the keyboard", async () => {
    await page.getByRole('link', { name: /^Timeline of job / }).click();
    await page.locator('[data-testid="job-status"][data-status="completedWithWarnings"]').waitFor();
    const bars = page.locator('.gantt-row');
    await bars.first().waitFor();
    // A scoped job of one source: its ingest task, then the downstream stages (here snapshot).
    assert.equal(await page.locator('.gantt-row[aria-label^="ingest("]').count(), 1);
    assert.ok((await bars.count()) >= 1);
    const bar = page.locator('.gantt-row[data-task]').first();
    assert.match(
      (await bar.getAttribute('aria-label')) ?? '',
      /ingest\(crm\): Completed with warnings/,
    );
    assert.equal(await page.locator('.gantt-bar.fill-completedWithWarnings').count(), 1);

    await bar.focus();
    await page.keyboard.press('Enter');
    await page.locator('.gantt-row[aria-pressed="true"]').waitFor();
    const taskRow = page.getByTestId('tasks-table').locator('tbody tr.is-selected');
    assert.match(await taskRow.innerText(), /ingest\(crm\)[\s\S]*10[\s\S]*1/);
    await saveScreenshot(page, '3-job-timeline');
  });

  void it("shows a source's rejected rows with line and reason", async () => {
    await page.goto(`${base}/#/default/sources/crm`);
    const rows = page.getByTestId('corrupt-rows').locator('tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1);
    const text = await rows.first().innerText();
    assert.match(text, /^12\b/, 'line 12 of the file (the header is line 1)');
    assert.match(text, /Broken,row,with-an-extra-column/);
    assert.match(text, /column/i, 'the reason names the column problem');
    await saveScreenshot(page, '4-source-rejected-rows');
  });

  void it('edits the schedule with a live preview of the next runs, then saves it', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Schedule' })
      .click();
    await page.getByText('No times yet.').waitFor();
    await page.getByLabel('Time zone').fill('Asia/Tokyo');
    await page.getByLabel('Daily time').fill('06:30');
    await page.getByRole('button', { name: 'Add daily time' }).click();
    await page.getByText('Every day at 06:30').waitFor();
    const preview = page.getByTestId('schedule-preview').locator('li');
    await preview.nth(9).waitFor();
    assert.equal(await preview.count(), 10);

    await page.getByLabel('Time zone').fill('Mars/Olympus');
    await page.getByText(/unknown time zone "Mars\/Olympus"/).waitFor();
    await page.getByLabel('Time zone').fill('Asia/Tokyo');
    await preview.nth(9).waitFor();
    assert.equal(await page.getByText(/unknown time zone/).count(), 0);
    await page.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByText('Saved ✓').waitFor();

    const saved = await app.http.inject({
      method: 'GET',
      url: '/v1/instances/default/workflows/main/schedules',
      headers: auth,
    });
    const body = saved.json<{ isActive: boolean; timezoneId: string; cronSchedules: string[] }>();
    assert.deepEqual(
      [body.isActive, body.timezoneId, body.cronSchedules],
      [true, 'Asia/Tokyo', ['30 6 * * *']],
    );
    await saveScreenshot(page, '5-schedule');
  });

  void it('creates a flow from the Teams template, sends a test and shows its runs and deliveries', async () => {
    const teams = await Receiver.start();
    teams.handler = (_req, res) => res.writeHead(202).end();
    try {
      await page.goto(`${base}/#/default`);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Flows' })
        .click();
      await page.getByText('No flows yet').waitFor();
      await page.getByRole('button', { name: 'New from template' }).click();
      const form = page.getByRole('form', { name: 'New flow from a template' });
      await form.getByLabel('Template').selectOption('teams-refresh-failed');
      await form.getByLabel('Teams Workflows webhook url').fill(teams.url('/teams'));
      await form.getByRole('button', { name: 'Create flow' }).click();
      await page.getByRole('heading', { level: 1, name: 'TeamsRefreshFailed' }).waitFor();
      await page.locator('[data-flow-status="active"]').waitFor();

      await page.getByRole('button', { name: 'Send test' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'Test on the sample datasource.refresh.failed event: succeeded' })
        .waitFor();
      await page.locator('tr[data-run] [data-action-status="succeeded"]').waitFor();
      assert.equal(teams.to('/teams').length, 1);
      const card = teams.received[0]!.json as unknown as {
        attachments: { content: { body: { text?: string }[] } }[];
      };
      assert.equal(card.attachments[0]!.content.body[0]!.text, 'Refresh of shop failed');

      // A real event through the outbox: a delivery of the flow, then its run.
      await emit(
        app,
        'datasource.refresh.failed',
        new Date(),
        {
          source: 'crm',
          tables: ['contacts'],
          jobId: 'job-x',
          submissionKind: 'onDemand',
          status: 'failed',
          attempts: 1,
          rowsRead: null,
          rowsRejected: null,
          error: { code: 'TRIB_ERR_SOURCE_MISSING', message: 'gone' },
          startedAt: null,
          endedAt: null,
          owners: ['crm-team@example.com'],
        },
        { source: 'crm' },
      );
      await deliverAt(app, new Date());
      await page.reload();
      await page.locator('tr[data-delivery-status="delivered"]').waitFor();
      assert.equal(await page.locator('tr[data-run]').count(), 2);
      await page.getByText('attempt 1').waitFor();
      await page.locator('tr[data-run] details').first().click();
      await saveScreenshot(page, 'flows-runs');

      // Edit the definition: an unknown template field is refused with its path, a good edit saves.
      const editor = page.getByLabel('Flow (JSON)');
      const original = await editor.inputValue();
      assert.match(original, /Refresh of \{\{data\.source\}\} failed/);
      await editor.fill(original.replace('{{data.source}} failed', '{{data.sourc}} failed'));
      await page.getByRole('button', { name: 'Save flow' }).click();
      const refused = page.getByTestId('flow-edit-error');
      await refused.waitFor();
      assert.match((await refused.textContent()) ?? '', /data\.sourc/);
      assert.match((await refused.textContent()) ?? '', /body\/actions\/0\/title/);
      await editor.fill(original.replace('{{data.source}} failed', '{{data.source}} has failed'));
      await page.getByRole('button', { name: 'Save flow' }).click();
      await page.getByText('Saved ✓').waitFor();
      const saved = await app.http.inject({
        method: 'GET',
        url: '/v1/instances/default/flows/TeamsRefreshFailed',
        headers: { authorization: `Bearer ${KEY}` },
      });
      const flow = saved.json<{ enabled: boolean; actions: { title: string }[] }>();
      assert.equal(flow.actions[0]!.title, 'Refresh of {{data.source}} has failed');
      assert.equal(flow.enabled, true);

      // Teams now refuses the card: the flow's next delivery fails and Overview lists it.
      teams.handler = (_req, res) => res.writeHead(400).end('{"error":"bad card"}');
      await emit(
        app,
        'datasource.refresh.failed',
        new Date(),
        {
          source: 'shop',
          tables: ['orders'],
          jobId: 'job-y',
          submissionKind: 'onDemand',
          status: 'failed',
          attempts: 1,
          rowsRead: null,
          rowsRejected: null,
          error: null,
          startedAt: null,
          endedAt: null,
          owners: [],
        },
        { source: 'shop' },
      );
      await deliverAt(app, new Date());
      await page.goto(`${base}/#/default`);
      const item = page.locator('li', { hasText: 'Flow TeamsRefreshFailed is failing' });
      await item.getByText('actions/0: HTTP 400').waitFor();
      await saveScreenshot(page, 'flows-attention');
      await item.getByRole('link', { name: 'Open flow' }).click();

      await page.getByRole('button', { name: 'Disable' }).click();
      await page.locator('[data-flow-status="disabled"]').waitFor();
      await page.getByRole('link', { name: 'Flows' }).first().click();
      await page
        .locator('tr[data-flow="TeamsRefreshFailed"] [data-flow-status="disabled"]')
        .waitFor();
    } finally {
      await teams.close();
    }
  });

  void it('fits a narrow screen: no sideways scrolling of the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const hash of ['#/default', '#/default/sources', `#/default/jobs/${refreshJobId}`]) {
      await page.goto(`${base}/${hash}`);
      await page.locator('main h1').waitFor();
      await page.locator('.state-loading').waitFor({ state: 'detached' });
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      // Wide tables scroll inside their own frame; the page itself must not.
      const culprits = await page.evaluate(`[...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('.table-wrap, .gantt-scroll'))
        .map((e) => e.tagName + '.' + e.className).join(', ')`);
      assert.equal(overflow, 0, `${hash} scrolls sideways: ${String(culprits)}`);
    }
    await saveScreenshot(page, '6-narrow-job');
  });
});

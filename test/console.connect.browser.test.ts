/**
 * The console's Connections and Subscriptions pages in Chromium, against the seeded demo with a
 * real webhook receiver on 127.0.0.1: create a key and see its secret once, revoke it, set up Power
 * Automate (the package downloads, the steps show), read a subscription's deliveries with codes and
 * latency, resend one, disable a subscription and see it on the Overview, enable it, recover.
 * Every step waits on the page's state; each test saves a screenshot under test-artifacts/console/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Connection } from '../web/src/api.types.js';
import { saveScreenshot } from './support/browser.js';
import { KEY, measureOverflow, startConsoleDemo, type ConsoleDemo } from './support/console.js';
import { Receiver } from './support/receiver.js';
import { subscribe, type CreatedSubscription } from './support/triggers.js';

const api = '/v1/instances/default';

void describe('console connection pages in Chromium', () => {
  let demo: ConsoleDemo;
  let page: Page;
  let rx: Receiver;
  let refreshed: CreatedSubscription;
  let failedSub: CreatedSubscription;

  before(async () => {
    demo = await startConsoleDemo();
    page = demo.page;
    rx = await Receiver.start();
    refreshed = await subscribe(demo.app, {
      event: 'datasource.refresh.succeeded',
      url: rx.url('/refreshed'),
    });
    failedSub = await subscribe(demo.app, {
      event: 'datasource.refresh.failed',
      source: 'crm',
      url: rx.url('/failed'),
    });
    // One event per source (crm, shop, loyalty), delivered to the receiver.
    await demo.refresh();
    await rx.waitFor(() => rx.to('/refreshed').length >= 3);
  });

  after(async () => {
    await demo?.close();
    await rx?.close();
  });

  void it('creates a key, shows its secret once with a copy button, and revokes it', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: demo.base,
    });
    await page.goto(`${demo.base}/#/default/connections`);
    await page.getByText('Only the admin key exists').waitFor();
    await page.getByLabel('Name').fill('power-automate marketing');
    await page.getByRole('button', { name: 'Create key' }).click();

    const secret = page.getByTestId('new-key-secret');
    await secret.waitFor();
    const key = await secret.innerText();
    assert.match(key, /^trbk_/);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('button', { name: 'Copied ✓' }).waitFor();
    assert.equal(await page.evaluate<string>('navigator.clipboard.readText()'), key);
    // The key works against the API, with the scopes chosen (read, write, subscribe by default).
    const asKey = { authorization: `Bearer ${key}` };
    const ok = await demo.app.http.inject({ method: 'GET', url: '/v1/instances', headers: asKey });
    assert.equal(ok.statusCode, 200);
    const row = page.getByTestId('keys-table').locator('tbody tr').first();
    await row.getByText('power-automate marketing').waitFor();
    await saveScreenshot(page, '14-connections-new-key');

    // Dismissed or reloaded, the secret is gone for good.
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.reload();
    await row.getByText('power-automate marketing').waitFor();
    assert.equal(await page.getByTestId('new-key').count(), 0);
    assert.equal((await page.content()).includes(key), false);

    await page.getByRole('button', { name: 'Revoke power-automate marketing' }).click();
    await page.getByRole('button', { name: 'Revoke power-automate marketing now' }).click();
    await row.getByText(/^revoked/).waitFor();
    const refused = await demo.app.http.inject({
      method: 'GET',
      url: '/v1/instances',
      headers: asKey,
    });
    assert.equal(refused.statusCode, 401);
    const list = await demo.get<{ value: Connection[] }>('/v1/connections');
    assert.ok(list.value.every((c) => c.revokedAt !== null));
  });

  void it('sets up Power Automate: the connector package downloads and the steps show', async () => {
    await page.goto(`${demo.base}/#/default/connections`);
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Set up' }).click();
    const file = await download;
    assert.equal(file.suggestedFilename(), 'tributary-connector.zip');
    const steps = page.getByTestId('setup-steps');
    await steps.getByRole('heading', { name: 'Set up Power Automate' }).waitFor();
    assert.match(await steps.innerText(), /Import an\s+OpenAPI file/);
    assert.ok((await steps.innerText()).includes(demo.base), 'the steps name this server');
    await saveScreenshot(page, '15-connections-power-automate');

    // The other tiles open their steps from the keyboard.
    const n8n = page.getByRole('button', { name: 'Set up' }).first();
    await n8n.focus();
    await page.keyboard.press('Enter');
    await steps.getByRole('heading', { name: 'Set up n8n' }).waitFor();
    await page.getByRole('button', { name: 'Set up' }).nth(1).click();
    await steps.getByRole('heading', { name: 'Set up Node-RED' }).waitFor();
  });

  void it("shows a subscription's deliveries with codes and latency, and resends one", async () => {
    await page.goto(`${demo.base}/#/default/subscriptions`);
    const row = page.locator(`tr[data-subscription="${refreshed.id}"]`);
    await row.getByText('Delivered').waitFor();
    await row.getByRole('link', { name: 'datasource.refresh.succeeded' }).click();

    const deliveries = page.getByTestId('deliveries-table').locator('tbody tr');
    await deliveries.nth(2).waitFor();
    assert.equal(await deliveries.count(), 3);
    const first = deliveries.first();
    await first.locator('[data-status="delivered"]').waitFor();
    assert.match(await first.locator('.attempts').innerText(), /#1\s+200\s+\d+ ms/);

    const id = (await first.getAttribute('data-delivery')) ?? '';
    const eventId = (await demo.get<{ eventId: string }>(`${api}/deliveries/${id}`)).eventId;
    const before = rx.received.filter((r) => r.headers['webhook-id'] === eventId).length;
    await first.getByRole('button', { name: /^Resend/ }).click();
    // The same event again: a second attempt, answered 200, shown once the worker has sent it.
    await first.locator('.attempts li').nth(1).waitFor();
    await first.locator('[data-status="delivered"]').waitFor();
    assert.match(await first.locator('.attempts li').nth(1).innerText(), /#2\s+200/);
    assert.equal(rx.received.filter((r) => r.headers['webhook-id'] === eventId).length, before + 1);
    await saveScreenshot(page, '16-subscription-resend');
  });

  void it('disables a subscription (shown on the Overview), enables it, and recovers', async () => {
    await page.goto(`${demo.base}/#/default/subscriptions/${failedSub.id}`);
    await page.getByText('No deliveries yet').waitFor();
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByTestId('subscription-status').locator('[data-status="disabled"]').waitFor();

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Overview' })
      .click();
    const item = page
      .locator('.attention')
      .filter({ hasText: 'datasource.refresh.failed is disabled' });
    await item.waitFor();
    await saveScreenshot(page, '17-overview-disabled-subscription');
    await item.getByRole('link', { name: 'Open subscription' }).click();

    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByTestId('subscription-status').locator('[data-status="active"]').waitFor();
    const sub = await demo.get<{ status: string }>(`${api}/subscriptions/${failedSub.id}`);
    assert.equal(sub.status, 'active');
    await page.getByRole('button', { name: 'Recover' }).click();
    await page.getByText('Nothing failed since then.').waitFor();
  });

  void it("shows an external flow's status report on the Overview", async () => {
    const sent = await demo.app.http.inject({
      method: 'POST',
      url: '/v2/instances/default/statusreports',
      headers: { authorization: `Bearer ${KEY}` },
      payload: {
        reportType: 'export',
        status: 'failed',
        message: 'CRM upload refused',
        runId: 'run-7',
      },
    });
    assert.equal(sent.statusCode, 201, sent.body);
    await page.goto(`${demo.base}/#/default`);
    const row = page.getByTestId('status-reports').locator('tr', { hasText: 'CRM upload refused' });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /export.*Failed.*CRM upload refused.*run-7/);
    await saveScreenshot(page, '17b-overview-status-report');
  });

  void it('fits a narrow screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const hash of ['connections', 'subscriptions', `subscriptions/${refreshed.id}`]) {
      await page.goto(`${demo.base}/#/default/${hash}`);
      await page.locator('main h1').waitFor();
      await page.locator('.state-loading').first().waitFor({ state: 'detached' });
      const { overflow, culprits } = await measureOverflow(page);
      assert.equal(overflow, 0, `${hash} scrolls sideways: ${culprits}`);
    }
    await saveScreenshot(page, '18-narrow-subscription');
  });
});

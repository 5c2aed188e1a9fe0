/**
 * The console's Unification and Segments & measures pages in Chromium, against the seeded demo
 * after two full refreshes: run statistics, a customer search down to the source records and match
 * pairs, segment counts and sparklines, a segment's history with a subscription's threshold line,
 * members a page at a time, the rule builder's live count and save, a measure's history.
 * Every step waits on the page's state; each test saves a screenshot under test-artifacts/console/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type {
  Job,
  MatchPair,
  MergeDetails,
  ODataPage,
  Row,
  SegmentSummary,
  TaskWithDetails,
} from '../web/src/api.types.js';
import { saveScreenshot } from './support/browser.js';
import { KEY, measureOverflow, startConsoleDemo, type ConsoleDemo } from './support/console.js';
import { Receiver } from './support/receiver.js';
import { subscribe } from './support/triggers.js';

const api = '/v1/instances/default';

void describe('console insights pages in Chromium', () => {
  let demo: ConsoleDemo;
  let page: Page;
  let rx: Receiver;
  let threshold: number;
  let revenueThreshold: number;

  before(async () => {
    demo = await startConsoleDemo();
    page = demo.page;
    rx = await Receiver.start();
    const high = await demo.get<SegmentSummary>(`${api}/manage/segments/HighValue`);
    assert.ok(high.name);
    const [last] = (
      await demo.get<{ value: { count: number }[] }>(`${api}/manage/segments/HighValue/history`)
    ).value;
    // A threshold just under the current count, so its line sits inside the chart.
    threshold = Math.max(1, (last?.count ?? 2) - 1);
    await subscribe(demo.app, {
      event: 'segment.threshold.crossed',
      segment: 'HighValue',
      threshold,
      url: rx.url('/threshold'),
    });
    // A flow watching the same segment one below: its line is labelled with the flow's name.
    const flow = await demo.app.http.inject({
      method: 'POST',
      url: `${api}/flows`,
      headers: { authorization: `Bearer ${KEY}` },
      payload: {
        name: 'HighValueToTeams',
        trigger: {
          event: 'segment.threshold.crossed',
          segment: 'HighValue',
          threshold: threshold - 1,
        },
        actions: [{ type: 'teams', url: rx.url('/flow'), title: '{{data.segment}} crossed' }],
      },
    });
    assert.equal(flow.statusCode, 201, flow.body);
    const revenue = await demo.get<{ value: { value: number }[] }>(
      `${api}/manage/measures/TotalRevenue/history`,
    );
    revenueThreshold = Math.round(revenue.value.at(-1)!.value * 0.9);
    await subscribe(demo.app, {
      event: 'measure.threshold.crossed',
      measure: 'TotalRevenue',
      threshold: revenueThreshold,
      url: rx.url('/revenue'),
    });
    // A second evaluation of everything, so histories have two points.
    await demo.refresh();
  });

  after(async () => {
    await demo?.close();
    await rx?.close();
  });

  void it('shows the statistics of the last unification runs', async () => {
    await page.goto(`${demo.base}/#/default/unification`);
    const lastRun = page.getByTestId('unify-last-run');
    await lastRun.waitFor();
    const jobs = await demo.get<{ value: Job[] }>(`${api}/workflows/main/jobs?$top=1`);
    const job = await demo.get<Omit<Job, 'tasks'> & { tasks: TaskWithDetails[] }>(
      `${api}/workflows/main/jobs/${jobs.value[0]!.jobId}`,
    );
    const merge = job.tasks.find((t) => t.kind === 'merge')!.details as unknown as MergeDetails;
    assert.match(
      await lastRun.innerText(),
      new RegExp(merge.profiles.total.toLocaleString('en-US')),
    );
    // Both refreshes are listed, newest first; the second kept every profile.
    const rows = page.getByTestId('unify-runs').locator('tbody tr');
    assert.equal(await rows.count(), 2);
    assert.equal(merge.profiles.kept, merge.profiles.total);
    await page.getByRole('list', { name: 'Matched pairs per rule' }).waitFor();
    await page.locator('.history-chart svg[aria-label^="Profiles over 2 evaluations"]').waitFor();
    await saveScreenshot(page, '7-unification');
  });

  void it('finds a customer and shows the merged source records and the pairs that joined them', async () => {
    // A profile joined across tables: the first match pair's customer.
    const pairs = await demo.get<ODataPage<MatchPair>>(
      `${api}/data/ConflationMatchPair?$top=1&$filter=${encodeURIComponent("MatchKind eq 'match'")}`,
    );
    const pair = pairs.value[0]!;
    const profile = await demo.get<Row>(`${api}/data/Customer/${pair.CustomerId}`);
    const links = await demo.get<ODataPage<Row>>(
      `${api}/data/CustomerLink?$filter=${encodeURIComponent(`CustomerId eq '${pair.CustomerId}'`)}`,
    );
    const lastName = String(profile.LastName);

    await page.goto(`${demo.base}/#/default/unification`);
    await page.getByLabel('Search customers').fill(lastName.toUpperCase());
    await page.keyboard.press('Enter');
    const result = page
      .getByTestId('customer-results')
      .getByRole('link', { name: pair.CustomerId });
    await result.click();

    await page.getByRole('heading', { level: 1, name: String(profile.FullName) }).waitFor();
    const records = page.getByTestId('source-records').locator('article');
    await records.first().waitFor();
    assert.equal(await records.count(), links.value.length);
    await page
      .getByTestId('source-records')
      .getByRole('article', { name: `${pair.LeftSourceTable} ${pair.LeftRecordId}` })
      .waitFor();
    const pairRows = page.getByTestId('match-pairs').locator('tbody tr');
    assert.ok((await pairRows.count()) >= 1);
    const text = await page.getByTestId('match-pairs').innerText();
    assert.ok(text.includes(pair.Rule), `the rule ${pair.Rule} is shown`);
    const scores = Object.keys(JSON.parse(pair.Scores ?? '{}') as object);
    for (const field of scores) assert.ok(text.includes(field), `the score of ${field} is shown`);
    await saveScreenshot(page, '8-customer-profile');
  });

  void it('lists segments with their counts and sparklines, and measures with their values', async () => {
    await page.goto(`${demo.base}/#/default/segments`);
    const segments = await demo.get<{ value: SegmentSummary[] }>(`${api}/manage/segments`);
    for (const s of segments.value) {
      const row = page.locator(`tr[data-segment="${s.name}"]`);
      await row.waitFor();
      assert.equal(
        await row.locator('td.num').innerText(),
        (s.lastEvaluation?.count ?? 0).toLocaleString('en-US'),
        s.name,
      );
    }
    // Two evaluations each: every row draws a sparkline described in words.
    await page
      .locator('tr[data-segment="HighValue"] svg.sparkline[aria-label*="2 evaluations"]')
      .waitFor();
    const revenue = page.locator('tr[data-measure="TotalRevenue"]');
    await revenue.locator('svg.sparkline').waitFor();
    await page.locator('tr[data-measure="RevenueByChannel"]').getByText('by dimension').waitFor();
    await saveScreenshot(page, '9-segments-and-measures');
  });

  void it("draws a segment's history with the subscription's threshold as a line, and pages its members", async () => {
    await page.goto(`${demo.base}/#/default/segments/HighValue`);
    const chart = page.getByTestId('history-chart');
    const line = chart.locator(`.chart-threshold[data-threshold="${threshold}"]`);
    await line.waitFor();
    assert.match((await line.textContent()) ?? '', /Webhook to 127\.0\.0\.1/);
    const flowLine = chart.locator(`.chart-threshold[data-threshold="${threshold - 1}"]`);
    assert.match((await flowLine.textContent()) ?? '', /Flow HighValueToTeams/);
    assert.match(
      (await chart.locator('svg').getAttribute('aria-label')) ?? '',
      new RegExp(`thresholds: Webhook to 127\\.0\\.0\\.1:\\d+ at ${threshold}`),
    );
    // The same points as text.
    await chart.getByText('Show the values as a table').click();
    assert.equal(await chart.locator('details tbody tr').count(), 2);
    await page.getByTestId('members-table').waitFor();
    await page.getByRole('button', { name: 'Save segment' }).waitFor();
    await saveScreenshot(page, '10-segment-threshold');

    // Members a page at a time: Dormant has more than one page.
    const dormant = await demo.get<{ value: { count: number }[] }>(
      `${api}/manage/segments/Dormant/history`,
    );
    const count = dormant.value.at(-1)!.count;
    assert.ok(count > 20, `Dormant has ${count} members`);
    await page.goto(`${demo.base}/#/default/segments/Dormant`);
    const members = page.getByTestId('members-table').locator('tbody tr');
    await members.nth(19).waitFor();
    assert.equal(await members.count(), 20);
    const first = await members.first().innerText();
    await page
      .getByRole('navigation', { name: 'Member pages' })
      .getByRole('button', { name: 'Next' })
      .click();
    await page.getByText('21–40').waitFor();
    assert.notEqual(await members.first().innerText(), first);
  });

  void it('builds a segment with the form, previews its count live, and saves it', async () => {
    await page.goto(`${demo.base}/#/default/new-segment`);
    await page.getByLabel('Name').fill('LondonOptIn');
    await page.getByRole('button', { name: 'Add condition' }).click();
    const cond = page.getByRole('group', { name: 'Condition 1' });
    await cond.getByLabel('Attribute').selectOption('City');
    await cond.getByLabel('Value').fill('london');
    await cond.getByLabel('any case').check();

    const rule = { and: [{ attribute: 'City', op: 'eq', value: 'london', ignoreCase: true }] };
    const expected = await demo.app.http.inject({
      method: 'POST',
      url: `${api}/manage/segments/preview`,
      headers: { authorization: 'Bearer test-admin-key' },
      payload: { name: 'LondonOptIn', rule },
    });
    const { count } = expected.json<{ count: number }>();
    assert.ok(count > 0, 'the demo has customers in London');
    await page.locator(`[data-testid="segment-preview-count"][data-count="${count}"]`).waitFor();

    // A bad rule shows the server's message with the path of the node.
    await page.getByRole('button', { name: 'JSON' }).click();
    await page
      .getByLabel('Rule (JSON)')
      .fill('{"and": [{"attribute": "Cty", "op": "eq", "value": "x"}]}');
    await page.getByTestId('segment-preview').getByText('body/rule/and/0/attribute').waitFor();
    await page.getByLabel('Rule (JSON)').fill(JSON.stringify(rule));
    await page.locator(`[data-testid="segment-preview-count"][data-count="${count}"]`).waitFor();
    await page.getByRole('button', { name: 'Form' }).click();
    await page.getByRole('group', { name: 'Condition 1' }).waitFor();
    await saveScreenshot(page, '11-segment-builder');

    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.getByRole('heading', { level: 1, name: 'LondonOptIn' }).waitFor();
    const saved = await demo.get<SegmentSummary>(`${api}/manage/segments/LondonOptIn`);
    assert.deepEqual(saved.rule, rule);
    // Never evaluated yet; Evaluate now records its first count, the one the preview gave.
    await page.getByText('Not evaluated yet').waitFor();
    await page.getByRole('button', { name: 'Evaluate now' }).click();
    await page.getByTestId('segment-count').getByText(count.toLocaleString('en-US')).waitFor();
    await page.getByTestId('members-table').locator('tbody tr').first().waitFor();

    // Editing the stored segment: negating the condition gives the complement within Customer.
    const total = (await demo.get<ODataPage<Row>>(`${api}/data/Customer?$top=1&$count=true`))[
      '@odata.count'
    ]!;
    await page.getByLabel('Negate condition 1').check();
    await page
      .locator(`[data-testid="segment-preview-count"][data-count="${total - count}"]`)
      .waitFor();
    await page.getByLabel('Description').fill('Not in London');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.getByText('Saved ✓').waitFor();
    const edited = await demo.get<SegmentSummary>(`${api}/manage/segments/LondonOptIn`);
    assert.deepEqual(edited.rule, { and: [{ not: rule.and[0] }] });
    assert.equal(edited.description, 'Not in London');
  });

  void it("shows a business measure's value over time and a dimensional one's groups", async () => {
    const history = await demo.get<{ value: { value: number }[] }>(
      `${api}/manage/measures/TotalRevenue/history`,
    );
    await page.goto(`${demo.base}/#/default/measures/TotalRevenue`);
    const value = page.getByTestId('measure-value');
    await value.waitFor();
    assert.equal(
      await value.innerText(),
      history.value.at(-1)!.value.toLocaleString('en-US', { maximumFractionDigits: 2 }),
    );
    await page
      .getByTestId('history-chart')
      .locator(`.chart-threshold[data-threshold="${revenueThreshold}"]`)
      .waitFor();
    // The dry run of the stored definition gives the value the last evaluation recorded.
    await page
      .getByTestId('measure-preview')
      .getByText(await value.innerText())
      .waitFor();
    await saveScreenshot(page, '12-measure');
    await page.goto(`${demo.base}/#/default/measures/RevenueByChannel`);
    await page.getByTestId('measure-groups').locator('tbody tr').first().waitFor();
    const byChannel = await demo.get<{ value: { values: unknown[] }[] }>(
      `${api}/manage/measures/RevenueByChannel/history`,
    );
    const groups = byChannel.value.at(-1)!.values.length;
    await page.getByTestId('measure-value').getByText(`${groups} groups`).waitFor();
    assert.equal(await page.getByTestId('measure-groups').locator('tbody tr').count(), groups);

    // A name that does not exist: the server's answer, with a way to try again.
    await page.goto(`${demo.base}/#/default/measures/NoSuchMeasure`);
    await page.getByRole('alert').getByText('no measure "NoSuchMeasure"').waitFor();
    await page.getByRole('button', { name: 'Try again' }).waitFor();
  });

  void it('fits a narrow screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const someone = await demo.get<ODataPage<Row>>(`${api}/data/Customer?$top=1`);
    for (const hash of [
      `unification/customers/${String(someone.value[0]!.CustomerId)}`,
      'unification',
      'segments',
      'segments/HighValue',
      'new-segment',
      'measures/TotalRevenue',
    ]) {
      await page.goto(`${demo.base}/#/default/${hash}`);
      await page.locator('main h1').waitFor();
      await page.locator('.state-loading').first().waitFor({ state: 'detached' });
      const { overflow, culprits } = await measureOverflow(page);
      assert.equal(overflow, 0, `${hash} scrolls sideways: ${culprits}`);
    }
    await saveScreenshot(page, '13-narrow-measure');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});

/**
 * The two classic flows end to end through a real refresh: real CSV ingest into DuckDB, real
 * unification and segment evaluation, the outbox and the delivery worker, to a loopback receiver
 * standing in for Teams (its Adaptive Card parsed with the `adaptivecards` library) and to a real
 * SMTP server in this process (the mail parsed with `postal-mime`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeliveryRow } from '../src/state/index.js';
import { auth, startTestApp, type TestApp } from './support/app.js';
import { createFlow, parseAdaptiveCard, runsOf } from './support/flows.js';
import { Receiver } from './support/receiver.js';
import { SmtpSink } from './support/smtp.sink.js';
import { deliverAt } from './support/triggers.js';

let app: TestApp;
let teams: Receiver;
let smtp: SmtpSink;

async function put(path: string, body: Record<string, unknown>): Promise<void> {
  const res = await app.http.inject({
    method: 'PUT',
    url: `/v1/instances/default${path}`,
    headers: auth,
    payload: body,
  });
  assert.ok(res.statusCode === 200 || res.statusCode === 201, res.body);
}

function writePeople(londoners: number, others: number): void {
  const rows = [
    ...Array.from({ length: londoners }, (_, i) => `${i + 1},Ann Lee${i},ann${i}@x.org,London`),
    ...Array.from({ length: others }, (_, i) => `${100 + i},Bo Kim${i},bo${i}@x.org,Oslo`),
  ];
  writeFileSync(join(app.dir, 'people.csv'), `id,name,email,city\n${rows.join('\n')}\n`);
}

/** Runs a refresh to its end, then one delivery round; returns the job's final status. */
async function refresh(identifiers: string[] = []): Promise<string> {
  const r = await app.refresh.submit({
    instance: 'default',
    submissionKind: 'onDemand',
    identifiers,
  });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const job = await app.refresh.waitFor(r.value.jobId);
  await deliverAt(app, new Date());
  return job!.status;
}

async function deliveriesOf(subscriptionId: string): Promise<DeliveryRow[]> {
  return app.state.listDeliveries('default', { subscriptionId, limit: 100, offset: 0 });
}

before(async () => {
  smtp = await SmtpSink.start();
  teams = await Receiver.start();
  teams.handler = (_req, res) => res.writeHead(202).end();
  app = await startTestApp({
    TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'true',
    TRIBUTARY_TASK_MAX_ATTEMPTS: '1',
    TRIBUTARY_PUBLIC_URL: 'https://tributary.example.org',
    ...smtp.env(),
  });
  writePeople(2, 3);
  await put('/manage/datasources/crm', {
    name: 'crm',
    owners: ['crm-owner@example.org'],
    tables: [
      { name: 'people', format: 'csv', path: join(app.dir, 'people.csv'), primaryKey: 'id' },
    ],
  });
  await put('/manage/datasources/shop', {
    name: 'shop',
    owners: ['shop-owner@example.org'],
    tables: [
      {
        name: 'orders',
        format: 'csv',
        path: join(app.dir, 'missing-orders.csv'),
        primaryKey: 'id',
      },
    ],
  });
  await put('/manage/unification', {
    customers: [
      {
        source: 'crm',
        table: 'people',
        columns: { name: 'Person.FullName', email: 'Identity.Email', city: 'Location.City' },
      },
    ],
  });
  assert.equal(await refresh(['crm']), 'successful');
  await put('/manage/segments/Londoners', {
    name: 'Londoners',
    owners: ['ops@example.org', 'marketing@example.org'],
    rule: { attribute: 'City', op: 'eq', value: 'London' },
  });
  assert.equal(await refresh(['crm']), 'successful');
});

after(async () => {
  await app.dispose();
  await teams.close();
  await smtp.close();
});

void describe('classic flows through a real refresh', () => {
  void it('posts an Adaptive Card to Teams when a data source refresh fails', async () => {
    const flow = await createFlow(
      app,
      { webhookUrl: teams.url('/workflows/teams'), source: 'shop' },
      'teams-refresh-failed',
    );
    assert.equal(flow.name, 'TeamsRefreshFailed');
    assert.equal(flow.status, 'active');

    const before = teams.received.length;
    assert.equal(await refresh(['shop']), 'failed');
    const posts = teams.received.slice(before);
    assert.equal(posts.length, 1, 'one card for one failed source');
    const body = posts[0]!.json as unknown as {
      type: string;
      attachments: { contentType: string; content: unknown }[];
    };
    assert.equal(body.type, 'message');
    assert.equal(body.attachments[0]!.contentType, 'application/vnd.microsoft.card.adaptive');
    const card = parseAdaptiveCard(body.attachments[0]!.content);
    assert.equal(card.title, 'Refresh of shop failed');
    assert.match(card.texts[1]!, /missing-orders\.csv/);
    assert.equal(card.facts.Source, 'shop');
    assert.equal(card.facts['Error code'], 'TRIB\\_ERR\\_SOURCE\\_MISSING');
    assert.equal(card.facts.Attempts, '1');
    assert.equal(card.facts.Owners, 'shop-owner@example.org');
    assert.equal(card.openUrl, 'https://tributary.example.org/#/default/sources/shop');

    const [delivery] = await deliveriesOf(flow.subscriptionId);
    assert.equal(delivery!.status, 'delivered');
    assert.equal(delivery!.url, 'flow:TeamsRefreshFailed');
    const [run] = await runsOf(app, 'TeamsRefreshFailed');
    assert.equal(run!.status, 'succeeded');
    assert.equal(run!.deliveryId, delivery!.id);
    assert.equal(run!.event.type, 'datasource.refresh.failed');
    assert.equal(run!.actions[0]!.statusCode, 202);
    assert.equal(
      (run!.actions[0]!.request as { url: string }).url,
      `http://127.0.0.1:${teams.port}/…`,
    );

    // A successful source refresh fires nothing for this flow.
    const n = teams.received.length;
    assert.equal(await refresh(['crm']), 'successful');
    assert.equal(teams.received.length, n);
  });

  void it('emails the data owners when a segment crosses a threshold', async () => {
    const flow = await createFlow(
      app,
      { segment: 'Londoners', threshold: 3, to: ['analyst@example.org'] },
      'email-segment-threshold',
    );
    // Baseline 2 (the last evaluation): 2 → 2 does not fire.
    const before = smtp.mails.length;
    assert.equal(await refresh(['crm']), 'successful');
    assert.equal(smtp.mails.length, before);

    writePeople(5, 3);
    assert.equal(await refresh(['crm']), 'successful');
    await smtp.waitFor(() => smtp.mails.length === before + 1);
    const mail = smtp.mails[before]!;
    assert.deepEqual([...mail.rcptTo].sort(), [
      'analyst@example.org',
      'marketing@example.org',
      'ops@example.org',
    ]);
    assert.equal(mail.mailFrom, 'tributary@example.org');
    assert.equal(mail.parsed.subject, 'Londoners crossed 3 (2 → 5)');
    assert.match(mail.parsed.text ?? '', /now has 5 members \(before: 2; threshold: 3\)/);
    assert.match(mail.parsed.text ?? '', /Added since the previous evaluation: 3\./);
    assert.match(mail.parsed.html ?? '', /<b>Londoners<\/b> now has <b>5<\/b> members/);
    assert.match(
      mail.parsed.html ?? '',
      /href="https:\/\/tributary\.example\.org\/#\/default\/segments\/Londoners"/,
    );

    const [delivery] = await deliveriesOf(flow.subscriptionId);
    assert.equal(delivery!.status, 'delivered');
    const [run] = await runsOf(app, flow.name);
    assert.equal(run!.status, 'succeeded');
    assert.equal(run!.event.data.currentCount, 5);
    const response = run!.actions[0]!.response as { accepted: string[] };
    assert.equal(response.accepted.length, 3);

    // Above the threshold already: a further rise does not fire again until it re-arms.
    writePeople(6, 3);
    assert.equal(await refresh(['crm']), 'successful');
    assert.equal(smtp.mails.length, before + 1);
  });
});

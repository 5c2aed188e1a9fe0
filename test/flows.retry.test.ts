/**
 * Flow deliveries on the delivery machinery, driven by explicit `tick(now)` rounds on a compressed
 * schedule (0, 1 s, 2 s; jitter pinned): transient failures (HTTP 5xx, SMTP 451, no SMTP server)
 * are retried and only the unfinished actions run again; permanent ones (HTTP 400, SMTP 550) fail
 * at once and are listed; replay; conditions; send test; enable/disable; Slack and refresh actions.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DeliveryRow } from '../src/state/index.js';
import { auth, startTestApp, type TestApp } from './support/app.js';
import { createFlow, runsOf, type RunJson } from './support/flows.js';
import { Receiver } from './support/receiver.js';
import { SmtpSink } from './support/smtp.sink.js';
import { deliverAt, emit } from './support/triggers.js';

let app: TestApp;
let rx: Receiver;
let smtp: SmtpSink;
let n = 0;
const t0 = new Date('2026-11-21T08:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

const failedData = {
  source: 'shop',
  tables: ['orders'],
  jobId: 'job-1',
  submissionKind: 'scheduled',
  status: 'failed',
  attempts: 3,
  rowsRead: null,
  rowsRejected: null,
  error: { code: 'TRIB_ERR_SOURCE_MISSING', message: 'no file' },
  startedAt: null,
  endedAt: null,
  owners: ['owner@example.org'],
};

/** Queues answers for the receiver's next requests (then 200). */
function answers(...codes: number[]): void {
  rx.handler = (_req, res) => res.writeHead(codes.shift() ?? 200).end('{"ok":false}');
}

async function flowDeliveries(subscriptionId: string): Promise<DeliveryRow[]> {
  return app.state.listDeliveries('default', { subscriptionId, limit: 100, offset: 0 });
}

function teams(path: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'teams', url: rx.url(path), title: '{{data.source}} failed', ...extra };
}

async function flow(actions: unknown[], extra: Record<string, unknown> = {}) {
  return createFlow(app, {
    name: `F${++n}`,
    trigger: { event: 'datasource.refresh.failed' },
    actions,
    ...extra,
  });
}

before(async () => {
  smtp = await SmtpSink.start();
  rx = await Receiver.start();
  app = await startTestApp(
    {
      TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'true',
      TRIBUTARY_DELIVERY_RETRY_SCHEDULE_MS: '0,1000,2000',
      ...smtp.env(),
    },
    { random: () => 0.5 },
  );
});
afterEach(async () => {
  // Each case starts from no live flow: flows of earlier cases would get the next events too.
  for (const f of await app.flows.list('default')) await app.flows.remove('default', f.name, t0);
  rx.handler = (_req, res) => res.writeHead(200).end();
  smtp.rcptHook = () => undefined;
});
after(async () => {
  await app.dispose();
  await rx.close();
  await smtp.close();
});

void describe('flow deliveries: retries and outcomes', () => {
  void it('retries a transient HTTP failure on the schedule and does not repeat a finished action', async () => {
    const f = await flow([
      teams('/t1'),
      {
        type: 'http',
        url: rx.url('/h1'),
        body: { source: '{{data.source}}', attempts: '{{data.attempts}}' },
      },
    ]);
    rx.handler = (req, res) =>
      res.writeHead(req.path === '/h1' && rx.to('/h1').length === 1 ? 503 : 200).end();
    await emit(app, 'datasource.refresh.failed', t0, failedData, { source: 'shop' });
    assert.equal(await deliverAt(app, t0), 1);
    let [d] = await flowDeliveries(f.subscriptionId);
    assert.equal(d!.status, 'pending');
    assert.equal(d!.nextAttemptAt, at(1000).toISOString());
    let [run] = await runsOf(app, f.name);
    assert.equal(run!.status, 'failed');
    assert.equal(run!.retry, true);
    assert.deepEqual(
      run!.actions.map((a) => [a.status, a.transient, a.statusCode]),
      [
        ['succeeded', false, 200],
        ['failed', true, 503],
      ],
    );

    assert.equal(await deliverAt(app, at(999)), 0, 'not due yet');
    assert.equal(await deliverAt(app, at(1000)), 1);
    [d] = await flowDeliveries(f.subscriptionId);
    assert.equal(d!.status, 'delivered');
    assert.equal(d!.attempts, 2);
    [run] = await runsOf(app, f.name);
    assert.deepEqual(
      run!.actions.map((a) => a.status),
      ['done', 'succeeded'],
    );
    assert.equal(rx.to('/t1').length, 1, 'the Teams card was posted once');
    assert.deepEqual(rx.to('/h1')[1]!.json, { source: 'shop', attempts: 3 });
    const log = await app.http.inject({
      method: 'GET',
      url: `/v1/instances/default/deliveries/${d!.id}`,
      headers: auth,
    });
    const attempts = log.json<{ attemptLog: { error: string | null }[] }>().attemptLog;
    assert.equal(attempts.length, 2);
    assert.match(attempts[0]!.error!, /actions\/1 \(http\): HTTP 503/);
  });

  void it('fails a permanent failure at once, lists it, and replays it after the fix', async () => {
    const f = await flow([teams('/t2')]);
    answers(400);
    await emit(app, 'datasource.refresh.failed', t0, failedData, { source: 'shop' });
    await deliverAt(app, t0);
    const [d] = await flowDeliveries(f.subscriptionId);
    assert.equal(d!.status, 'failed');
    assert.equal(d!.attempts, 1);
    const [run] = await runsOf(app, f.name);
    assert.equal(run!.actions[0]!.transient, false);
    assert.match(run!.actions[0]!.error!, /HTTP 400/);
    const flows = await app.http.inject({
      method: 'GET',
      url: '/v1/instances/default/flows',
      headers: auth,
    });
    const listed = flows.json<{
      value: { name: string; lastRun: { status: string; error: string } }[];
    }>().value;
    assert.match(listed.find((x) => x.name === f.name)!.lastRun.error, /actions\/0: HTTP 400/);

    const resend = await app.http.inject({
      method: 'POST',
      url: `/v1/instances/default/deliveries/${d!.id}/resend`,
      headers: auth,
    });
    assert.equal(resend.statusCode, 202, resend.body);
    await deliverAt(app, new Date());
    assert.equal((await flowDeliveries(f.subscriptionId))[0]!.status, 'delivered');
    assert.equal(rx.to('/t2').length, 2);
  });

  void it('retries SMTP 451 and fails SMTP 550 permanently; an unreachable SMTP server is retried until the schedule ends', async () => {
    const f = await flow([
      {
        type: 'email',
        owners: true,
        to: ['extra@example.org'],
        subject: '{{data.source}} failed',
        text: 'x',
      },
    ]);
    let refusals = 1;
    smtp.rcptHook = (a) =>
      a === 'extra@example.org' && refusals-- > 0 ? { code: 451, message: 'try later' } : undefined;
    await emit(app, 'datasource.refresh.failed', t0, failedData, { source: 'shop' });
    await deliverAt(app, t0);
    let [run] = await runsOf(app, f.name);
    assert.equal(run!.actions[0]!.transient, true);
    assert.equal(run!.actions[0]!.statusCode, 451);
    // The owner got it on the first attempt; the retry goes only to the refused recipient.
    assert.deepEqual(
      smtp.mails.map((m) => m.rcptTo),
      [['owner@example.org']],
    );
    await deliverAt(app, at(1000));
    assert.deepEqual(
      smtp.mails.map((m) => m.rcptTo),
      [['owner@example.org'], ['extra@example.org']],
    );
    assert.equal(smtp.mails[1]!.parsed.subject, 'shop failed');
    assert.equal((await flowDeliveries(f.subscriptionId))[0]!.status, 'delivered');

    smtp.rcptHook = () => ({ code: 550, message: 'no such user' });
    await emit(app, 'datasource.refresh.failed', at(5000), failedData, { source: 'shop' });
    await deliverAt(app, at(5000));
    [run] = await runsOf(app, f.name);
    assert.equal(run!.actions[0]!.transient, false);
    assert.equal(run!.actions[0]!.statusCode, 550);
    assert.equal((await flowDeliveries(f.subscriptionId))[0]!.status, 'failed');

    // No SMTP server at all on that port: transient every time, failed when the schedule ends.
    const dead = await SmtpSink.start();
    const port = dead.port;
    await dead.close();
    const other = await startTestApp(
      {
        TRIBUTARY_DELIVERY_RETRY_SCHEDULE_MS: '0,1000',
        TRIBUTARY_SMTP_HOST: '127.0.0.1',
        TRIBUTARY_SMTP_PORT: String(port),
        TRIBUTARY_SMTP_TIMEOUT_MS: '2000',
      },
      { random: () => 0.5 },
    );
    try {
      const g = await createFlow(other, {
        name: 'Mail',
        trigger: { event: 'datasource.refresh.failed' },
        actions: [{ type: 'email', to: ['a@example.org'], subject: 's', text: 't' }],
      });
      await emit(other, 'datasource.refresh.failed', t0, failedData, { source: 'shop' });
      await deliverAt(other, t0);
      await deliverAt(other, at(1000));
      const [dd] = await other.state.listDeliveries('default', {
        subscriptionId: g.subscriptionId,
        limit: 5,
        offset: 0,
      });
      assert.equal(dd!.status, 'failed');
      assert.equal(dd!.attempts, 2);
      assert.match(dd!.lastError!, /ECONNREFUSED|ECONNECTION|ESOCKET/);
      const runs = await runsOf(other, 'Mail');
      assert.deepEqual(
        runs.map((r) => r.actions[0]!.transient),
        [true, true],
      );
    } finally {
      await other.dispose();
    }
  });

  void it('records a condition that does not hold and performs nothing', async () => {
    const f = await flow([teams('/t3')], {
      condition: {
        and: [
          { field: 'data.source', op: 'eq', value: 'crm' },
          { not: { field: 'data.error', op: 'exists' } },
        ],
      },
    });
    await emit(app, 'datasource.refresh.failed', t0, failedData, { source: 'shop' });
    await deliverAt(app, t0);
    const [run] = await runsOf(app, f.name);
    assert.equal(run!.conditionHeld, false);
    assert.equal(run!.status, 'skipped');
    assert.deepEqual(run!.actions, []);
    assert.equal(rx.to('/t3').length, 0);
    assert.equal((await flowDeliveries(f.subscriptionId))[0]!.status, 'delivered');
  });

  void it('sends a test on the sample with the trigger subject, and stops delivering while disabled', async () => {
    const f = await flow([teams('/t4', { format: 'messageCard' })], {
      trigger: { event: 'datasource.refresh.failed', source: 'crm' },
    }).catch(() => undefined);
    assert.equal(f, undefined, 'an unknown source in the trigger is refused');
    await app.http.inject({
      method: 'PUT',
      url: '/v1/instances/default/manage/datasources/crm',
      headers: auth,
      payload: {
        name: 'crm',
        owners: ['crm@example.org'],
        tables: [{ name: 'p', format: 'csv', path: '/nowhere.csv', primaryKey: 'id' }],
      },
    });
    const g = await flow(
      [
        teams('/t4', {
          format: 'messageCard',
          facts: [{ name: 'Owners', value: '{{data.owners}}' }],
        }),
      ],
      {
        trigger: { event: 'datasource.refresh.failed', source: 'crm' },
      },
    );
    const test = await app.http.inject({
      method: 'POST',
      url: `/v1/instances/default/flows/${g.name}/test`,
      headers: auth,
      payload: {},
    });
    assert.equal(test.statusCode, 200, test.body);
    const run = test.json<RunJson>();
    assert.equal(run.test, true);
    assert.equal(run.status, 'succeeded');
    const card = rx.to('/t4')[0]!.json as unknown as {
      '@type': string;
      title: string;
      sections: { facts: { value: string }[] }[];
    };
    assert.equal(card['@type'], 'MessageCard');
    assert.equal(card.title, 'crm failed');
    assert.equal(card.sections[0]!.facts[0]!.value, 'crm@example.org');
    assert.equal((await runsOf(app, g.name))[0]!.id, run.id);

    const patch = (enabled: boolean) =>
      app.http.inject({
        method: 'PATCH',
        url: `/v1/instances/default/flows/${g.name}`,
        headers: auth,
        payload: { enabled },
      });
    assert.equal((await patch(false)).json<{ status: string }>().status, 'disabled');
    await emit(
      app,
      'datasource.refresh.failed',
      t0,
      { ...failedData, source: 'crm' },
      { source: 'crm' },
    );
    assert.equal(await deliverAt(app, t0), 0);
    assert.equal((await patch(true)).json<{ status: string }>().status, 'active');
    await emit(
      app,
      'datasource.refresh.failed',
      t0,
      { ...failedData, source: 'crm' },
      { source: 'crm' },
    );
    assert.equal(await deliverAt(app, t0), 1);

    // The flow's subscription is changed through the flow, not the subscription API.
    const viaSub = await app.http.inject({
      method: 'DELETE',
      url: `/v1/instances/default/subscriptions/${g.subscriptionId}`,
      headers: auth,
    });
    assert.equal(viaSub.statusCode, 409);
  });
});

void describe('flow actions: Slack and refresh', () => {
  void it('posts Slack blocks with escaped values, and starts a scoped refresh of the rendered source', async () => {
    await app.http.inject({
      method: 'PUT',
      url: '/v1/instances/default/manage/datasources/erp',
      headers: auth,
      payload: {
        name: 'erp',
        tables: [{ name: 't', format: 'csv', path: '/nowhere/erp.csv', primaryKey: 'id' }],
      },
    });
    const slack = await createFlow(
      app,
      { webhookUrl: rx.url('/slack') },
      'slack-unification-completed',
    );
    const test = await app.http.inject({
      method: 'POST',
      url: `/v1/instances/default/flows/${slack.name}/test`,
      headers: auth,
    });
    assert.equal(test.json<RunJson>().status, 'succeeded', test.body);
    const msg = rx.to('/slack')[0]!.json as unknown as {
      text: string;
      blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[];
    };
    assert.equal(msg.blocks[0]!.type, 'header');
    assert.equal(msg.blocks[0]!.text!.text, 'Unification completed');
    assert.match(msg.blocks[1]!.text!.text, /^41877 customer profiles after job /);
    assert.deepEqual(
      msg.blocks[2]!.fields!.map((f) => f.text),
      ['*Created*\n214', '*Merged*\n71', '*Split*\n2', '*Kept*\n41590'],
    );
    assert.match(msg.text, /^Unification completed: 41877 customer profiles/);

    const f = await flow(
      [{ type: 'refresh', sources: ['{{data.source}}'], operation: 'ingestion' }],
      {
        condition: { field: 'data.submissionKind', op: 'eq', value: 'scheduled' },
      },
    );
    await emit(
      app,
      'datasource.refresh.failed',
      at(9000),
      { ...failedData, source: 'erp' },
      { source: 'erp' },
    );
    await deliverAt(app, at(9000));
    const [run] = await runsOf(app, f.name);
    assert.equal(run!.status, 'succeeded', JSON.stringify(run!.actions));
    const { jobId } = run!.actions[0]!.response as { jobId: string };
    const job = await app.state.getJob(jobId);
    assert.deepEqual(job!.identifiers, ['erp']);
    assert.equal(job!.submissionKind, 'onDemand');
    await app.refresh.waitFor(jobId);
  });
});

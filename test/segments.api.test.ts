/**
 * The segments and measures manage API over a real socket: bad input answered with the path of
 * the offending node, dry runs, history, and refresh jobs where segments run after the segments
 * they read, inactive ones end skipped, and a failing one does not stop the others.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { startTestApp, auth, type TestApp } from './support/app.js';
import { loadFixture } from './support/customer.fixture.js';
import { planTasks, type TaskKind } from '../src/refresh/index.js';

void describe('segments and measures API', () => {
  let app: TestApp;
  let base: string;
  const call = async (path: string, method = 'GET', body?: unknown) => {
    const res = await fetch(`${base}/v1/instances/default${path}`, {
      method,
      headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const expect400 = async (path: string, body: unknown, field: string, detail: RegExp) => {
    const r = await call(path, 'POST', body);
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.field, field, JSON.stringify(r.body));
    assert.match(String(r.body.detail), detail);
  };
  const runJob = async () => {
    const started = await call('/workflows/main/jobs', 'POST');
    assert.equal(started.status, 202);
    const job = await app.refresh.waitFor(String(started.body.jobId));
    return { job, tasks: await app.state.listTasks(job!.id) };
  };

  before(async () => {
    app = await startTestApp();
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  });
  after(() => app.dispose());

  void it('fails segment tasks clearly while the Customer table is missing', async () => {
    const r = await call('/manage/segments', 'POST', {
      name: 'gold',
      rule: { attribute: 'LoyaltyTier', op: 'eq', value: 'gold' },
    });
    assert.equal(r.status, 201);
    const { job, tasks } = await runJob();
    assert.equal(job?.status, 'failed');
    assert.equal(tasks[0]?.error?.code, 'TRIB_ERR_TABLE_MISSING');
    assert.match(tasks[0]?.error?.message ?? '', /table Customer is missing/);
    assert.equal(tasks[0]?.attempts, 1); // a user fault: not retried
    assert.equal((await call('/manage/segments/gold', 'DELETE')).status, 204);
  });

  void it('rejects bad definitions naming the offending node', async () => {
    await loadFixture(await app.warehouse.open('default'));
    const s = '/manage/segments';
    await expect400(
      s,
      { name: 'x', rule: { and: [{ attribute: 'Nope', op: 'eq', value: 1 }] } },
      'body/rule/and/0/attribute',
      /unknown attribute "Nope"/,
    );
    await expect400(
      s,
      {
        name: 'x',
        rule: {
          or: [
            { attribute: 'City', op: 'eq', value: 'A' },
            { attribute: 'LoyaltyPoints', op: 'gt', value: 'many' },
          ],
        },
      },
      'body/rule/or/1/value',
      /type mismatch/,
    );
    await expect400(
      s,
      { name: 'x', rule: { attribute: 'City', op: 'in', value: [] } },
      'body/rule/value',
      /non-empty/,
    );
    await expect400(
      s,
      { name: 'x', rule: { attribute: 'City', op: 'like', value: 'A' } },
      'body/rule/op',
      /must be one of/,
    );
    await expect400(
      s,
      { name: 'x', rule: { not: { activity: 'Refund', op: 'gt', value: 0 } } },
      'body/rule/not/activity',
      /unknown activity type "Refund"/,
    );
    await expect400(
      s,
      { name: 'x', rule: { activity: 'Purchase', aggregate: 'last', op: 'gt', value: 3 } },
      'body/rule/value',
      /type mismatch/,
    );
    await expect400(
      s,
      { name: 'x', rule: { inSegment: 'ghost' } },
      'body/rule/inSegment',
      /unknown segment/,
    );
    await expect400(
      s,
      { name: 'x', rule: { union: [{ attribute: 'City', op: 'exists' }] } },
      'body/rule/union',
      /at least 2/,
    );
    await expect400(
      s,
      { name: 'x', rule: { measure: 'ghost', op: 'gt', value: 1 } },
      'body/rule/measure',
      /unknown measure/,
    );
    await expect400(
      s,
      { name: 'x', rule: { attribute: 'SignupDate', op: 'within', window: { last: 3 } } },
      'body/rule/window/unit',
      /needs both/,
    );
    await expect400(s, { name: 'x', rule: { wat: 1 } }, 'body/rule', /needs one of/);
    const m = '/manage/measures';
    await expect400(
      m,
      { name: 'y', aggregate: 'median', expression: 'Amount' },
      'body/aggregate',
      /must be one of/,
    );
    await expect400(
      m,
      { name: 'y', aggregate: 'sum', expression: 'Channel' },
      'body/expression',
      /type mismatch/,
    );
    await expect400(m, { name: 'y', aggregate: 'sum' }, 'body/expression', /needs an expression/);
    await expect400(
      m,
      { name: 'y', aggregate: 'count', dimensions: [{ column: 'Channel', bucket: 'month' }] },
      'body/dimensions/0/column',
      /type mismatch/,
    );
  });

  void it('rejects a cycle between segments', async () => {
    const a = { name: 'a', rule: { attribute: 'City', op: 'exists' } };
    assert.equal((await call('/manage/segments', 'POST', a)).status, 201);
    const b = {
      name: 'b',
      rule: { and: [{ inSegment: 'a' }, { attribute: 'Country', op: 'eq', value: 'GB' }] },
    };
    assert.equal((await call('/manage/segments', 'POST', b)).status, 201);
    const r = await call('/manage/segments/a', 'PUT', {
      name: 'a',
      rule: { or: [{ attribute: 'City', op: 'exists' }, { inSegment: 'b' }] },
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.field, 'body/rule/or/1/inSegment');
    assert.match(String(r.body.detail), /cycle: a → b → a/);
    assert.equal((await call('/manage/segments/a', 'DELETE')).status, 409);
  });

  void it('previews a segment and a measure without saving them', async () => {
    const seg = await call('/manage/segments/preview', 'POST', {
      name: 'p',
      rule: { attribute: 'Country', op: 'eq', value: 'DE' },
    });
    assert.deepEqual(seg.body, { count: 3, sample: ['c-02', 'c-08', 'c-12'] });
    const mea = await call('/manage/measures/preview', 'POST', {
      name: 'p',
      activityType: 'Purchase',
      aggregate: 'count',
    });
    assert.deepEqual([mea.status, mea.body.kind, mea.body.value], [200, 'scalar', 19]);
    assert.equal((await call('/manage/segments/p')).status, 404);
    assert.equal((await call('/manage/measures/p')).status, 404);
  });

  void it('runs segments after the segments they read; a failure stops neither the others nor measures', async () => {
    await call('/manage/measures', 'POST', {
      name: 'Revenue',
      activityType: 'Purchase',
      aggregate: 'sum',
      expression: 'Amount',
    });
    await call('/manage/segments', 'POST', {
      name: 'off',
      active: false,
      rule: { attribute: 'City', op: 'exists' },
    });
    await call('/manage/segments', 'POST', {
      name: 'byHand',
      refresh: 'static',
      rule: { attribute: 'City', op: 'exists' },
    });
    await call('/manage/segments', 'POST', {
      name: 'broken',
      rule: { attribute: 'City', op: 'eq', value: 'Oslo' },
    });
    const put = await call('/manage/segments/a', 'PUT', {
      name: 'a',
      rule: { attribute: 'Country', op: 'exists' },
    });
    assert.equal(put.status, 200);
    // The column disappears after the definition was accepted: that segment's task fails.
    await (
      await app.warehouse.open('default')
    ).write((w) => w.run('ALTER TABLE Customer RENAME COLUMN City TO Town'));
    const { job, tasks } = await runJob();
    const byTarget = new Map(tasks.map((t) => [`${t.kind}:${t.target}`, t]));
    assert.equal(job?.status, 'failed');
    assert.equal(byTarget.get('segment:broken')?.status, 'failed');
    assert.match(
      byTarget.get('segment:broken')?.error?.message ?? '',
      /\/rule\/attribute: unknown attribute "City"/,
    );
    assert.equal(byTarget.get('segment:off')?.status, 'skipped');
    assert.equal(byTarget.has('segment:byHand'), false);
    assert.equal(byTarget.get('segment:a')?.status, 'successful');
    assert.equal(byTarget.get('segment:b')?.status, 'successful');
    assert.equal(byTarget.get('measure:Revenue')?.status, 'successful');
    assert.ok(byTarget.get('segment:b')?.dependsOn.includes(byTarget.get('segment:a')!.id));
    // A segment waits only for the measures it reads: `a` reads none.
    assert.ok(!byTarget.get('segment:a')?.dependsOn.includes(byTarget.get('measure:Revenue')!.id));
    await (
      await app.warehouse.open('default')
    ).write((w) => w.run('ALTER TABLE Customer RENAME COLUMN Town TO City'));
    await runJob();
    const history = await call('/manage/segments/b/history');
    assert.deepEqual(
      (history.body.value as { count: number }[]).map((h) => h.count),
      [4, 4],
    );
    const mh = await call('/manage/measures/Revenue/history');
    assert.equal((mh.body.value as unknown[]).length, 2);
    const byHand = await call('/manage/segments/byHand/evaluate', 'POST');
    assert.deepEqual([byHand.status, byHand.body.count, byHand.body.jobId], [200, 11, null]);
  });
});

void describe('refresh planner: per-target edges', () => {
  void it('links targets of one kind to the targets they name, ignoring refs outside the job', async () => {
    const kind = (name: string, after: string[], plan: TaskKind['plan']): TaskKind => ({
      kind: name,
      after,
      downstream: true,
      plan,
      run: () => Promise.resolve({ ok: true, warnings: false }),
    });
    const tasks = await planTasks(
      [
        kind('merge', [], () => Promise.resolve([null])),
        kind('segment', ['merge'], () =>
          Promise.resolve([
            { target: 'c', after: [{ kind: 'segment', target: 'b' }] },
            'a',
            {
              target: 'b',
              after: [
                { kind: 'segment', target: 'a' },
                { kind: 'segment', target: 'gone' },
              ],
            },
          ]),
        ),
      ],
      'job',
      'default',
      { sources: [], includeDownstream: true },
    );
    const id = (t: string | null) => tasks.find((x) => x.target === t)!.id;
    const deps = (t: string) => tasks.find((x) => x.target === t)!.dependsOn;
    assert.deepEqual(deps('a'), [id(null)]);
    assert.deepEqual(deps('b'), [id(null), id('a')]);
    assert.deepEqual(deps('c'), [id(null), id('b')]);
  });
});

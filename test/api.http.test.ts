import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support/app.js';

const KEY = 'test-admin-key';
const bearer = { authorization: `Bearer ${KEY}` };

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  field?: string;
}

/** Asserts an RFC 9457 problem response and returns its body. */
async function expectProblem(
  res: Response,
  status: number,
  code: string,
  field?: string,
): Promise<Problem> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const body = JSON.parse(text) as Problem;
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  assert.equal(typeof body.detail, 'string');
  if (field !== undefined) assert.equal(body.field, field);
  return body;
}

void describe('HTTP API over a real socket', () => {
  let app: TestApp;
  let base: string;
  const call = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${base}${path}`, init);
  const authed = (path: string, method = 'GET', body?: unknown): Promise<Response> =>
    call(path, {
      method,
      headers: body === undefined ? bearer : { ...bearer, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const jobs = '/v1/instances/default/workflows/main/jobs';
  const schedules = '/v1/instances/default/workflows/main/schedules';

  before(async () => {
    app = await startTestApp();
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.http.server.address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
  });
  after(() => app.dispose());

  void it('serves /healthz without a key', async () => {
    const res = await call('/healthz');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  void it('rejects /v1 calls without a valid key with 401 problem+json', async () => {
    const none = await call('/v1/instances');
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    await expectProblem(none, 401, 'TRIB_ERR_UNAUTHORIZED');
    const wrong = await call('/v1/instances', { headers: { authorization: 'Bearer nope' } });
    await expectProblem(wrong, 401, 'TRIB_ERR_UNAUTHORIZED');
    const wrongSub = await call('/v1/instances', { headers: { 'ocp-apim-subscription-key': 'x' } });
    await expectProblem(wrongSub, 401, 'TRIB_ERR_UNAUTHORIZED');
    // The router decodes %-escapes: /%761/instances is /v1/instances and needs the key too.
    await expectProblem(await call('/%761/instances'), 401, 'TRIB_ERR_UNAUTHORIZED');
    assert.equal((await call('/%761/instances', { headers: bearer })).status, 200);
  });

  void it('accepts the key as a Bearer token or an Ocp-Apim-Subscription-Key', async () => {
    for (const headers of [bearer, { 'Ocp-Apim-Subscription-Key': KEY }]) {
      const res = await call('/v1/instances', { headers });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { value: { name: string; createdAt: string }[] };
      assert.ok(
        body.value.some((i) => i.name === 'default'),
        JSON.stringify(body),
      );
    }
  });

  void it('creates instances: 201 with Location, 409 on a duplicate, 400 on a bad name', async () => {
    const created = await authed('/v1/instances', 'POST', { name: 'sales' });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), '/v1/instances/sales');
    assert.equal(((await created.json()) as { name: string }).name, 'sales');
    const list = (await (await authed('/v1/instances')).json()) as { value: { name: string }[] };
    assert.deepEqual(list.value.map((i) => i.name).sort(), ['default', 'sales']);
    await expectProblem(
      await authed('/v1/instances', 'POST', { name: 'sales' }),
      409,
      'TRIB_ERR_CONFLICT',
    );
    const bad = await authed('/v1/instances', 'POST', { name: '9-lives' });
    await expectProblem(bad, 400, 'TRIB_ERR_VALIDATION', 'body/name');
    const sources = await authed('/v1/instances/sales/manage/datasources');
    assert.equal(sources.status, 200, 'the new instance is usable');
  });

  void it('answers 404 problem+json for an unknown instance and an unknown job', async () => {
    const instance = await authed('/v1/instances/nowhere/manage/datasources');
    const p = await expectProblem(instance, 404, 'TRIB_ERR_NOT_FOUND');
    assert.match(p.detail, /nowhere/);
    await expectProblem(await authed(`${jobs}/no-such-job`), 404, 'TRIB_ERR_NOT_FOUND');
    await expectProblem(
      await authed(`${jobs}/no-such-job/cancel`, 'POST'),
      404,
      'TRIB_ERR_NOT_FOUND',
    );
  });

  void it('names the offending field of an invalid data source', async () => {
    const def = {
      name: 'bad',
      tables: [{ name: 't', format: 'xml', path: 'x', primaryKey: 'id' }],
    };
    const res = await authed('/v1/instances/default/manage/datasources/bad', 'PUT', def);
    await expectProblem(res, 400, 'TRIB_ERR_VALIDATION', 'body/tables/0/format');
    const missing = await authed('/v1/instances/default/manage/datasources/bad');
    await expectProblem(missing, 404, 'TRIB_ERR_NOT_FOUND');
  });

  void it('refuses a job for unknown data sources, naming them', async () => {
    const res = await authed(`${jobs}?identifiers=ghost`, 'POST');
    const p = await expectProblem(res, 400, 'TRIB_ERR_VALIDATION');
    assert.match(p.detail, /"ghost"/);
  });

  void it('runs a job and reports it: 202, details with tasks, history, 409 on cancel', async () => {
    const path = join(app.dir, 'people.csv');
    writeFileSync(path, 'id,name\n1,ann\n2,bob\n3,cy\n');
    const def = { name: 'people', tables: [{ name: 't', format: 'csv', path, primaryKey: 'id' }] };
    const put = await authed('/v1/instances/default/manage/datasources/people', 'PUT', def);
    assert.equal(put.status, 201, await put.text());
    const again = await authed('/v1/instances/default/manage/datasources/people', 'PUT', def);
    assert.equal(again.status, 200, 'replacing is idempotent');

    const started = await authed(`${jobs}?identifiers=people`, 'POST');
    assert.equal(started.status, 202);
    const { jobId, status } = (await started.json()) as { jobId: string; status: string };
    assert.equal(typeof jobId, 'string');
    assert.equal(status, 'queued');
    assert.equal(started.headers.get('location'), `${jobs}/${jobId}`);
    await app.refresh.waitFor(jobId);

    const res = await authed(`${jobs}/${jobId}`);
    assert.equal(res.status, 200);
    const job = (await res.json()) as {
      jobId: string;
      status: string;
      jobType: string;
      identifiers: string[];
      tasks: Record<string, unknown>[];
    };
    assert.equal(job.jobId, jobId);
    assert.equal(job.status, 'successful');
    assert.equal(job.jobType, 'scoped');
    assert.deepEqual(job.identifiers, ['people']);
    const ingest = job.tasks.find((t) => t.kind === 'ingest' && t.target === 'people');
    assert.ok(ingest, JSON.stringify(job.tasks));
    assert.equal(ingest.status, 'successful');
    assert.equal(ingest.attempts, 1);
    assert.equal(ingest.rowsRead, 3);
    assert.equal(typeof ingest.durationMs, 'number');
    assert.ok((ingest.durationMs as number) >= 0);

    const list = await authed(jobs);
    assert.equal(list.status, 200);
    const history = (await list.json()) as { value: { jobId: string; status: string }[] };
    const listed = history.value.find((j) => j.jobId === jobId);
    assert.equal(listed?.status, 'successful', JSON.stringify(history));

    const cancel = await authed(`${jobs}/${jobId}/cancel`, 'POST');
    await expectProblem(cancel, 409, 'TRIB_ERR_CONFLICT');
    const other = await authed(`/v1/instances/sales/workflows/main/jobs/${jobId}`);
    await expectProblem(other, 404, 'TRIB_ERR_NOT_FOUND');
  });

  void it('round-trips the schedule with the next runs', async () => {
    const initial = await authed(schedules);
    assert.equal(initial.status, 200);
    assert.deepEqual(await initial.json(), {
      isActive: false,
      timezoneId: 'UTC',
      cronSchedules: [],
      nextRunAt: null,
      upcoming: [],
    });

    const body = { isActive: true, timezoneId: 'Europe/Oslo', cronSchedules: ['30 6 * * *'] };
    const put = await authed(schedules, 'PUT', body);
    assert.equal(put.status, 200);
    const saved = (await put.json()) as typeof body & { nextRunAt: string; upcoming: string[] };
    assert.deepEqual(
      {
        isActive: saved.isActive,
        timezoneId: saved.timezoneId,
        cronSchedules: saved.cronSchedules,
      },
      body,
    );
    assert.equal(saved.upcoming.length, 5);
    assert.equal(saved.nextRunAt, saved.upcoming[0]);
    const oslo = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Oslo',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    const times = saved.upcoming.map((s) => Date.parse(s));
    assert.ok(times[0]! > Date.now() - 1000, 'the next run is in the future');
    for (const [i, t] of times.entries()) {
      assert.equal(oslo.format(t), '06:30', `run ${saved.upcoming[i]} is 06:30 in Oslo`);
      if (i > 0) assert.ok(t > times[i - 1]!, 'runs are in order, one per day');
    }

    const read = await authed(schedules);
    assert.deepEqual(await read.json(), saved);

    const badZone = await authed(schedules, 'PUT', { ...body, timezoneId: 'Mars/Olympus' });
    await expectProblem(badZone, 400, 'TRIB_ERR_VALIDATION', 'body/timezoneId');
    const badCron = await authed(schedules, 'PUT', { ...body, cronSchedules: ['61 * * * *'] });
    await expectProblem(badCron, 400, 'TRIB_ERR_VALIDATION', 'body/cronSchedules/0');
    assert.deepEqual(
      await (await authed(schedules)).json(),
      saved,
      'a rejected PUT changes nothing',
    );
  });

  void it('publishes a valid OpenAPI 3 document with the routes, without a key', async () => {
    const res = await call('/v1/openapi.json');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const doc = (await res.json()) as {
      openapi: string;
      info: { title: string };
      paths: Record<string, Record<string, unknown>>;
    };
    assert.match(doc.openapi, /^3\.\d+\.\d+$/);
    assert.equal(typeof doc.info.title, 'string');
    const expected: [string, string[]][] = [
      ['/v1/instances', ['get', 'post']],
      ['/v1/instances/{instance}/manage/datasources', ['get']],
      ['/v1/instances/{instance}/manage/datasources/{name}', ['get', 'put', 'delete']],
      ['/v1/instances/{instance}/manage/datasources/{name}/corrupt', ['get']],
      ['/v1/instances/{instance}/workflows/main/jobs', ['get', 'post']],
      ['/v1/instances/{instance}/workflows/main/jobs/{jobId}', ['get']],
      ['/v1/instances/{instance}/workflows/main/jobs/{jobId}/cancel', ['post']],
      ['/v1/instances/{instance}/workflows/main/schedules', ['get', 'put']],
    ];
    for (const [path, methods] of expected) {
      const item = doc.paths[path];
      assert.ok(item, `${path} is documented; found ${Object.keys(doc.paths).join(', ')}`);
      for (const m of methods) assert.ok(m in item, `${m.toUpperCase()} ${path} is documented`);
    }
    assert.equal(doc.paths['/healthz'], undefined, 'hidden routes stay out of the document');
  });

  void it('answers unknown routes with a 404 problem', async () => {
    await expectProblem(await authed('/v1/nothing-here'), 404, 'TRIB_ERR_NOT_FOUND');
  });
});

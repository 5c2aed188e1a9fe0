import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auth, startTestApp, type TestApp } from './support/app.js';

const base = '/v1/instances/default/workflows/main/schedules';
// A Friday noon, two days before the UK clocks go forward (Sunday 29 March 2026, 01:00 GMT).
const now = new Date('2026-03-27T12:00:00Z');

void describe('schedule preview', () => {
  let app: TestApp;
  const get = async (url: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await app.http.inject({ method: 'GET', url, headers: auth });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
  };

  before(async () => {
    app = await startTestApp({}, { now: () => now });
  });
  after(() => app.dispose());

  void it('previews an unsaved schedule in its time zone, across a DST change', async () => {
    const q = new URLSearchParams({ timezoneId: 'Europe/London', cronSchedules: '0 3 * * *' });
    const { status, body } = await get(`${base}/preview?${q.toString()}&count=3`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body, {
      timezoneId: 'Europe/London',
      cronSchedules: ['0 3 * * *'],
      // 03:00 GMT, then 03:00 BST (02:00 UTC) once the clocks have gone forward.
      value: ['2026-03-28T03:00:00.000Z', '2026-03-29T02:00:00.000Z', '2026-03-30T02:00:00.000Z'],
    });
  });

  void it('merges several times a day in order and honours count', async () => {
    const q = new URLSearchParams([
      ['timezoneId', 'UTC'],
      ['cronSchedules', '30 18 * * *'],
      ['cronSchedules', '@daily'],
      ['count', '4'],
    ]);
    const { status, body } = await get(`${base}/preview?${q.toString()}`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body.value, [
      '2026-03-27T18:30:00.000Z',
      '2026-03-28T00:00:00.000Z',
      '2026-03-28T18:30:00.000Z',
      '2026-03-29T00:00:00.000Z',
    ]);
  });

  void it('previews the saved schedule when no times are given, without changing it', async () => {
    const empty = await get(`${base}/preview`);
    assert.deepEqual(empty.body, { timezoneId: 'UTC', cronSchedules: [], value: [] });

    const saved = { isActive: false, timezoneId: 'America/New_York', cronSchedules: ['0 9 * * 1'] };
    const put = await app.http.inject({ method: 'PUT', url: base, headers: auth, payload: saved });
    assert.equal(put.statusCode, 200, put.body);
    const { body } = await get(`${base}/preview?count=2`);
    // Mondays 09:00 in New York (EDT since 8 March, UTC-4); an inactive schedule still previews.
    assert.deepEqual(body, {
      timezoneId: 'America/New_York',
      cronSchedules: ['0 9 * * 1'],
      value: ['2026-03-30T13:00:00.000Z', '2026-04-06T13:00:00.000Z'],
    });
    const after = await get(base);
    assert.equal(after.body.isActive, false);
    assert.deepEqual(after.body.cronSchedules, ['0 9 * * 1']);
  });

  void it('answers 400 naming the bad parameter', async () => {
    const cases: [string, string][] = [
      ['cronSchedules=0+3+*+*+*&cronSchedules=61+*+*+*+*', 'querystring/cronSchedules/1'],
      ['timezoneId=Mars/Olympus&cronSchedules=@daily', 'querystring/timezoneId'],
      ['count=0', 'querystring/count'],
      ['count=101', 'querystring/count'],
      ['color=blue', 'querystring/color'],
    ];
    for (const [query, field] of cases) {
      const { status, body } = await get(`${base}/preview?${query}`);
      assert.equal(status, 400, `${query}: ${JSON.stringify(body)}`);
      assert.equal(body.code, 'TRIB_ERR_VALIDATION');
      assert.equal(body.field, field, query);
    }
  });
});

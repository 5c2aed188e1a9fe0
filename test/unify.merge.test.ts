import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.js';
import {
  customerOf,
  profiles,
  putCsvSource,
  putUnification,
  query,
  refreshAll,
} from './support/unify.js';

// One person in two tables; values differ so that every policy picks something else.
const A = [
  ['id', 'name', 'email', 'phone', 'city', 'street', 'seen'],
  ['a1', 'Ann Lee', 'ann@x.com', null, 'Leeds', '1 Short St', '2024-01-01'],
  ['a2', 'Ann Lee', 'ann@x.com', '+44 1 0000 0002', null, null, '2024-06-01'],
];
const B = [
  ['id', 'name', 'email', 'phone', 'city', 'street', 'seen'],
  [
    'b1',
    'Ann M. Lee',
    'ann@x.com',
    '+44 1 0000 0003',
    'York',
    '12 Much Longer Street',
    '2023-01-01',
  ],
];

const table = (source: string, table: string) => ({
  source,
  table,
  recency: 'seen',
  columns: {
    name: 'Person.FullName',
    email: 'Identity.Email',
    phone: 'Identity.Phone',
    city: 'Location.City',
    street: 'Location.Address',
  },
});

async function merged(app: TestApp, merge: unknown): Promise<Record<string, unknown>> {
  const put = await putUnification(app, {
    customers: [table('a', 't'), table('b', 't')],
    rules: [{ name: 'email', conditions: [{ attribute: 'Email' }] }],
    merge,
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const tasks = await refreshAll(app);
  assert.equal(tasks.get('merge')?.status, 'successful', JSON.stringify(tasks.get('merge')));
  const rows = await query(app, 'SELECT * FROM Customer');
  assert.equal(rows.length, 1);
  return rows[0]!;
}

void describe('unification: merge policies', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
    await putCsvSource(app, 'a', 't', 'id', A);
    await putCsvSource(app, 'b', 't', 'id', B);
  });
  after(() => app.dispose());

  void it('table importance: first non-null by table order, the most recent record first', async () => {
    const c = await merged(app, { default: 'tableImportance' });
    assert.equal(c.FullName, 'Ann Lee');
    assert.equal(c.Phone, '+44 1 0000 0002');
    assert.equal(c.City, 'Leeds');
  });

  void it('most recent and least recent follow the recency column', async () => {
    let c = await merged(app, { default: 'mostRecent' });
    assert.deepEqual([c.Phone, c.City], ['+44 1 0000 0002', 'Leeds']);
    c = await merged(app, { default: 'leastRecent' });
    assert.deepEqual([c.FullName, c.Phone, c.City], ['Ann M. Lee', '+44 1 0000 0003', 'York']);
  });

  void it('most filled prefers the fullest value', async () => {
    const c = await merged(app, { default: 'mostFilled' });
    assert.equal(c.FullName, 'Ann M. Lee');
    assert.equal(c.Address, '12 Much Longer Street');
  });

  void it('a field group is taken from one record as a unit', async () => {
    // Per attribute, table importance would give City Leeds (a1) with Phone from a2; as a group
    // with most-filled, a record with both values wins: b1 (a1 has no phone, a2 no city).
    const c = await merged(app, {
      default: 'tableImportance',
      fields: [{ attributes: ['City', 'Phone'], policy: 'mostFilled' }],
    });
    assert.deepEqual([c.City, c.Phone, c.FullName], ['York', '+44 1 0000 0003', 'Ann Lee']);
  });
});

// Stability: p1 = {x1, y1}, p2 = {x2, x3}; a bridge record later joins them, then leaves.
const X = [
  ['id', 'email', 'phone'],
  ['x1', 'one@x.com', null],
  ['x2', 'two@x.com', '+44 20 0000 0002'],
  ['x3', null, '020 0000 0002'],
];
const Y = [
  ['id', 'email', 'phone'],
  ['y1', 'one@x.com', null],
];
const idTable = (source: string) => ({
  source,
  table: 't',
  columns: { email: 'Identity.Email', phone: 'Identity.Phone' },
});

void describe('unification: stable CustomerIds', () => {
  let app: TestApp;
  const snapshot = async (): Promise<unknown[]> => [
    await query(app, 'SELECT * FROM Customer ORDER BY CustomerId'),
    await query(app, 'SELECT * FROM CustomerLink ORDER BY SourceTable, RecordId'),
  ];
  before(async () => {
    app = await startTestApp();
    await putCsvSource(app, 'x', 't', 'id', X);
    await putCsvSource(app, 'y', 't', 'id', Y);
    const put = await putUnification(app, { customers: [idTable('x'), idTable('y')] });
    assert.equal(put.status, 200);
    await refreshAll(app);
  });
  after(() => app.dispose());

  void it('unchanged input gives identical output', async () => {
    const first = await snapshot();
    const tasks = await refreshAll(app);
    assert.deepEqual(await snapshot(), first);
    assert.deepEqual(tasks.get('merge')?.details?.profiles, {
      total: 2,
      created: 0,
      kept: 2,
      merged: 0,
      split: 0,
      removed: 0,
    });
  });

  void it('a merge keeps the id that brought most records and lists the other', async () => {
    const p1 = await customerOf(app, 'x_t', 'x1');
    const p2 = await customerOf(app, 'x_t', 'x2');
    // y2 shares p1's email and p2's phone: one profile of five records; p2 had 2 records, p1 had
    // 2 as well, so the tie goes to the smaller id.
    await putCsvSource(app, 'y', 't', 'id', [...Y, ['y2', 'one@x.com', '02000000002']]);
    const tasks = await refreshAll(app);
    const rows = await query(app, 'SELECT CustomerId, PreviousCustomerId FROM Customer');
    assert.equal(rows.length, 1);
    const [survivor, other] = [p1, p2].sort();
    assert.equal(rows[0]!.CustomerId, survivor);
    assert.deepEqual(rows[0]!.PreviousCustomerId, [other]);
    assert.equal((tasks.get('merge')?.details?.profiles as { merged: number }).merged, 1);
  });

  void it('a split gives the id to the largest part', async () => {
    const merged = await customerOf(app, 'x_t', 'x1');
    // Without the bridge, and with x1 gone, {x2, x3} (2 records) is larger than {y1} (1 record).
    await putCsvSource(app, 'y', 't', 'id', Y);
    await putCsvSource(app, 'x', 't', 'id', [X[0]!, X[2]!, X[3]!]);
    const tasks = await refreshAll(app);
    assert.deepEqual(await profiles(app), [['x_t:x2', 'x_t:x3'], ['y_t:y1']]);
    assert.equal(await customerOf(app, 'x_t', 'x2'), merged);
    assert.notEqual(await customerOf(app, 'y_t', 'y1'), merged);
    assert.equal((tasks.get('merge')?.details?.profiles as { split: number }).split, 1);
  });
});

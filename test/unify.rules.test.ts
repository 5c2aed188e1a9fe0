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

const CRM = [
  ['id', 'first', 'last', 'email', 'phone', 'postal', 'updated'],
  ['c1', 'Ann', 'Lee', 'ann@x.com', '+44 20 7946 0001', 'N1 9GU', '2024-01-01'],
  ['c2', 'Bob', 'Stone', 'bob@x.com', null, null, '2024-01-02'],
  ['c3', 'Carl', 'Diaz', null, '0044 20 7946 0003', null, '2024-01-03'],
  ['c4', null, null, null, null, null, '2024-01-04'],
  ['c5', null, null, null, null, null, '2024-01-05'],
  ['c6', 'ANN', 'LEE', ' ANN@X.COM ', null, null, '2024-02-01'],
  ['c7', 'Eve', 'Hart', null, null, 'SW1A 1AA', '2024-01-07'],
];
const SHOP = [
  ['id', 'email', 'name', 'phone', 'zip', 'signup'],
  ['s1', 'ann@x.com', 'Ann Lee', '020 7946 0001', null, '2023-05-01'],
  ['s2', 'bob@x.com', 'Bob Stone', '020 7946 0002', null, '2023-05-02'],
  ['s3', null, 'Carla Diaz', '+44 (0)20 7946 0003', null, '2023-05-03'],
  ['s4', 'dan@z.com', 'Dan Frei', null, null, '2023-05-04'],
  ['s5', null, 'Eva Hart', null, 'sw1a1aa', '2023-05-05'],
  ['s6', null, 'Eve Smith', null, 'SW1A 1AA', '2023-05-06'],
];
const LOYALTY = [
  ['id', 'name', 'phone'],
  ['l2', 'Stone, Bob', '(020) 7946-0002'],
];
const ORDERS = [
  ['id', 'customer', 'at', 'amount', 'status'],
  ['o1', 's1', '2024-03-01T10:00:00Z', '10.5', 'completed'],
  ['o2', 's2', '2024-03-02T11:00:00Z', '20', 'refunded'],
  ['o3', 'sX', '2024-03-03T12:00:00Z', '30', 'completed'],
];

const crmTable = {
  source: 'crm',
  table: 'contacts',
  recency: 'updated',
  columns: {
    first: 'Person.FirstName',
    last: 'Person.LastName',
    email: 'Identity.Email',
    phone: 'Identity.Phone',
    postal: 'Location.PostalCode',
  },
};
const shopTable = {
  source: 'shop',
  table: 'customers',
  recency: 'signup',
  columns: {
    email: 'Identity.Email',
    name: 'Person.FullName',
    phone: 'Identity.Phone',
    zip: 'Location.PostalCode',
  },
};
const loyaltyTable = {
  source: 'loyalty',
  table: 'members',
  columns: { name: 'Person.FullName', phone: 'Identity.Phone' },
};
const RULES = [
  { name: 'sameEmail', conditions: [{ attribute: 'Email' }] },
  { name: 'samePhone', conditions: [{ attribute: 'Phone' }] },
  {
    name: 'namePostal',
    conditions: [{ attribute: 'FullName', precision: 0.8 }, { attribute: 'PostalCode' }],
  },
];
const definition = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  mode: 'rules',
  customers: [crmTable, shopTable, loyaltyTable],
  activities: [
    {
      source: 'shop_o',
      table: 'orders',
      customer: { source: 'shop', table: 'customers', key: 'customer' },
      type: 'Purchase',
      timestamp: 'at',
      amount: 'amount',
      fields: { Status: 'status' },
    },
  ],
  rules: RULES,
  ...extra,
});

async function seed(app: TestApp): Promise<void> {
  await putCsvSource(app, 'crm', 'contacts', 'id', CRM);
  await putCsvSource(app, 'shop', 'customers', 'id', SHOP);
  await putCsvSource(app, 'shop_o', 'orders', 'id', ORDERS);
  await putCsvSource(app, 'loyalty', 'members', 'id', LOYALTY);
}

void describe('unification: rule mode', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
    await seed(app);
    const put = await putUnification(app, definition());
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const tasks = await refreshAll(app);
    assert.equal(tasks.get('match')?.status, 'successful', JSON.stringify(tasks.get('match')));
    assert.equal(tasks.get('merge')?.status, 'successful', JSON.stringify(tasks.get('merge')));
  });
  after(() => app.dispose());

  void it('clusters exact, normalized and fuzzy matches transitively; nulls never match', async () => {
    assert.deepEqual(await profiles(app), [
      ['crm_contacts:c1', 'crm_contacts:c6', 'shop_customers:s1'],
      ['crm_contacts:c2', 'loyalty_members:l2', 'shop_customers:s2'],
      ['crm_contacts:c3', 'shop_customers:s3'],
      ['crm_contacts:c4'],
      ['crm_contacts:c5'],
      ['crm_contacts:c7', 'shop_customers:s5'],
      ['shop_customers:s4'],
      ['shop_customers:s6'],
    ]);
  });

  void it('explains each pair with the first rule that holds and its scores', async () => {
    const rows = await query(
      app,
      `SELECT LeftRecordId AS l, RightRecordId AS r, Rule, MatchKind, Scores FROM ConflationMatchPair
       ORDER BY l, r`,
    );
    const byPair = new Map(rows.map((x) => [`${String(x.l)}-${String(x.r)}`, x]));
    // c1 and s1 share email and phone: sameEmail comes first.
    assert.equal(byPair.get('c1-s1')?.Rule, 'sameEmail');
    assert.equal(byPair.get('c1-c6')?.MatchKind, 'deduplication');
    assert.equal(byPair.get('c3-s3')?.Rule, 'samePhone');
    const fuzzy = byPair.get('c7-s5')!;
    assert.equal(fuzzy.Rule, 'namePostal');
    const scores = JSON.parse(String(fuzzy.Scores)) as Record<string, number>;
    assert.equal(scores.PostalCode, 1);
    assert.ok(scores.FullName! >= 0.8 && scores.FullName! < 1, String(fuzzy.Scores));
  });

  void it('attributes pairs to rules in the given order', async () => {
    await putUnification(app, definition({ rules: [RULES[1], RULES[0], RULES[2]] }));
    await refreshAll(app);
    const [row] = await query(
      app,
      `SELECT Rule FROM ConflationMatchPair WHERE LeftRecordId = 'c1' AND RightRecordId = 's1'`,
    );
    assert.equal(row?.Rule, 'samePhone');
  });

  void it('links activities to profiles and keeps unlinked ones with a null CustomerId', async () => {
    const rows = await query(
      app,
      `SELECT ActivityId, CustomerId, ActivityType, "Timestamp"::VARCHAR AS ts, Amount, Status, Source
       FROM UnifiedActivity ORDER BY ActivityId`,
    );
    assert.equal(rows.length, 3);
    assert.equal(rows[0]!.ActivityId, 'shop_o_orders:o1');
    assert.equal(rows[0]!.CustomerId, await customerOf(app, 'shop_customers', 's1'));
    assert.equal(rows[0]!.ts, '2024-03-01 10:00:00');
    assert.equal(rows[0]!.Amount, 10.5);
    assert.equal(rows[1]!.Status, 'refunded');
    assert.equal(rows[2]!.CustomerId, null);
    assert.equal(rows[2]!.ActivityType, 'Purchase');
  });

  void it('writes per-table deduplication results with the most recent record as winner', async () => {
    const rows = await query(
      app,
      `SELECT RecordId, WinnerRecordId, IsWinner, DuplicateGroupSize FROM Deduplication_crm_contacts
       WHERE RecordId IN ('c1', 'c6') ORDER BY RecordId`,
    );
    assert.deepEqual(
      rows.map((r) => [r.RecordId, r.WinnerRecordId, r.IsWinner, Number(r.DuplicateGroupSize)]),
      [
        ['c1', 'c6', false, 2],
        ['c6', 'c6', true, 2],
      ],
    );
  });

  void it('applies always-match and never-match overrides', async () => {
    const def = definition({
      overrides: {
        alwaysMatch: [{ left: 'crm.contacts:c4', right: 'shop.customers:s4' }],
        neverMatch: [{ left: 'crm.contacts:c7', right: 'shop.customers:s5' }],
      },
    });
    assert.equal((await putUnification(app, def)).status, 200);
    const tasks = await refreshAll(app);
    assert.equal(tasks.get('match')?.status, 'successful');
    const p = await profiles(app);
    assert.ok(p.some((g) => g.join() === 'crm_contacts:c4,shop_customers:s4'));
    assert.ok(p.some((g) => g.join() === 'crm_contacts:c7'));
    assert.ok(p.some((g) => g.join() === 'shop_customers:s5'));
  });
});

void describe('unification: bad input', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
    await seed(app);
  });
  after(() => app.dispose());

  const rejects = async (def: Record<string, unknown>, path: string, text: RegExp) => {
    const res = await putUnification(app, def);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(String(res.body.detail), text);
    assert.ok(String(res.body.detail).startsWith(path), String(res.body.detail));
  };

  void it('rejects definitions naming what does not exist, with the path', async () => {
    await rejects(
      definition({ customers: [{ ...crmTable, columns: { email: 'Identity.Mail' } }] }),
      'body/customers/0/columns/email',
      /unknown semantic type/,
    );
    await rejects(
      definition({ customers: [{ ...crmTable, table: 'nope' }] }),
      'body/customers/0/table',
      /no table "nope"/,
    );
    await rejects(
      definition({ rules: [{ name: 'r', conditions: [{ attribute: 'Birth' }] }] }),
      'body/rules/0/conditions/0/attribute',
      /not mapped/,
    );
    await rejects(
      definition({
        customers: [crmTable, { ...shopTable, columns: { email: 'Identity.Email' } }],
        rules: [{ name: 'r', scope: 'acrossTables', conditions: [{ attribute: 'LastName' }] }],
      }),
      'body/rules/0',
      /can never match/,
    );
    await rejects(
      definition({
        activities: [
          {
            source: 'shop_o',
            table: 'orders',
            customer: { source: 'shop_o', table: 'orders', key: 'customer' },
            type: 'Purchase',
            timestamp: 'at',
          },
        ],
      }),
      'body/activities/0/customer',
      /not one of the customer tables/,
    );
    await rejects(
      definition({ merge: { fields: [{ attributes: ['Nope'], policy: 'mostRecent' }] } }),
      'body/merge/fields/0/attributes/0',
      /not mapped/,
    );
  });

  void it('fails the match task, naming the mapping, for a missing column or a wrong type', async () => {
    const missing = definition({
      customers: [{ ...crmTable, columns: { ...crmTable.columns, mail: 'Identity.Email' } }],
      activities: [],
    });
    delete (missing.customers as { columns: Record<string, string> }[])[0]!.columns.email;
    assert.equal((await putUnification(app, missing)).status, 200);
    let tasks = await refreshAll(app);
    assert.equal(tasks.get('match')?.status, 'failed');
    assert.match(
      tasks.get('match')!.error!.message,
      /customers\/0\/columns\/mail: column "mail" does not exist/,
    );
    assert.equal(tasks.get('merge')?.status, 'skipped');

    const wrongType = definition({
      customers: [{ ...crmTable, columns: { ...crmTable.columns, updated: 'Identity.Email' } }],
      activities: [],
    });
    delete (wrongType.customers as { columns: Record<string, string> }[])[0]!.columns.email;
    assert.equal((await putUnification(app, wrongType)).status, 200);
    tasks = await refreshAll(app);
    assert.match(
      tasks.get('match')!.error!.message,
      /columns\/updated: column "updated" is DATE, which cannot hold Identity.Email/,
    );
  });
});

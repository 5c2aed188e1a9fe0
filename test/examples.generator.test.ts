import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { generateDemo } from '../examples/generator/index.js';
import type { GeneratedDemo } from '../examples/generator/index.js';

const CUSTOMERS = 1000;
const NOW = new Date('2026-03-15T12:00:00Z');
const LATER = new Date('2027-01-10T00:00:00Z');
const FILE_KEYS = [
  'crmContacts',
  'shopCustomers',
  'shopOrders',
  'loyaltyMembers',
  'truth',
] as const satisfies ReadonlyArray<keyof GeneratedDemo['files']>;

function quote(path: string): string {
  return `'${path.replaceAll("'", "''")}'`;
}

async function queryNumber(con: DuckDBConnection, sql: string): Promise<number> {
  const reader = await con.runAndReadAll(`SELECT (${sql})::INTEGER AS n`);
  const n = reader.getRowObjectsJS()[0]?.n;
  assert.equal(typeof n, 'number', `no number from: ${sql}`);
  return n as number;
}

describe('examples demo generator', () => {
  let root: string;
  let first: GeneratedDemo;
  let second: GeneratedDemo;
  let otherSeed: GeneratedDemo;
  let later: GeneratedDemo;
  let instance: DuckDBInstance;
  let con: DuckDBConnection;
  const progress: Array<{ step: string; done: number; total: number }> = [];

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'tributary-generator-test-'));
    first = await generateDemo({
      dir: join(root, 'a'),
      customers: CUSTOMERS,
      seed: 42,
      now: NOW,
      onProgress: (p) => progress.push(p),
    });
    second = await generateDemo({ dir: join(root, 'b'), customers: CUSTOMERS, seed: 42, now: NOW });
    otherSeed = await generateDemo({
      dir: join(root, 'c'),
      customers: CUSTOMERS,
      seed: 7,
      now: NOW,
    });
    later = await generateDemo({
      dir: join(root, 'd'),
      customers: CUSTOMERS,
      seed: 42,
      now: LATER,
    });
    instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    con = await instance.connect();
    const f = first.files;
    await con.run(`
      CREATE TABLE crm AS SELECT * FROM read_csv(${quote(f.crmContacts)}, header = true,
        delim = ',', quote = '"', escape = '"', store_rejects = true);
      CREATE VIEW shop AS SELECT * FROM read_parquet(${quote(f.shopCustomers)});
      CREATE VIEW orders AS SELECT * FROM read_json(${quote(f.shopOrders)});
      CREATE VIEW loyalty AS SELECT * FROM read_csv(${quote(f.loyaltyMembers)});
      CREATE VIEW truth AS SELECT * FROM read_csv(${quote(f.truth)}, all_varchar = true);
    `);
  });

  after(() => {
    con?.closeSync();
    instance?.closeSync();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('writes byte-identical files for the same seed and size', () => {
    assert.deepEqual(second.rows, first.rows);
    for (const key of FILE_KEYS) {
      assert.ok(readFileSync(first.files[key]).equals(readFileSync(second.files[key])), key);
    }
  });

  it('writes different data for a different seed', () => {
    for (const key of FILE_KEYS) {
      assert.ok(!readFileSync(first.files[key]).equals(readFileSync(otherSeed.files[key])), key);
    }
  });

  it('reports every step once, in order', () => {
    assert.deepEqual(
      progress.map((p) => p.done),
      progress.map((_, i) => i + 1),
    );
    assert.ok(progress.length > 0 && progress.every((p) => p.total === progress.length));
  });

  it('produces row counts in the expected ranges', async () => {
    const { rows } = first;
    assert.equal(first.customers, CUSTOMERS);
    assert.ok(rows.crmContacts >= 760 && rows.crmContacts <= 890, `crm ${rows.crmContacts}`);
    assert.ok(rows.shopCustomers >= 540 && rows.shopCustomers <= 660, `shop ${rows.shopCustomers}`);
    assert.ok(
      rows.loyaltyMembers >= 350 && rows.loyaltyMembers <= 450,
      `loy ${rows.loyaltyMembers}`,
    );
    const perCustomer = rows.shopOrders / rows.shopCustomers;
    assert.ok(perCustomer >= 2.5 && perCustomer <= 3.5, `orders per customer ${perCustomer}`);
    assert.equal(await queryNumber(con, 'SELECT count(*) FROM crm'), rows.crmContacts);
    assert.equal(await queryNumber(con, 'SELECT count(*) FROM shop'), rows.shopCustomers);
    assert.equal(await queryNumber(con, 'SELECT count(*) FROM orders'), rows.shopOrders);
    assert.equal(await queryNumber(con, 'SELECT count(*) FROM loyalty'), rows.loyaltyMembers);
  });

  it('appends at least two malformed CRM lines, under 1 % of rows', async () => {
    const { crmContacts, malformedCrmLines } = first.rows;
    const lines = readFileSync(first.files.crmContacts, 'utf8').split('\n');
    assert.equal(lines.pop(), '', 'file ends with a newline');
    assert.equal(lines.length, 1 + crmContacts + malformedCrmLines);
    assert.ok(malformedCrmLines >= 2, `malformed ${malformedCrmLines}`);
    assert.ok(malformedCrmLines < 0.01 * (crmContacts + malformedCrmLines));
    const last = lines.at(-1) ?? '';
    assert.equal((last.match(/"/g) ?? []).length % 2, 1, 'last line has an unterminated quote');
    const rejected = 'SELECT count(DISTINCT line) FROM reject_errors';
    assert.equal(
      await queryNumber(con, rejected),
      malformedCrmLines,
      'DuckDB rejects each of them',
    );
  });

  it('lists every source record exactly once in the ground truth', async () => {
    const sources = [
      ['crm', 'contacts', 'contact_id', 'crm'],
      ['shop', 'customers', 'customer_id', 'shop'],
      ['loyalty', 'members', 'member_id', 'loyalty'],
    ] as const;
    const duplicates = `SELECT count(*) FROM (
      SELECT source, "table", record_id FROM truth GROUP BY ALL HAVING count(*) > 1)`;
    assert.equal(await queryNumber(con, duplicates), 0);
    let total = 0;
    for (const [source, table, idColumn, view] of sources) {
      const inTruth = `SELECT record_id FROM truth WHERE source = '${source}' AND "table" = '${table}'`;
      const missing = `SELECT count(*) FROM ${view} WHERE ${idColumn} NOT IN (${inTruth})`;
      const unknown = `SELECT count(*) FROM (${inTruth}) WHERE record_id NOT IN
        (SELECT ${idColumn} FROM ${view})`;
      assert.equal(await queryNumber(con, missing), 0, `${source} records missing in truth`);
      assert.equal(await queryNumber(con, unknown), 0, `${source} truth rows without record`);
      total += await queryNumber(con, `SELECT count(*) FROM ${view}`);
    }
    assert.equal(await queryNumber(con, 'SELECT count(*) FROM truth'), total);
    const persons = `SELECT count(*) FROM truth WHERE person_id::INTEGER NOT BETWEEN 1 AND ${CUSTOMERS}`;
    assert.equal(await queryNumber(con, persons), 0);
  });

  it('links every order to an existing shop customer', async () => {
    const orphans =
      'SELECT count(*) FROM orders WHERE customer_id NOT IN (SELECT customer_id FROM shop)';
    assert.equal(await queryNumber(con, orphans), 0);
    assert.equal(
      await queryNumber(con, 'SELECT count(DISTINCT order_id) FROM orders'),
      first.rows.shopOrders,
    );
  });

  it('dates everything before `now`, with recent activity just before it', async () => {
    const ts = (sql: string) => `(${sql})::TIMESTAMP`;
    const end = `TIMESTAMP '2026-03-15 12:00:00'`;
    const checks: [string, string][] = [
      ['orders end before now', `${ts('SELECT max(order_date) FROM orders')} < ${end}`],
      [
        'orders in the last 30 days',
        `(SELECT count(*) FROM orders WHERE order_date::TIMESTAMP >= ${end} - INTERVAL 30 DAY) >= 10`,
      ],
      [
        'signups in the last 30 days',
        `(SELECT count(*) FROM shop WHERE signup_date >= DATE '2026-02-13' AND signup_date < DATE '2026-03-15') >= 1`,
      ],
      ['crm updates end before now', `${ts('SELECT max(updated_at) FROM crm')} < ${end}`],
      [
        'crm history starts 126 months back',
        `${ts('SELECT min(created_at) FROM crm')} >= ${end} - INTERVAL 126 MONTH`,
      ],
      ['loyalty joins end before now', `(SELECT max(joined_on) FROM loyalty) < DATE '2026-03-15'`],
    ];
    for (const [what, sql] of checks) assert.equal(await queryNumber(con, sql), 1, what);
    const laterOrders = `SELECT max(order_date)::TIMESTAMP FROM read_json(${quote(later.files.shopOrders)})`;
    assert.equal(
      await queryNumber(
        con,
        `(${laterOrders}) BETWEEN TIMESTAMP '2026-12-01' AND TIMESTAMP '2027-01-10'`,
      ),
      1,
      'a later now moves the data along',
    );
  });

  it('gives about 30 % of orders a discount of 5–20 %', async () => {
    const share = await queryNumber(
      con,
      `SELECT round(100 * avg(CASE WHEN discount > 0 THEN 1 ELSE 0 END)) FROM orders`,
    );
    assert.ok(share >= 24 && share <= 36, `discounted ${share} %`);
    const outside = `SELECT count(*) FROM orders WHERE discount < 0 OR discount > round(amount * 0.2, 2)`;
    assert.equal(await queryNumber(con, outside), 0);
  });
});

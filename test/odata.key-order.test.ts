/**
 * Reads in key order over a table stored in key order skip the sort (createKeyOrderCache): pages
 * must be exactly what the sorted query returns, over several DuckDB row groups, for any filter
 * (including `any()` and `in`, which become joins and keep the sort), `$skip` and keyset page; and
 * the check must say no for tables it cannot vouch for.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  createKeyOrderCache,
  describeEntity,
  queryItems,
  type EntityInfo,
} from '../src/odata/index.js';
import type { InstanceWarehouse } from '../src/warehouse/index.js';
import { startTestApp, type TestApp } from './support/app.js';

/** More rows than three of DuckDB's row groups (122,880 rows each), written in key order. */
const rows = 300_000;

void describe('reads in storage order', () => {
  let app: TestApp;
  let wh: InstanceWarehouse;
  let customer: EntityInfo;
  before(async () => {
    app = await startTestApp();
    wh = await app.warehouse.open('default');
    await wh.write(async (w) => {
      await w.run(`CREATE TABLE "Customer" AS
        SELECT printf('c-%012x', hash(i)) AS "CustomerId",
               ['Oslo', 'Paris', 'Berlin', 'Madrid'][1 + i % 4] AS "City",
               CAST(i % 1000 AS INTEGER) AS "LoyaltyPoints"
        FROM range(${rows}) t(i) ORDER BY "CustomerId"`);
      // Segments/any(…) reads this table: a join, never served in storage order.
      await w.run(`CREATE TABLE "SegmentMembership" AS
        SELECT CASE WHEN i % 7 = 0 THEN 'vip' ELSE 'gold' END AS "Segment",
               printf('c-%012x', hash(i)) AS "CustomerId"
        FROM range(${rows}) t(i) WHERE i % 7 = 0 OR i % 3 = 0`);
    });
    customer = (await describeEntity(app.state, wh, 'default', 'Customer'))!;
  });
  after(() => app.dispose());

  void it('return the same pages as the sorted query for any filter, $skip and page', async () => {
    const keyOrder = createKeyOrderCache();
    assert.equal(await keyOrder(wh, customer), true);
    const read = async (
      filter: string,
      top: number,
      skip: number,
      fast: boolean,
    ): Promise<unknown[]> => {
      const pages: unknown[] = [];
      let skiptoken: string | undefined;
      for (let p = 0; p < 3; p++) {
        const page = await queryItems(
          wh,
          customer,
          { filter, top, skip: p === 0 ? skip : 0, count: false, skiptoken },
          new Date(),
          fast ? keyOrder : undefined,
        );
        assert.ok(page.ok);
        pages.push(page.value.value, page.value.nextToken);
        skiptoken = page.value.nextToken;
        if (!skiptoken) break;
      }
      return pages;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('Oslo', 'Paris', 'Lyon'),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 0, max: 2000 }),
        async (city, points, shape, top, skip) => {
          const points8 = Array.from({ length: 8 }, (_, i) => (points + i * 37) % 1000).join(', ');
          const filter = [
            `City eq '${city}' and LoyaltyPoints ge ${points}`,
            `startswith(City, '${city.slice(0, 2)}') or not (LoyaltyPoints lt ${points})`,
            `Segments/any(s: s eq 'vip')`,
            `City eq '${city}' and not Segments/any(s: s eq 'vip')`,
            `LoyaltyPoints in (${points8})`,
            `City eq '${city}' and Segments/any()`,
          ][shape]!;
          assert.deepEqual(
            await read(filter, top, skip, true),
            await read(filter, top, skip, false),
          );
        },
      ),
      { numRuns: 24 },
    );
  });

  void it('vouch only for a non-null, strictly increasing key in storage order, per write', async () => {
    const keyOrder = createKeyOrderCache();
    await wh.write(async (w) => {
      await w.run(
        `CREATE TABLE "Shuffled" AS SELECT * FROM "Customer" ORDER BY "LoyaltyPoints", "City"`,
      );
      await w.run(`CREATE VIEW "CustomerView" AS SELECT * FROM "Customer"`);
    });
    const as = (name: string): EntityInfo => ({ ...customer, name });
    assert.equal(await keyOrder(wh, as('Shuffled')), false);
    assert.equal(await keyOrder(wh, as('CustomerView')), false);
    assert.equal(await keyOrder(wh, { ...customer, overlay: true }), false);
    assert.equal(await keyOrder(wh, customer), true);
    // A row appended with a smaller key: the next write's check sees it.
    await wh.write((w) => w.run(`INSERT INTO "Customer" VALUES ('c-0', 'Oslo', 1)`));
    assert.equal(await keyOrder(wh, customer), false);
    await wh.write((w) => w.run(`DELETE FROM "Customer" WHERE "CustomerId" = 'c-0'`));
    assert.equal(await keyOrder(wh, customer), true);
    await wh.write((w) => w.run(`INSERT INTO "Customer" VALUES ('c-fffffffffffff', NULL, 1)`));
    assert.equal(await keyOrder(wh, customer), true, 'a larger key appended keeps the order');
    await wh.write((w) => w.run(`INSERT INTO "Customer" VALUES ('c-fffffffffffff', NULL, 2)`));
    assert.equal(await keyOrder(wh, customer), false, 'a duplicate key is not strictly increasing');
  });
});

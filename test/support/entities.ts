/**
 * Builds the tables unification and segments produce (Customer, UnifiedActivity,
 * SegmentMembership) in a test warehouse, shaped as in the unify contract, so the actions API can
 * be tested before those stages run.
 */
import type { InstanceWarehouse } from '../../src/warehouse/index.js';

export const cities = ['Oslo', 'Paris', 'Berlin', 'Madrid'];

/** `n` customers c-000 … with a city, points and opt-in derived from their index. */
export async function createCustomers(
  wh: InstanceWarehouse,
  n: number,
  table = 'Customer',
): Promise<void> {
  await wh.write(async (w) => {
    await w.run(`CREATE OR REPLACE TABLE "${table}" AS
      SELECT printf('c-%03d', i) AS "CustomerId",
             'First' || i AS "FirstName",
             CASE WHEN i % 7 = 0 THEN NULL ELSE ['Oslo', 'Paris', 'Berlin', 'Madrid'][1 + i % 4] END AS "City",
             CAST(i * 10 AS INTEGER) AS "LoyaltyPoints",
             i % 2 = 0 AS "MarketingOptIn",
             DATE '2024-01-01' + CAST(i AS INTEGER) AS "JoinedOn",
             TIMESTAMP '2025-01-01 00:00:00' + to_seconds(i * 3600) AS "CreatedAt",
             CAST([] AS VARCHAR[]) AS "PreviousCustomerId"
      FROM range(${n}) t(i)`);
  });
}

export async function createActivities(wh: InstanceWarehouse): Promise<void> {
  await wh.write(async (w) => {
    await w.run(`CREATE OR REPLACE TABLE "UnifiedActivity" AS
      SELECT 'shop_orders:' || i AS "ActivityId", printf('c-%03d', i % 5) AS "CustomerId",
             'Purchase' AS "ActivityType", TIMESTAMP '2026-06-01 00:00:00' + to_seconds(i * 60) AS "Timestamp",
             CAST(i * 1.5 AS DOUBLE) AS "Amount", 'shop' AS "Source", 'shop_orders' AS "SourceTable",
             'EUR' AS "Currency"
      FROM range(10) t(i)`);
  });
}

export async function createMembership(
  wh: InstanceWarehouse,
  rows: [string, string][],
): Promise<void> {
  await wh.write(async (w) => {
    await w.run(
      `CREATE OR REPLACE TABLE "SegmentMembership" ("Segment" VARCHAR, "CustomerId" VARCHAR, "AddedAt" TIMESTAMP)`,
    );
    for (const [segment, id] of rows) {
      await w.run(
        `INSERT INTO "SegmentMembership" VALUES ($1, $2, TIMESTAMP '2026-06-01 00:00:00')`,
        [segment, id],
      );
    }
  });
}

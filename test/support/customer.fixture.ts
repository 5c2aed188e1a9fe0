/**
 * A small Customer / UnifiedActivity pair in the shape unification produces, kept both as JS
 * values (for independent expected results) and loaded into a warehouse with plain SQL.
 */
import type { InstanceWarehouse, SqlValue } from '../../src/warehouse/index.js';

export const NOW = new Date('2026-03-15T12:00:00Z');

export interface FxCustomer {
  CustomerId: string;
  FirstName: string | null;
  City: string | null;
  Country: string | null;
  Email: string | null;
  LoyaltyTier: string | null;
  LoyaltyPoints: number | null;
  MarketingOptIn: boolean | null;
  SignupDate: string | null; // DATE
  CreatedAt: string | null; // TIMESTAMP (UTC)
}

export interface FxActivity {
  ActivityId: string;
  CustomerId: string | null;
  ActivityType: string;
  Timestamp: string;
  Amount: number | null;
  Channel: string | null;
  Status: string | null;
}

const c = (
  id: number,
  FirstName: string | null,
  City: string | null,
  Country: string | null,
  LoyaltyTier: string | null,
  LoyaltyPoints: number | null,
  MarketingOptIn: boolean | null,
  SignupDate: string | null,
  CreatedAt: string | null,
): FxCustomer => ({
  CustomerId: `c-${String(id).padStart(2, '0')}`,
  FirstName,
  City,
  Country,
  Email:
    FirstName === null
      ? null
      : `${FirstName.toLowerCase()}@example.${Country === 'GB' ? 'co.uk' : 'com'}`,
  LoyaltyTier,
  LoyaltyPoints,
  MarketingOptIn,
  SignupDate,
  CreatedAt,
});

export const customers: FxCustomer[] = [
  c(1, 'Ada', 'London', 'GB', 'gold', 7200, true, '2026-03-02', '2026-03-02 09:00:00'),
  c(2, 'Bob', 'Berlin', 'DE', 'silver', 1500, false, '2025-12-24', '2025-12-24 18:30:00'),
  c(3, 'Cleo', 'Paris', 'FR', 'platinum', 25000, true, '2020-05-01', '2020-05-01 00:00:00'),
  c(4, 'Dan', 'london', 'GB', 'bronze', 80, null, '2026-02-13', '2026-02-13 23:59:59'),
  c(5, null, null, null, null, null, null, null, null),
  c(6, 'Eve', 'Madrid', 'ES', 'gold', 5000, true, '2026-02-14', '2026-02-14 00:00:00'),
  c(7, 'Finn', 'Amsterdam', 'NL', 'silver', 4999, false, '2024-03-15', '2024-03-15 12:00:00'),
  c(8, 'Gus', 'Berlin', 'DE', 'bronze', 0, true, '2026-03-15', '2026-03-15 11:59:59'),
  c(9, 'Hana', 'Paris', 'FR', 'gold', 12000, false, '2019-01-01', '2019-01-01 00:00:00'),
  c(10, 'Ivo', 'Leeds', 'GB', 'platinum', 30000, true, '2026-01-31', '2026-01-31 10:00:00'),
  c(11, 'Jo', 'Bristol', 'GB', 'silver', 2500, true, '2025-03-15', '2025-03-15 12:00:00'),
  c(12, 'Kai', 'Berlin', 'DE', null, null, false, '2026-04-01', '2026-04-01 08:00:00'),
];

let n = 0;
const a = (
  customer: number | null,
  ActivityType: string,
  Timestamp: string,
  Amount: number | null,
  Channel: string | null = 'web',
  Status: string | null = 'completed',
): FxActivity => ({
  ActivityId: `shop_orders:${++n}`,
  CustomerId: customer === null ? null : `c-${String(customer).padStart(2, '0')}`,
  ActivityType,
  Timestamp,
  Amount,
  Channel,
  Status,
});

export const activities: FxActivity[] = [
  a(1, 'Purchase', '2026-03-10 10:00:00', 120),
  a(1, 'Purchase', '2026-03-01 10:00:00', 80, 'mobile_app'),
  a(1, 'Purchase', '2025-11-20 10:00:00', 300),
  a(2, 'Purchase', '2025-06-01 09:00:00', 45, 'phone'),
  a(2, 'Visit', '2026-03-14 09:00:00', null, null, null),
  a(3, 'Purchase', '2026-02-20 15:00:00', 900, 'web', 'refunded'),
  a(3, 'Purchase', '2026-03-12 15:00:00', 1100),
  a(3, 'Purchase', '2026-03-14 15:00:00', 50, 'marketplace'),
  a(3, 'Purchase', '2024-01-05 15:00:00', 75),
  a(4, 'Visit', '2026-03-01 00:00:00', null, null, null),
  a(6, 'Purchase', '2026-01-15 08:00:00', 60, 'mobile_app', 'cancelled'),
  a(6, 'Purchase', '2026-02-15 08:00:00', 60, 'mobile_app'),
  a(7, 'Purchase', '2025-09-09 20:00:00', 10),
  a(7, 'Purchase', '2025-09-10 20:00:00', null, 'web', 'processing'),
  a(9, 'Purchase', '2026-03-15 11:00:00', 2000),
  a(9, 'Purchase', '2026-03-13 11:00:00', 5),
  a(9, 'Visit', '2026-03-13 10:00:00', null, null, null),
  a(10, 'Purchase', '2025-12-31 23:59:59', 400, 'phone'),
  a(10, 'Purchase', '2026-01-01 00:00:00', 400, 'phone', 'shipped'),
  a(11, 'Purchase', '2026-02-28 12:00:00', 35),
  a(null, 'Purchase', '2026-03-11 12:00:00', 999),
  a(12, 'Purchase', '2026-03-20 12:00:00', 70),
];

/** Creates (or replaces) Customer and UnifiedActivity in `wh` from the JS values. */
export async function loadFixture(
  wh: InstanceWarehouse,
  cs: FxCustomer[] = customers,
  as: FxActivity[] = activities,
): Promise<void> {
  await wh.write(async (w) => {
    await w.run(`CREATE OR REPLACE TABLE Customer (
      CustomerId VARCHAR PRIMARY KEY, FirstName VARCHAR, City VARCHAR, Country VARCHAR, Email VARCHAR,
      LoyaltyTier VARCHAR, LoyaltyPoints INTEGER, MarketingOptIn BOOLEAN, SignupDate DATE,
      CreatedAt TIMESTAMP, PreviousCustomerId VARCHAR[])`);
    for (const x of cs) {
      const v: SqlValue[] = [x.CustomerId, x.FirstName, x.City, x.Country, x.Email, x.LoyaltyTier];
      v.push(x.LoyaltyPoints, x.MarketingOptIn, x.SignupDate, x.CreatedAt);
      await w.run(
        `INSERT INTO Customer VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CAST($9 AS DATE), CAST($10 AS TIMESTAMP), [])`,
        v,
      );
    }
    await w.run(`CREATE OR REPLACE TABLE UnifiedActivity (
      ActivityId VARCHAR PRIMARY KEY, CustomerId VARCHAR, ActivityType VARCHAR, "Timestamp" TIMESTAMP,
      Amount DOUBLE, Source VARCHAR, SourceTable VARCHAR, Currency VARCHAR, Status VARCHAR, Channel VARCHAR)`);
    for (const x of as) {
      await w.run(
        `INSERT INTO UnifiedActivity VALUES ($1, $2, $3, CAST($4 AS TIMESTAMP), $5, 'shop', 'shop_orders', 'EUR', $6, $7)`,
        [x.ActivityId, x.CustomerId, x.ActivityType, x.Timestamp, x.Amount, x.Status, x.Channel],
      );
    }
  });
}

/** Milliseconds of a fixture timestamp or date (UTC). */
export function ms(s: string): number {
  return new Date(s.length === 10 ? `${s}T00:00:00Z` : `${s.replace(' ', 'T')}Z`).getTime();
}

export function daysAgo(days: number): number {
  return NOW.getTime() - days * 86_400_000;
}

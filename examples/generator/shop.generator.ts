// E-commerce source: ~60 % of persons as shop customers (Parquet) and their orders (NDJSON).
// The shop normalises some things (lower-case emails, ISO country codes, E.164 phones) but people
// type their own names, and some registered with their second email address.
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  computeIdWidth,
  countRows,
  quoteSql,
  renderPaddedId,
  renderPersonPhone,
  renderStringList,
  expandWeighted,
} from './sql.helpers.js';

/** Shop customers signed up in the last 7.5 years. */
const SHOP_HISTORY_MONTHS = 90;

/** Share of discounted orders, and the discount rates they get. */
const DISCOUNT_PERCENT = 30;
const DISCOUNT_RATES = [0.05, 0.1, 0.15, 0.2];

/** Mean of the exponential draw behind orders per customer; flooring it gives ~3 on average. */
const ORDER_COUNT_MEAN = 3.5;

const ORDER_STATUSES = expandWeighted([
  ['completed', 78],
  ['shipped', 8],
  ['processing', 4],
  ['cancelled', 6],
  ['refunded', 4],
] as const);

const ORDER_CHANNELS = expandWeighted([
  ['web', 55],
  ['mobile_app', 30],
  ['marketplace', 10],
  ['phone', 5],
] as const);

/**
 * Creates `shop_customers(customer_id, email, first_name, last_name, phone, city, zip, country,
 * signup_date)` plus ground-truth person_id and the order currency, ordered by customer_id
 * (which follows signup_date). Returns the row count.
 */
export async function generateShopCustomers(
  con: DuckDBConnection,
  customers: number,
): Promise<number> {
  const idWidth = computeIdWidth(customers, 7);
  await con.run(`
    CREATE OR REPLACE TABLE shop_customers AS
    WITH shaped AS (
      SELECT person_id, currency,
        CASE WHEN alt_email IS NOT NULL AND chance(h(person_id, 'shop_alt_email'), 70)
          THEN alt_email ELSE email END AS email,
        CASE WHEN chance(h(person_id, 'shop_fn_typo'), 2)
          THEN typo(first_name, h(person_id, 'shop_fn_pos')) ELSE first_name END AS fn,
        CASE WHEN chance(h(person_id, 'shop_ln_typo'), 2)
          THEN typo(last_name, h(person_id, 'shop_ln_pos')) ELSE last_name END AS ln,
        CASE WHEN chance(h(person_id, 'shop_lower'), 5) THEN lower(fn) ELSE fn END AS first_name,
        CASE WHEN chance(h(person_id, 'shop_lower'), 5) THEN lower(ln) ELSE ln END AS last_name,
        CASE WHEN chance(h(person_id, 'shop_phone_missing'), 10) THEN NULL ELSE
          ${renderPersonPhone(
            [
              ['e164', 75],
              ['national-compact', 25],
            ],
            `h(person_id, 'shop_phone_style')`,
          )} END AS phone,
        CASE
          WHEN chance(h(person_id, 'shop_city_missing'), 1) THEN NULL
          WHEN chance(h(person_id, 'shop_city_fmt'), 3) THEN upper(city)
          ELSE city END AS city,
        CASE
          WHEN chance(h(person_id, 'shop_zip_missing'), 2) THEN NULL
          WHEN chance(h(person_id, 'shop_zip_fmt'), 25) THEN replace(postal_code, ' ', '')
          ELSE postal_code END AS zip,
        country_code AS country,
        history_start(${SHOP_HISTORY_MONTHS})::DATE
          + below(
            h(person_id, 'shop_signup'),
            data_end()::DATE - history_start(${SHOP_HISTORY_MONTHS})::DATE
          )::INTEGER AS signup_date
      FROM people
      WHERE chance(h(person_id, 'shop'), 60)
    )
    SELECT
      ${renderPaddedId('S', 'row_number() OVER (ORDER BY signup_date, person_id)', idWidth)}
        AS customer_id,
      email, first_name, last_name, phone, city, zip, country, signup_date, person_id, currency
    FROM shaped
    ORDER BY customer_id;
  `);
  return await countRows(con, 'shop_customers');
}

/**
 * Creates `shop_orders(order_id, customer_id, order_date, amount, discount, currency, status,
 * channel)` from shop_customers: between 0 and a few dozen orders each, dated between signup and
 * data_end(). About 30 % of orders have a discount of 5–20 % of the amount (0 otherwise).
 * order_date is an ISO-8601 UTC string so the NDJSON looks like a typical API export.
 */
export async function generateShopOrders(
  con: DuckDBConnection,
  customers: number,
): Promise<number> {
  const idWidth = computeIdWidth(customers * 60, 8);
  await con.run(`
    CREATE OR REPLACE TABLE shop_orders AS
    WITH expanded AS (
      SELECT customer_id, person_id, signup_date, currency,
        unnest(range(floor(-ln(1.0 - unit(h(person_id, 'order_count'))) * ${ORDER_COUNT_MEAN})
          ::BIGINT)) AS j
      FROM shop_customers
    ),
    shaped AS (
      SELECT customer_id, person_id, j, currency,
        epoch(data_end() - signup_date::TIMESTAMP)::BIGINT AS window_s,
        signup_date::TIMESTAMP + to_seconds(below(hr(person_id, j, 'order_date'), window_s))
          AS order_ts,
        round(4.99 + 295 * pow(unit(hr(person_id, j, 'order_amount')), 2.5), 2)::DECIMAL(10, 2)
          AS amount,
        CASE WHEN chance(hr(person_id, j, 'order_discounted'), ${DISCOUNT_PERCENT})
          THEN round(amount * pick([${DISCOUNT_RATES.join(', ')}], hr(person_id, j, 'order_discount')), 2)
          ELSE 0 END::DECIMAL(10, 2) AS discount,
        pick(${renderStringList(ORDER_STATUSES)}, hr(person_id, j, 'order_status')) AS status,
        pick(${renderStringList(ORDER_CHANNELS)}, hr(person_id, j, 'order_channel')) AS channel
      FROM expanded
    )
    SELECT
      ${renderPaddedId('O', 'row_number() OVER (ORDER BY order_ts, customer_id, j)', idWidth)}
        AS order_id,
      customer_id, strftime(order_ts, '%Y-%m-%dT%H:%M:%SZ') AS order_date, amount, discount,
      currency,
      status, channel
    FROM shaped
    ORDER BY order_id;
  `);
  return await countRows(con, 'shop_orders');
}

/** Writes shop customers as Parquet and orders as newline-delimited JSON. */
export async function writeShopFiles(
  con: DuckDBConnection,
  customersFile: string,
  ordersFile: string,
): Promise<void> {
  await con.run(`
    COPY (SELECT * EXCLUDE (person_id, currency) FROM shop_customers ORDER BY customer_id)
    TO ${quoteSql(customersFile)} (FORMAT parquet, COMPRESSION zstd);
    COPY (SELECT * FROM shop_orders ORDER BY order_id)
    TO ${quoteSql(ordersFile)} (FORMAT json);
  `);
}

// Loyalty programme members: ~40 % of persons, captured at the till or by support staff, so the
// name is a single free-text field, email is often missing and phones use yet another style.
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  computeIdWidth,
  countRows,
  expandWeighted,
  quoteSql,
  renderPaddedId,
  renderPersonPhone,
  renderStringList,
} from './sql.helpers.js';

/** Members joined in the last 9.5 years. */
const LOYALTY_HISTORY_MONTHS = 114;

const TIERS = expandWeighted([
  ['bronze', 50],
  ['silver', 30],
  ['gold', 15],
  ['platinum', 5],
] as const);

/**
 * Creates `loyalty_members(member_id, name, email, phone, postal_code, tier, points, joined_on)`
 * plus ground-truth person_id, ordered by member_id (which follows joined_on). Returns the count.
 */
export async function generateLoyaltyMembers(
  con: DuckDBConnection,
  customers: number,
): Promise<number> {
  const idWidth = computeIdWidth(customers, 7);
  await con.run(`
    CREATE OR REPLACE TABLE loyalty_members AS
    WITH shaped AS (
      SELECT person_id,
        CASE WHEN chance(h(person_id, 'loyalty_fn_typo'), 3)
          THEN typo(first_name, h(person_id, 'loyalty_fn_pos')) ELSE first_name END AS fn,
        CASE WHEN chance(h(person_id, 'loyalty_ln_typo'), 3)
          THEN typo(last_name, h(person_id, 'loyalty_ln_pos')) ELSE last_name END AS ln,
        CASE
          WHEN below(h(person_id, 'loyalty_name_fmt'), 100) < 70 THEN fn || ' ' || ln
          WHEN below(h(person_id, 'loyalty_name_fmt'), 100) < 90 THEN ln || ', ' || fn
          WHEN below(h(person_id, 'loyalty_name_fmt'), 100) < 96 THEN upper(fn || ' ' || ln)
          ELSE left(fn, 1) || '. ' || ln END AS name,
        CASE
          WHEN chance(h(person_id, 'loyalty_email_missing'), 20) THEN NULL
          WHEN alt_email IS NOT NULL AND chance(h(person_id, 'loyalty_alt_email'), 50)
            THEN alt_email
          ELSE email END AS email,
        CASE WHEN chance(h(person_id, 'loyalty_phone_missing'), 15) THEN NULL ELSE
          ${renderPersonPhone(
            [
              ['national-paren', 50],
              ['dotted', 30],
              ['intl-spaced', 20],
            ],
            `h(person_id, 'loyalty_phone_style')`,
          )} END AS phone,
        CASE
          WHEN chance(h(person_id, 'loyalty_pc_missing'), 3) THEN NULL
          WHEN chance(h(person_id, 'loyalty_pc_fmt'), 10) THEN lower(postal_code)
          ELSE postal_code END AS postal_code,
        pick(${renderStringList(TIERS)}, h(person_id, 'loyalty_tier')) AS tier,
        CASE tier
          WHEN 'bronze' THEN below(h(person_id, 'loyalty_points'), 1000)
          WHEN 'silver' THEN 1000 + below(h(person_id, 'loyalty_points'), 4000)
          WHEN 'gold' THEN 5000 + below(h(person_id, 'loyalty_points'), 15000)
          ELSE 20000 + below(h(person_id, 'loyalty_points'), 80000) END::INTEGER AS points,
        history_start(${LOYALTY_HISTORY_MONTHS})::DATE + below(
          h(person_id, 'loyalty_joined'),
          data_end()::DATE - history_start(${LOYALTY_HISTORY_MONTHS})::DATE
        )::INTEGER AS joined_on
      FROM people
      WHERE chance(h(person_id, 'loyalty'), 40)
    )
    SELECT
      ${renderPaddedId('L', 'row_number() OVER (ORDER BY joined_on, person_id)', idWidth)}
        AS member_id,
      name, email, phone, postal_code, tier, points, joined_on, person_id
    FROM shaped
    ORDER BY member_id;
  `);
  return await countRows(con, 'loyalty_members');
}

/** Writes loyalty members (without the ground-truth column) as a headed CSV file. */
export async function writeLoyaltyMembers(con: DuckDBConnection, file: string): Promise<void> {
  await con.run(`
    COPY (SELECT * EXCLUDE (person_id) FROM loyalty_members ORDER BY member_id)
    TO ${quoteSql(file)} (FORMAT csv, HEADER true, DELIMITER ',')
  `);
}

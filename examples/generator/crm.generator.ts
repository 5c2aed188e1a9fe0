// CRM contacts export: ~80 % of persons, ~3 % of them twice (a duplicate contact entered later,
// usually with a typo or a second email). Values are degraded the way hand-entered CRM data is,
// but every column keeps one clean type so CSV type inference works.
import type { DuckDBConnection } from '@duckdb/node-api';
import { COMPANIES, JOB_TITLES } from './names.data.js';
import {
  computeIdWidth,
  countRows,
  quoteSql,
  renderPaddedId,
  renderPersonPhone,
  renderStringList,
} from './sql.helpers.js';

/** The CRM's history: contacts created and updated in the last 10.5 years. */
const CRM_HISTORY_MONTHS = 126;

/** Share of malformed lines appended after the valid rows (at least MIN_MALFORMED_LINES). */
const MALFORMED_RATIO = 0.0005;
const MIN_MALFORMED_LINES = 2;

/** Column order of crm/contacts.csv; malformed lines follow the same layout. */
export const CRM_COLUMNS = [
  'contact_id',
  'first_name',
  'last_name',
  'full_name',
  'email',
  'phone',
  'birth_date',
  'street',
  'city',
  'postal_code',
  'country',
  'company',
  'job_title',
  'created_at',
  'updated_at',
  'marketing_opt_in',
] as const;

/**
 * Creates `crm_contacts` (CRM_COLUMNS plus person_id, the ground truth) ordered by contact_id,
 * which follows created_at. Returns the row count.
 */
export async function generateCrmContacts(
  con: DuckDBConnection,
  customers: number,
): Promise<number> {
  const idWidth = computeIdWidth(customers * 1.1, 7);
  const typoPct = `CASE dup WHEN 1 THEN 35 ELSE 2.5 END`;
  await con.run(`
    CREATE OR REPLACE TABLE crm_contacts AS
    WITH picked AS (
      SELECT *, 0 AS dup FROM people WHERE chance(h(person_id, 'crm'), 80)
      UNION ALL
      SELECT *, 1 AS dup FROM people
      WHERE chance(h(person_id, 'crm'), 80) AND chance(h(person_id, 'crm_dup'), 3)
    ),
    shaped AS (
      SELECT person_id, dup,
        CASE WHEN chance(hr(person_id, dup, 'crm_fn_typo'), ${typoPct})
          THEN typo(first_name, hr(person_id, dup, 'crm_fn_pos')) ELSE first_name END AS fn,
        CASE WHEN chance(hr(person_id, dup, 'crm_ln_typo'), ${typoPct})
          THEN typo(last_name, hr(person_id, dup, 'crm_ln_pos')) ELSE last_name END AS ln,
        CASE WHEN chance(hr(person_id, dup, 'crm_upper'), 2) THEN upper(fn) ELSE fn END
          AS first_name,
        CASE WHEN chance(hr(person_id, dup, 'crm_upper'), 2) THEN upper(ln) ELSE ln END
          AS last_name,
        CASE WHEN chance(hr(person_id, dup, 'crm_middle'), 5)
          THEN fn || ' ' || pick(['A', 'J', 'M', 'R', 'S', 'E'], hr(person_id, dup, 'crm_mi'))
            || '. ' || ln
          ELSE fn || ' ' || ln END AS full_name,
        CASE WHEN dup = 1 AND alt_email IS NOT NULL THEN alt_email ELSE email END AS clean_email,
        CASE
          WHEN chance(hr(person_id, dup, 'crm_email_missing'), 3) THEN NULL
          WHEN below(hr(person_id, dup, 'crm_email_fmt'), 100) < 5 THEN upper(clean_email)
          WHEN below(hr(person_id, dup, 'crm_email_fmt'), 100) < 8 THEN ' ' || clean_email
          WHEN below(hr(person_id, dup, 'crm_email_fmt'), 100) < 10 THEN clean_email || '  '
          ELSE clean_email END AS email,
        CASE WHEN chance(hr(person_id, dup, 'crm_phone_missing'), 8) THEN NULL ELSE
          ${renderPersonPhone(
            [
              ['intl-spaced', 30],
              ['national-paren', 25],
              ['national-compact', 20],
              ['e164', 10],
              ['intl-00', 5],
              ['dotted', 10],
            ],
            `hr(person_id, dup, 'crm_phone_style')`,
          )} END AS phone,
        CASE WHEN chance(hr(person_id, dup, 'crm_birth_missing'), 5) THEN NULL ELSE birth_date END
          AS birth_date,
        CASE WHEN chance(hr(person_id, dup, 'crm_street_missing'), 2) THEN NULL ELSE street END
          AS street,
        CASE WHEN chance(hr(person_id, dup, 'crm_city_missing'), 2) THEN NULL ELSE city END
          AS city,
        CASE
          WHEN chance(hr(person_id, dup, 'crm_pc_missing'), 1) THEN NULL
          WHEN chance(hr(person_id, dup, 'crm_pc_fmt'), 15) THEN replace(postal_code, ' ', '')
          ELSE postal_code END AS postal_code,
        country_name AS country,
        CASE WHEN chance(hr(person_id, dup, 'crm_company'), 70)
          THEN pick(${renderStringList(COMPANIES)}, h(person_id, 'company')) END AS company,
        CASE WHEN chance(hr(person_id, dup, 'crm_job'), 60)
          THEN pick(${renderStringList(JOB_TITLES)}, h(person_id, 'job_title')) END AS job_title,
        below(hr(person_id, dup, 'crm_created'), span_seconds) AS created_s,
        created_s + below(hr(person_id, dup, 'crm_updated'), span_seconds - created_s)
          AS updated_s,
        chance(hr(person_id, dup, 'crm_opt_in'), 45) AS marketing_opt_in
      FROM picked,
        (SELECT epoch(data_end() - history_start(${CRM_HISTORY_MONTHS}))::BIGINT AS span_seconds)
    )
    SELECT
      ${renderPaddedId('C', 'row_number() OVER (ORDER BY created_s, person_id, dup)', idWidth)}
        AS contact_id,
      first_name, last_name, full_name, email, phone, birth_date, street, city, postal_code,
      country, company, job_title,
      history_start(${CRM_HISTORY_MONTHS}) + to_seconds(created_s) AS created_at,
      history_start(${CRM_HISTORY_MONTHS}) + to_seconds(updated_s) AS updated_at,
      marketing_opt_in, person_id
    FROM shaped
    ORDER BY contact_id;
  `);
  return await countRows(con, 'crm_contacts');
}

/**
 * Number of malformed lines appended for `validRows` valid CRM rows: at least two, and below 1 %
 * of all lines from 200 valid rows on (about 250 customers).
 */
export function computeMalformedLineCount(validRows: number): number {
  return Math.max(MIN_MALFORMED_LINES, Math.floor(validRows * MALFORMED_RATIO));
}

/**
 * Renders CSV lines that a strict reader must reject, continuing the contact_id sequence after
 * `validRows`. All but the last have too many columns (an unquoted comma, sometimes also trailing
 * extra fields: the usual causes in hand-made exports). The last one has a quote that is never
 * closed, inside an unquoted field followed by a comma. The quote deliberately does not open the
 * field: an unclosed quote at the start of a field makes DuckDB's CSV sniffer reject the whole
 * file whenever its sample reaches that line (always, for small demo files), instead of
 * rejecting just the line.
 */
export async function renderMalformedCrmLines(
  con: DuckDBConnection,
  validRows: number,
  customers: number,
): Promise<string[]> {
  const count = computeMalformedLineCount(validRows);
  const idWidth = computeIdWidth(customers * 1.1, 7);
  const reader = await con.runAndReadAll(`
    SELECT
      ${renderPaddedId('C', `${validRows} + k`, idWidth)} AS contact_id,
      first_name, last_name, first_name || ' ' || last_name AS full_name, email,
      format_phone(phone_cc, phone_trunk, phone_area, phone_sub, 'intl-spaced') AS phone,
      birth_date::VARCHAR AS birth_date, replace(street, ',', '') AS street, city, postal_code,
      country_name AS country,
      CASE WHEN k = ${count} THEN 'Hart & Lowe' ELSE 'Hart, Lowe & Partners' END AS company,
      CASE WHEN k = ${count} THEN 'Head of "Sales, EMEA' ELSE 'Consultant' END AS job_title,
      strftime(data_end() - to_seconds(k * 3600), '%Y-%m-%d %H:%M:%S') AS created_at,
      strftime(data_end() - to_seconds(k * 3600), '%Y-%m-%d %H:%M:%S') AS updated_at,
      CASE WHEN k % 2 = 0 AND k < ${count} THEN 'true,legacy_import,1' ELSE 'false' END
        AS marketing_opt_in
    FROM range(1, ${count} + 1) r(k)
    JOIN people ON person_id = 1 + below(h(k, 'malformed'), ${customers})
    ORDER BY k
  `);
  return reader
    .getRowObjectsJS()
    .map((row) => CRM_COLUMNS.map((name) => renderRawField(row[name])).join(','));
}

/** Every malformed-line column is selected as VARCHAR; NULL becomes an empty field. */
function renderRawField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string')
    throw new TypeError(`expected a string field, got ${typeof value}`);
  return value;
}

/** Writes crm_contacts (without the ground-truth column) as a headed CSV file. */
export async function writeCrmContacts(con: DuckDBConnection, file: string): Promise<void> {
  await con.run(`
    COPY (SELECT * EXCLUDE (person_id) FROM crm_contacts ORDER BY contact_id)
    TO ${quoteSql(file)} (FORMAT csv, HEADER true, DELIMITER ',')
  `);
}

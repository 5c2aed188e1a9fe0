// SQL building blocks shared by the generators. Every random-looking choice in the demo data is a
// pure function of (record key, seed, salt) through DuckDB's hash(), so output depends only on the
// seed, the customer count and the `now` passed in, never on thread scheduling or the clock.
import type { DuckDBConnection } from '@duckdb/node-api';

/** `now` as a DuckDB TIMESTAMP literal's text, to the second (UTC). */
export function renderDataEnd(now: Date): string {
  if (Number.isNaN(now.getTime())) throw new RangeError('now must be a valid date');
  return now.toISOString().slice(0, 19).replace('T', ' ');
}

/** Quotes a value as a SQL string literal. */
export function quoteSql(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Renders a list literal of strings, e.g. ['a', 'b']. */
export function renderStringList(values: readonly string[]): string {
  return `[${values.map(quoteSql).join(', ')}]`;
}

/**
 * Expands weighted entries into a flat list where each entry appears `weight` times, so that a
 * uniform pick from the list is a weighted pick of the entries.
 */
export function expandWeighted<T>(entries: ReadonlyArray<readonly [T, number]>): T[] {
  return entries.flatMap(([value, weight]) => Array.from({ length: weight }, () => value));
}

/** Width of zero-padded ids so that `maxCount` ids never get truncated by lpad. */
export function computeIdWidth(maxCount: number, minimum: number): number {
  return Math.max(minimum, String(Math.max(1, Math.ceil(maxCount))).length);
}

/** SQL expression for a prefixed, zero-padded id from a 1-based row number expression. */
export function renderPaddedId(prefix: string, rowNumberSql: string, width: number): string {
  return `${quoteSql(prefix)} || lpad((${rowNumberSql})::VARCHAR, ${width}, '0')`;
}

/**
 * Creates the macros used by all generators:
 * - data_end(): the `now` passed in, the upper bound (exclusive) of every generated time;
 *   history_start(months): that many months earlier, where a source's history begins. Every
 *   date is relative to them, so recent windows ("this month", "last 30 days") always have data.
 * - h(key, salt) / hr(key, sub, salt): 64-bit hashes seeded with `seed`; each salt is an
 *   independent random stream, hr adds a second key for rows derived from one person.
 * - below(hv, n): integer in [0, n); unit(hv): double in [0, 1); chance(hv, pct): true with
 *   probability pct/100 at 0.01 % resolution.
 * - pick / pick_skewed: uniform / front-heavy choice from a list.
 * - digits(hv, n): n random decimal digits, zero-padded.
 * - typo(s, hv): swaps two adjacent letters or drops one, never touching the first letter.
 * - format_phone: renders a phone number in one of the styles listed in PHONE_STYLE.
 * - ascii_name: lower-case ASCII form of a name, as used in email local parts.
 */
export async function createMacros(
  con: DuckDBConnection,
  seed: number,
  dataEnd: string,
): Promise<void> {
  await con.run(`
    CREATE OR REPLACE MACRO data_end() AS TIMESTAMP ${quoteSql(dataEnd)};
    CREATE OR REPLACE MACRO history_start(months) AS data_end() - to_months(months);
    CREATE OR REPLACE MACRO h(k, salt) AS hash(k, ${seed}::BIGINT, salt);
    CREATE OR REPLACE MACRO hr(k, sub, salt) AS hash(k, sub, ${seed}::BIGINT, salt);
    CREATE OR REPLACE MACRO below(hv, n) AS (hv % (n)::UBIGINT)::BIGINT;
    CREATE OR REPLACE MACRO unit(hv) AS below(hv, 1000000)::DOUBLE / 1000000.0;
    CREATE OR REPLACE MACRO chance(hv, pct) AS below(hv, 10000) < (pct) * 100;
    CREATE OR REPLACE MACRO pick(xs, hv) AS xs[1 + below(hv, len(xs))];
    CREATE OR REPLACE MACRO pick_skewed(xs, hv) AS
      xs[1 + least(len(xs) - 1, floor(len(xs) * pow(unit(hv), 1.4)))::BIGINT];
    CREATE OR REPLACE MACRO digits(hv, n) AS
      lpad(below(hv, pow(10, n)::BIGINT)::VARCHAR, (n)::INTEGER, '0');
    CREATE OR REPLACE MACRO typo_at(s, p, dropped) AS CASE
      WHEN dropped OR substring(s, p + 1, 1) = substring(s, p + 2, 1)
        THEN left(s, p) || substring(s, p + 2)
      ELSE left(s, p) || substring(s, p + 2, 1) || substring(s, p + 1, 1) || substring(s, p + 3)
    END;
    CREATE OR REPLACE MACRO typo(s, hv) AS CASE
      WHEN s IS NULL OR length(s) < 4 THEN s
      ELSE typo_at(s, 1 + below(hv // 3, length(s) - 2), below(hv, 3) = 0)
    END;
    CREATE OR REPLACE MACRO split_a(sub) AS left(sub, length(sub) // 2);
    CREATE OR REPLACE MACRO split_b(sub) AS substring(sub, length(sub) // 2 + 1);
    CREATE OR REPLACE MACRO format_phone(cc, trunk, area, sub, style) AS CASE style
      WHEN 'intl-spaced' THEN '+' || cc || ' ' || area || ' ' || split_a(sub) || ' ' || split_b(sub)
      WHEN 'national-paren' THEN '(' || trunk || area || ') ' || split_a(sub) || '-' || split_b(sub)
      WHEN 'national-compact' THEN trunk || area || sub
      WHEN 'e164' THEN '+' || cc || area || sub
      WHEN 'intl-00' THEN '00' || cc || ' ' || area || ' ' || sub
      ELSE trunk || area || '.' || split_a(sub) || '.' || split_b(sub)
    END;
    CREATE OR REPLACE MACRO ascii_name(s) AS
      lower(regexp_replace(strip_accents(s), '[^A-Za-z]', '', 'g'));
  `);
}

/** Counts the rows of `table`. */
export async function countRows(con: DuckDBConnection, table: string): Promise<number> {
  const reader = await con.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${table}`);
  const n = reader.getRowObjectsJS()[0]?.n;
  if (typeof n !== 'number') throw new Error(`could not count rows of ${table}`);
  return n;
}

/** Phone rendering styles understood by the format_phone macro, with relative weights. */
export type PhoneStyle =
  'intl-spaced' | 'national-paren' | 'national-compact' | 'e164' | 'intl-00' | 'dotted';

/** SQL expression choosing a phone style by weight for hash expression `hashSql`. */
function renderPhoneStylePick(
  weights: ReadonlyArray<readonly [PhoneStyle, number]>,
  hashSql: string,
): string {
  return `pick(${renderStringList(expandWeighted(weights))}, ${hashSql})`;
}

/** SQL expression rendering the phone stored on a `people` row in a weighted style. */
export function renderPersonPhone(
  weights: ReadonlyArray<readonly [PhoneStyle, number]>,
  hashSql: string,
): string {
  const style = renderPhoneStylePick(weights, hashSql);
  return `format_phone(phone_cc, phone_trunk, phone_area, phone_sub, ${style})`;
}

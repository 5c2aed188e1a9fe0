// Builds the `people` table: the ground-truth persons every source record is derived from.
// Each person has one canonical identity; sources later copy, degrade and reformat it.
import type { DuckDBConnection } from '@duckdb/node-api';
import { FIRST_NAMES, LAST_NAMES } from './names.data.js';
import { CITIES, COUNTRIES, GLOBAL_EMAIL_DOMAINS } from './reference.data.js';
import type { CountryInfo } from './reference.data.js';
import { expandWeighted, quoteSql, renderStringList } from './sql.helpers.js';

/** Number of slots in the weighted city table; a person's city is a uniform pick of a slot. */
const CITY_SLOT_COUNT = 1000;
const GB_POSTCODE_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ'.split('');
const NL_POSTCODE_LETTERS = 'ABCDEGHJKLMNPRSTVWXZ'.split('');

interface FlatLists {
  streets: string[];
  mobileAreas: string[];
  domains: string[];
  /** 1-based offsets of each country's entries in the flat lists above. */
  offsets: Map<string, { street: number; mobile: number; domain: number }>;
}

/**
 * Flattens per-country lists into global lists so SQL can index them with per-row offsets
 * instead of carrying list columns through joins.
 */
function flattenCountryLists(countries: readonly CountryInfo[]): FlatLists {
  const flat: FlatLists = { streets: [], mobileAreas: [], domains: [], offsets: new Map() };
  for (const country of countries) {
    flat.offsets.set(country.code, {
      street: flat.streets.length + 1,
      mobile: flat.mobileAreas.length + 1,
      domain: flat.domains.length + 1,
    });
    flat.streets.push(...country.streets);
    flat.mobileAreas.push(...country.mobileAreas);
    flat.domains.push(...country.emailDomains);
  }
  return flat;
}

function findCountry(code: string): CountryInfo {
  const country = COUNTRIES.find((c) => c.code === code);
  if (!country) throw new Error(`reference data: unknown country ${code}`);
  return country;
}

/** 1-based city indexes repeated in proportion to country weight times city weight. */
function buildCitySlots(): number[] {
  const countryTotal = COUNTRIES.reduce((sum, c) => sum + c.weight, 0);
  const slots: number[] = [];
  CITIES.forEach((city, index) => {
    const country = findCountry(city.country);
    const cityTotal = CITIES.filter((c) => c.country === city.country).reduce(
      (sum, c) => sum + c.weight,
      0,
    );
    const share = (country.weight / countryTotal) * (city.weight / cityTotal);
    const count = Math.max(1, Math.round(share * CITY_SLOT_COUNT));
    for (let i = 0; i < count; i++) slots.push(index + 1);
  });
  return slots;
}

function renderCityRows(flat: FlatLists): string {
  return CITIES.map((city, index) => {
    const country = findCountry(city.country);
    const offsets = flat.offsets.get(country.code);
    if (!offsets) throw new Error(`reference data: no offsets for ${country.code}`);
    const values = [
      String(index + 1),
      quoteSql(city.name),
      quoteSql(country.code),
      quoteSql(country.name),
      quoteSql(country.currency),
      quoteSql(city.postalPrefix),
      quoteSql(city.areaCode),
      quoteSql(country.dialCode),
      quoteSql(country.trunk),
      String(country.nationalLength),
      quoteSql(country.streetStyle),
      String(offsets.street),
      String(country.streets.length),
      String(offsets.mobile),
      String(country.mobileAreas.length),
      String(offsets.domain),
      String(country.emailDomains.length),
    ];
    return `(${values.join(', ')})`;
  }).join(',\n');
}

/**
 * Creates `people(person_id, first_name, last_name, birth_date, email, alt_email, street, city,
 * postal_code, country_code, country_name, currency, phone_cc, phone_trunk, phone_area, phone_sub)`
 * with person_id 1..customers. Emails are unique across all persons, including alt_email (a second
 * address ~15 % of persons use in some sources), so an email never links two different persons.
 */
export async function generatePeople(con: DuckDBConnection, customers: number): Promise<void> {
  const flat = flattenCountryLists(COUNTRIES);
  await con.run(`
    CREATE OR REPLACE TABLE cities AS SELECT * FROM (VALUES ${renderCityRows(flat)}) t(
      city_idx, city, country_code, country_name, currency, postal_prefix, area_code, dial_code,
      trunk, national_length, street_style, street_offset, street_count, mobile_offset,
      mobile_count, domain_offset, domain_count);

    CREATE OR REPLACE MACRO email_local(fa, la, yy, hv) AS CASE
      WHEN below(hv, 100) < 35 THEN fa || '.' || la
      WHEN below(hv, 100) < 48 THEN fa || la
      WHEN below(hv, 100) < 58 THEN left(fa, 1) || la
      WHEN below(hv, 100) < 65 THEN fa || '_' || la
      WHEN below(hv, 100) < 76 THEN fa || '.' || la || yy
      WHEN below(hv, 100) < 84 THEN fa || yy
      WHEN below(hv, 100) < 91 THEN la || '.' || fa
      ELSE fa || left(la, 1) || below(hv // 100, 1000)::VARCHAR
    END;

    CREATE OR REPLACE TEMP TABLE people_base AS
    WITH drawn AS (
      SELECT i + 1 AS person_id,
        pick(${`[${buildCitySlots().join(', ')}]`}, h(i + 1, 'city')) AS city_idx,
        pick_skewed(${renderStringList(FIRST_NAMES)}, h(i + 1, 'first_name')) AS first_name,
        pick_skewed(${renderStringList(LAST_NAMES)}, h(i + 1, 'last_name')) AS last_name,
        DATE '1945-01-01'
          + (below(h(i + 1, 'birth_a'), 9000) + below(h(i + 1, 'birth_b'), 12000))::INTEGER
          AS birth_date
      FROM range(${customers}) r(i)
    )
    SELECT d.person_id, d.first_name, d.last_name, d.birth_date,
      ${renderStreetSql(flat)} AS street,
      c.city, ${renderPostalCodeSql()} AS postal_code,
      c.country_code, c.country_name, c.currency,
      c.dial_code AS phone_cc, c.trunk AS phone_trunk,
      CASE WHEN c.mobile_count > 0 AND chance(h(d.person_id, 'mobile'), 55)
        THEN ${renderStringList(flat.mobileAreas)}[
          c.mobile_offset + below(h(d.person_id, 'mobile_area'), c.mobile_count)]
        ELSE c.area_code END AS phone_area,
      digits(h(d.person_id, 'phone'), c.national_length - length(phone_area)) AS phone_sub,
      ascii_name(d.first_name) AS fa, ascii_name(d.last_name) AS la,
      right(year(d.birth_date)::VARCHAR, 2) AS yy,
      email_local(fa, la, yy, h(d.person_id, 'email_style')) AS local_part,
      CASE WHEN chance(h(d.person_id, 'email_local_domain'), 30)
        THEN ${renderStringList(flat.domains)}[
          c.domain_offset + below(h(d.person_id, 'email_domain'), c.domain_count)]
        ELSE pick(${renderGlobalDomains()}, h(d.person_id, 'email_domain')) END AS domain,
      chance(h(d.person_id, 'has_alt_email'), 15) AS has_alt_email,
      email_local(fa, la, yy, h(d.person_id, 'alt_email_style')) AS alt_local_part,
      pick(${renderGlobalDomains()}, h(d.person_id, 'alt_email_domain')) AS alt_domain
    FROM drawn d JOIN cities c USING (city_idx);

    CREATE OR REPLACE TABLE people AS
    WITH candidates AS (
      SELECT person_id, 0 AS kind, local_part, domain FROM people_base
      UNION ALL
      SELECT person_id, 1 AS kind, alt_local_part, alt_domain FROM people_base WHERE has_alt_email
    ),
    -- A '.n' suffix cannot collide with a generated local part: those never end in '.<digits>'.
    emails AS (
      SELECT person_id, kind,
        local_part || CASE WHEN rn > 1 THEN '.' || rn ELSE '' END || '@' || domain AS email
      FROM (
        SELECT *, row_number() OVER (PARTITION BY local_part, domain ORDER BY kind, person_id) AS rn
        FROM candidates
      )
    )
    SELECT p.person_id, p.first_name, p.last_name, p.birth_date, e.email, a.email AS alt_email,
      p.street, p.city, p.postal_code, p.country_code, p.country_name, p.currency,
      p.phone_cc, p.phone_trunk, p.phone_area, p.phone_sub
    FROM people_base p
    JOIN emails e ON e.person_id = p.person_id AND e.kind = 0
    LEFT JOIN emails a ON a.person_id = p.person_id AND a.kind = 1;

    DROP TABLE people_base;
  `);
}

function renderGlobalDomains(): string {
  return renderStringList(expandWeighted(GLOBAL_EMAIL_DOMAINS));
}

/** Street line in the country's convention, with occasional flat/apartment parts (and commas). */
function renderStreetSql(flat: FlatLists): string {
  const streetName = `${renderStringList(flat.streets)}[
    c.street_offset + below(h(d.person_id, 'street'), c.street_count)]`;
  const house = `(1 + below(h(d.person_id, 'house'), 180))::VARCHAR`;
  return `CASE
      WHEN c.country_code = 'GB' AND chance(h(d.person_id, 'flat'), 12)
        THEN 'Flat ' || (1 + below(h(d.person_id, 'flat_no'), 24)) || ', ' || ${house} || ' '
          || ${streetName}
      WHEN c.country_code = 'US' AND chance(h(d.person_id, 'flat'), 10)
        THEN ${house} || ' ' || ${streetName} || ', Apt ' || (1 + below(h(d.person_id, 'flat_no'), 30))
          || pick(['A', 'B', 'C', 'D'], h(d.person_id, 'flat_letter'))
      WHEN c.street_style = 'number-first' THEN ${house} || ' ' || ${streetName}
      WHEN c.street_style = 'number-last' THEN ${streetName} || ' ' || ${house}
      ELSE ${streetName} || ', ' || ${house}
    END`;
}

/** Postal code following the country's pattern (GB outward/inward, NL 4 digits + 2 letters). */
function renderPostalCodeSql(): string {
  return `CASE c.country_code
      WHEN 'GB' THEN c.postal_prefix || (1 + below(h(d.person_id, 'pc_a'), 20)) || ' '
        || below(h(d.person_id, 'pc_b'), 10)
        || pick(${renderStringList(GB_POSTCODE_LETTERS)}, h(d.person_id, 'pc_c'))
        || pick(${renderStringList(GB_POSTCODE_LETTERS)}, h(d.person_id, 'pc_d'))
      WHEN 'NL' THEN c.postal_prefix || digits(h(d.person_id, 'pc_a'), 2) || ' '
        || pick(${renderStringList(NL_POSTCODE_LETTERS)}, h(d.person_id, 'pc_c'))
        || pick(${renderStringList(NL_POSTCODE_LETTERS)}, h(d.person_id, 'pc_d'))
      ELSE c.postal_prefix || digits(h(d.person_id, 'pc_a'), 5 - length(c.postal_prefix))
    END`;
}

// Ground truth linking every source record to the person it was generated from, so entity
// resolution quality can be measured (precision/recall over record pairs).
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteSql } from './sql.helpers.js';

/**
 * Writes `source,table,record_id,person_id` with exactly one row per valid record of crm contacts,
 * shop customers and loyalty members (malformed CRM lines are not records and are not listed).
 * Orders are not listed: they link to persons through their shop customer.
 */
export async function writeTruth(con: DuckDBConnection, file: string): Promise<void> {
  await con.run(`
    COPY (
      SELECT 'crm' AS source, 'contacts' AS "table", contact_id AS record_id, person_id
      FROM crm_contacts
      UNION ALL
      SELECT 'shop', 'customers', customer_id, person_id FROM shop_customers
      UNION ALL
      SELECT 'loyalty', 'members', member_id, person_id FROM loyalty_members
      ORDER BY source, record_id
    ) TO ${quoteSql(file)} (FORMAT csv, HEADER true, DELIMITER ',')
  `);
}

/**
 * Shrinks a written source table to the columns the truth file needs, so that large runs do not
 * keep every generated table in memory until the end.
 */
export async function shrinkToTruthKeys(
  con: DuckDBConnection,
  table: string,
  idColumn: string,
): Promise<void> {
  await con.run(
    `CREATE OR REPLACE TABLE ${table} AS SELECT ${idColumn}, person_id FROM ${table} ORDER BY ${idColumn}`,
  );
}

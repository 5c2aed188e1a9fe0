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

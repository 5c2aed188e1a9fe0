/**
 * Transitive clustering: connected components of the matched pairs, computed in SQL by min-label
 * propagation. Each round gives every node the smallest label among itself and its neighbours;
 * rounds stop when no label changes (at most the longest shortest path in a cluster, a handful in
 * practice). Records without a pair are their own cluster. The label is the smallest record
 * number in the component, so the same pairs always give the same clusters.
 */
import type { WarehouseWriter } from '../warehouse/index.js';

/** The number of propagation rounds run (reported in the statistics). */
export async function computeClusters(
  w: WarehouseWriter,
  opts: { pairs: string; where?: string; records: string; out: string },
): Promise<number> {
  const where = opts.where ? `WHERE ${opts.where}` : '';
  await w.run(`CREATE OR REPLACE TEMP TABLE _cc_edges AS
    SELECT l AS a, r AS b FROM ${opts.pairs} ${where}
    UNION ALL SELECT r AS a, l AS b FROM ${opts.pairs} ${where}`);
  await w.run(`CREATE OR REPLACE TEMP TABLE _cc AS
    SELECT a AS node, least(a, min(b)) AS label FROM _cc_edges GROUP BY a`);
  let rounds = 0;
  for (;;) {
    rounds++;
    await w.run(`CREATE OR REPLACE TEMP TABLE _cc_next AS
      SELECT c.node, least(c.label, min(n.label)) AS label
      FROM _cc c JOIN _cc_edges e ON e.a = c.node JOIN _cc n ON n.node = e.b
      GROUP BY c.node, c.label`);
    const changed = await w.all(
      `SELECT count(*)::BIGINT AS n FROM _cc_next x JOIN _cc c USING (node) WHERE x.label <> c.label`,
    );
    await w.run('DROP TABLE _cc');
    await w.run('ALTER TABLE _cc_next RENAME TO _cc');
    if (Number(changed[0]?.n ?? 0) === 0) break;
  }
  await w.run(`CREATE OR REPLACE TABLE ${opts.out} AS
    SELECT r._rid, coalesce(c.label, r._rid) AS _cluster
    FROM ${opts.records} r LEFT JOIN _cc c ON c.node = r._rid`);
  await w.run('DROP TABLE _cc');
  await w.run('DROP TABLE _cc_edges');
  return rounds;
}

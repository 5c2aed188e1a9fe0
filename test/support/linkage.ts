/**
 * Pairwise clustering quality against ground truth, computed in DuckDB: a pair of records is
 * predicted when both are in one profile and true when both belong to one person. Precision,
 * recall and F1 of the predicted pairs. Counting pairs per (profile, person) group avoids
 * materialising any pair.
 */
import type { InstanceWarehouse } from '../../src/warehouse/index.js';

export interface LinkageScores {
  predictedPairs: number;
  truePairs: number;
  correctPairs: number;
  precision: number;
  recall: number;
  f1: number;
}

/**
 * `truthSql` is a query giving (SourceTable, RecordId, entity) for every record; profiles come from
 * CustomerLink. Records missing from either side are ignored.
 */
export async function scoreLinkage(
  wh: InstanceWarehouse,
  truthSql: string,
): Promise<LinkageScores> {
  const rows = await wh.query(`
    WITH j AS (
      SELECT l.CustomerId AS c, t.entity AS e
      FROM CustomerLink l JOIN (${truthSql}) t
        ON t.SourceTable = l.SourceTable AND t.RecordId = l.RecordId
    ),
    pc AS (SELECT count(*) AS n FROM j GROUP BY c),
    pe AS (SELECT count(*) AS n FROM j GROUP BY e),
    pb AS (SELECT count(*) AS n FROM j GROUP BY c, e)
    SELECT (SELECT sum(n * (n - 1) / 2) FROM pc)::DOUBLE AS predicted,
      (SELECT sum(n * (n - 1) / 2) FROM pe)::DOUBLE AS truth,
      (SELECT sum(n * (n - 1) / 2) FROM pb)::DOUBLE AS correct`);
  const r = rows[0]!;
  const predictedPairs = Number(r.predicted ?? 0);
  const truePairs = Number(r.truth ?? 0);
  const correctPairs = Number(r.correct ?? 0);
  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { predictedPairs, truePairs, correctPairs, precision, recall, f1 };
}

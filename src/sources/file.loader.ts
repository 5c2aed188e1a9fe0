/**
 * Loads CSV, Parquet and JSON/NDJSON files (a path or a glob) into a staging table with DuckDB's own
 * readers. Malformed rows are captured with their file, line and reason in a corrupt staging table.
 */
import { isAbsolute, resolve } from 'node:path';
import { quoteLiteral, type WarehouseWriter } from '../warehouse/index.js';
import type { CsvOptions, FileTable } from './source.schema.js';

const corruptColumns = 'file VARCHAR, line BIGINT, reason VARCHAR, raw VARCHAR';

export function resolveTablePath(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function csvOptionSql(o: CsvOptions | undefined): string {
  const parts: string[] = [];
  if (o?.header !== undefined) parts.push(`header=${o.header}`);
  if (o?.delimiter !== undefined) parts.push(`delim=${quoteLiteral(o.delimiter)}`);
  if (o?.quote !== undefined) parts.push(`quote=${quoteLiteral(o.quote)}`);
  if (o?.escape !== undefined) parts.push(`escape=${quoteLiteral(o.escape)}`);
  if (o?.encoding !== undefined) parts.push(`encoding=${quoteLiteral(o.encoding)}`);
  return parts.map((p) => `, ${p}`).join('');
}

/** Returns the number of malformed records captured into `corruptStage`. */
export async function loadFileTable(
  w: WarehouseWriter,
  table: FileTable,
  path: string,
  stage: string,
  corruptStage: string,
  scratchFile: string,
): Promise<number> {
  const file = quoteLiteral(path);
  await w.run(`CREATE OR REPLACE TABLE ${corruptStage} (${corruptColumns})`);
  switch (table.format) {
    case 'csv':
      return loadCsv(w, file, table.options, stage, corruptStage);
    case 'parquet':
      await w.run(`CREATE OR REPLACE TABLE ${stage} AS SELECT * FROM read_parquet(${file})`);
      return 0;
    case 'json':
      await w.run(
        `CREATE OR REPLACE TABLE ${stage} AS SELECT * FROM read_json(${file}, format='array')`,
      );
      return 0;
    case 'ndjson':
      return loadNdjson(w, file, stage, corruptStage, scratchFile);
  }
}

async function loadCsv(
  w: WarehouseWriter,
  file: string,
  options: CsvOptions | undefined,
  stage: string,
  corruptStage: string,
): Promise<number> {
  const rejects = `${stage}_rejects`;
  const scans = `${stage}_scans`;
  await w.run(
    `CREATE OR REPLACE TABLE ${stage} AS SELECT * FROM read_csv(${file}${csvOptionSql(options)},
       store_rejects=true, rejects_table='${rejects}', rejects_scan='${scans}')`,
  );
  // One error row per failing column: a record counts once, with every reason joined.
  await w.run(
    `INSERT INTO ${corruptStage}
     SELECT s.file_path, r.line, string_agg(r.error_type || ': ' || r.error_message, '; '), any_value(r.csv_line)
     FROM ${rejects} r JOIN ${scans} s USING (scan_id, file_id)
     GROUP BY s.file_path, r.line ORDER BY s.file_path, r.line`,
  );
  await w.run(`DROP TABLE IF EXISTS ${rejects}`);
  await w.run(`DROP TABLE IF EXISTS ${scans}`);
  return countRows(w, corruptStage);
}

/**
 * NDJSON: lines that are not valid JSON are captured with their line number. When every line is
 * valid (the common case) the files are read directly in one pass; otherwise the valid lines are copied to a
 * scratch file (the caller removes it) so DuckDB's schema inference still sees real JSON.
 */
async function loadNdjson(
  w: WarehouseWriter,
  file: string,
  stage: string,
  corruptStage: string,
  scratchFile: string,
): Promise<number> {
  // Fast path: one strict pass. Only when it fails on bad JSON do we pay for the line-by-line scan.
  try {
    await w.run(
      `CREATE OR REPLACE TABLE ${stage} AS SELECT * FROM read_json(${file}, format='newline_delimited')`,
    );
    return 0;
  } catch (e) {
    if (!/malformed JSON|Invalid Input Error/i.test(e instanceof Error ? e.message : String(e)))
      throw e;
  }
  const lines = `${stage}_lines`;
  await w.run(
    `CREATE OR REPLACE TEMP TABLE ${lines} AS
     SELECT filename AS file, ordinality - min(ordinality) OVER (PARTITION BY filename) + 1 AS line, column0 AS raw
     FROM read_csv(${file}, columns={'column0': 'VARCHAR'}, delim='\x1f', quote='', escape='',
                   header=false, auto_detect=false, filename=true) WITH ORDINALITY`,
  );
  await w.run(
    `INSERT INTO ${corruptStage}
     SELECT file, line, 'INVALID JSON: the line is not a JSON object', raw FROM ${lines}
     WHERE raw IS NOT NULL AND trim(raw) <> '' AND NOT json_valid(raw) ORDER BY file, line`,
  );
  const rejected = await countRows(w, corruptStage);
  if (rejected === 0) {
    await w.run(
      `CREATE OR REPLACE TABLE ${stage} AS SELECT * FROM read_json(${file}, format='newline_delimited')`,
    );
  } else {
    const validFile = quoteLiteral(scratchFile);
    await w.run(
      `COPY (SELECT raw FROM ${lines} WHERE raw IS NOT NULL AND trim(raw) <> '' AND json_valid(raw) ORDER BY file, line)
       TO ${validFile} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x1f')`,
    );
    await w.run(
      `CREATE OR REPLACE TABLE ${stage} AS SELECT * FROM read_json(${validFile}, format='newline_delimited')`,
    );
  }
  await w.run(`DROP TABLE IF EXISTS ${lines}`);
  return rejected;
}

export async function countRows(w: WarehouseWriter, table: string): Promise<number> {
  const [row] = await w.all(`SELECT count(*)::BIGINT AS n FROM ${table}`);
  return Number(row?.n ?? 0);
}

/** The `ingest(source)` task kind: loads one data source into the instance's warehouse. */
import { ErrorCode, makeError } from '../errors/index.js';
import { ingestSource, validateSource } from '../sources/index.js';
import type { StateStore } from '../state/index.js';
import type { Warehouse } from '../warehouse/index.js';
import type { TaskKind } from './task.kind.js';

export interface IngestTaskDeps {
  state: StateStore;
  warehouse: Warehouse;
  baseDir: string;
  corruptRatio: number;
  postgresBatchRows: number;
}

export function createIngestTaskKind(deps: IngestTaskDeps): TaskKind {
  return {
    kind: 'ingest',
    after: [],
    downstream: false,
    plan: (ctx) => Promise.resolve(ctx.sources),
    async run(ctx) {
      const row = await deps.state.getSource(ctx.instance, ctx.target ?? '');
      if (!row) {
        return {
          ok: false,
          error: makeError(ErrorCode.notFound, 'user', `data source "${ctx.target}" was removed`),
        };
      }
      const def = validateSource(row.definition);
      if (!def.ok) return { ok: false, error: def.error };
      const report = await ingestSource(def.value, {
        instance: ctx.instance,
        warehouse: await deps.warehouse.open(ctx.instance),
        baseDir: deps.baseDir,
        corruptRatio: deps.corruptRatio,
        postgresBatchRows: deps.postgresBatchRows,
        signal: ctx.signal,
        onProgress: (p) => ctx.onProgress(p),
      });
      if (!report.ok) return { ok: false, error: report.error };
      const { rowsRead, rowsRejected, tables, overRatio } = report.value;
      const details = { tables };
      if (overRatio) {
        const total = rowsRead + rowsRejected;
        const pct = ((100 * rowsRejected) / total).toFixed(2);
        const limit = (100 * deps.corruptRatio).toFixed(2);
        return {
          ok: false,
          error: makeError(
            ErrorCode.corruptRatio,
            'user',
            `${rowsRejected} of ${total} rows rejected (${pct} % > ${limit} %); previous data kept, see the _corrupt tables`,
          ),
          rowsRead,
          rowsRejected,
          details,
        };
      }
      return { ok: true, warnings: rowsRejected > 0, rowsRead, rowsRejected, details };
    },
  };
}

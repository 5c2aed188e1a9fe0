export { parseFilter, maxFilterLength } from './filter.parser.js';
export { compileFilter, type FilterScope } from './filter.compiler.js';
export type { FilterExpr, FilterError } from './filter.ast.js';
export { SqlParams } from './sql.params.js';
export {
  listEntities,
  describeEntity,
  indexEntityKeys,
  createTableColumnsCache,
  createKeyOrderCache,
  type TableColumnsReader,
  type KeyOrderReader,
} from './entity.catalog.js';
export type { EntityInfo, EntityColumn, EntityKind } from './entity.types.js';
export { queryItems, getItem, type ItemsQuery, type ItemsPage } from './entity.query.js';
export { writeActivity, writeProfileChange, reconcileOverlay } from './realtime.overlay.js';
export { validateActivity, validateProfileChange, maxValidityMs } from './realtime.write.js';
export {
  listPartitions,
  readPartition,
  snapshotEntities,
  type Partition,
} from './partition.store.js';
export { createSnapshotTaskKind } from './snapshot.task.js';

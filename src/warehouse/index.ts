export type {
  InstanceWarehouse,
  Row,
  SqlValue,
  Warehouse,
  WarehouseAppender,
  WarehouseWriter,
} from './warehouse.port.js';
export { DuckDbWarehouse, type DuckDbOptions } from './duckdb.adapter.js';
export {
  describeColumns,
  quoteIdent,
  quoteLiteral,
  replaceTables,
  toTableName,
  type TableReplacement,
} from './sql.dialect.js';

export type {
  InstanceWarehouse,
  Row,
  SqlValue,
  Warehouse,
  WarehouseAppender,
  WarehouseWriter,
} from './warehouse.port.js';
export { DuckDbWarehouse, type DuckDbOptions } from './duckdb.adapter.js';
export { quoteIdent, quoteLiteral, toTableName } from './sql.dialect.js';

export {
  AttributeCondition,
  ComparisonOps,
  RelativeDate,
  TimeUnits,
  Window,
  comparisonFields,
  type Comparison,
  type ComparisonOp,
  type Scalar,
  type TimeUnit,
} from './condition.schema.js';
export {
  checkAttribute,
  checkComparison,
  checkComparisonShape,
  checkWindow,
  invalid,
  parseIsoDate,
} from './condition.check.js';
export {
  SqlParams,
  compileComparison,
  resolveWindow,
  shiftBack,
  startOfPeriod,
  type Bounds,
} from './condition.sql.js';
export {
  activityTable,
  categorizeType,
  customerTable,
  readCatalog,
  readColumns,
  tableMissing,
  type Catalog,
  type ColumnCategory,
  type Columns,
} from './column.catalog.js';

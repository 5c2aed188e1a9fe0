export {
  MeasureAggregates,
  MeasureDefinition,
  customerMeasureView,
  measureKind,
  measureTable,
  type MeasureKind,
} from './measure.schema.js';
export { validateMeasure, checkMeasure, valueCategory } from './measure.check.js';
export {
  ExpressionFunctions,
  maxExpressionLength,
  parseExpression,
  type Expr,
  type ExpressionError,
} from './expression.parser.js';
export { maxHistoryGroups, type MeasureOutcome } from './measure.evaluator.js';
export {
  MeasureService,
  measureDefinitionKind,
  type MeasureDeps,
  type EvaluateOptions,
} from './measure.service.js';

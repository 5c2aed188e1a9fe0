export {
  ActivityAggregates,
  SegmentShape,
  deltaTable,
  membershipTable,
  type Rule,
  type SegmentDefinition,
} from './segment.schema.js';
export { validateSegment, checkSegment, segmentRefs, findCycle } from './segment.validate.js';
export { compileSegment, type CompiledSegment } from './segment.compiler.js';
export {
  SegmentService,
  segmentDefinitionKind,
  type SegmentDeps,
  type SegmentEvaluation,
} from './segment.service.js';

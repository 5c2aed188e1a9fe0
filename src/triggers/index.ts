export {
  EventTypes,
  eventCatalog,
  eventDataSchemas,
  eventEnvelopeSchema,
  eventParameters,
  firingRules,
  isEventType,
  newEventId,
  envelopeOf,
  type EventType,
  type EventCatalogEntry,
} from './event.catalog.js';
export { sampleEvent } from './event.samples.js';
export { stepThreshold, evaluateThresholds, type ThresholdState } from './threshold.rules.js';
export { createRefreshEvents, type RefreshEventsDeps } from './refresh.events.js';
export {
  createMetricRecorder,
  type RecordMetric,
  type MetricRecorderDeps,
} from './metric.recorder.js';

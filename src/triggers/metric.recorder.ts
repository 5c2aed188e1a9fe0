/**
 * The recorder the segment and measure stages call instead of `state.appendMetric`: it appends the
 * value, evaluates every threshold subscription on it, and writes their trigger state and the outbox
 * rows in one state transaction (so a crash can neither lose nor double a firing).
 */
import type { MetricRow, StateStore } from '../state/index.js';
import { evaluateThresholds, thresholdEventOf } from './threshold.rules.js';

export type RecordMetric = (row: MetricRow) => Promise<void>;

export interface MetricRecorderDeps {
  state: StateStore;
  /** Wakes the delivery worker after events were committed. */
  notify: () => void;
}

export function createMetricRecorder(deps: MetricRecorderDeps): RecordMetric {
  return async (row) => {
    const type = thresholdEventOf[row.metricKind];
    // Only scalar measures have threshold subscriptions; other values are history only.
    const kind = row.details?.kind;
    if (type === undefined || (row.metricKind === 'measure' && kind !== 'scalar')) {
      await deps.state.appendMetric(row);
      return;
    }
    const events = await deps.state.appendMetricAndEvaluate(row, type, (candidates, metric) =>
      evaluateThresholds(candidates, metric, type),
    );
    if (events.length > 0) deps.notify();
  };
}

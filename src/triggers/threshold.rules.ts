/**
 * Threshold semantics (design §6.1), pure. With `prev` the last non-null value: fire iff
 * armed and `prev ≤ T < curr`. Firing disarms; a value `≤ rearmBelow` (default T) re-arms. A null
 * value changes nothing. Without a baseline (no value yet), the first value only sets it.
 */
import type { MetricRow, NewEvent, ThresholdCandidate, TriggerStateRow } from '../state/index.js';
import { newEventId, type EventType } from './event.catalog.js';

export interface ThresholdState {
  lastValue: number | null;
  armed: boolean;
}

export interface ThresholdStep {
  next: ThresholdState;
  fired: boolean;
  /** The value compared against (the state's last value before this one). */
  previous: number | null;
}

export function stepThreshold(
  state: ThresholdState,
  value: number | null,
  threshold: number,
  rearmBelow: number,
): ThresholdStep {
  if (value === null) return { next: state, fired: false, previous: state.lastValue };
  const prev = state.lastValue;
  const fired = state.armed && prev !== null && prev <= threshold && threshold < value;
  const armed = value <= rearmBelow ? true : fired ? false : state.armed;
  return { next: { lastValue: value, armed }, fired, previous: prev };
}

/** The event type a metric kind's subscriptions listen to. */
export const thresholdEventOf: Record<string, EventType | undefined> = {
  segment: 'segment.threshold.crossed',
  measure: 'measure.threshold.crossed',
};

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function integerOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) ? v : null;
}

/** The event's data for one (threshold, rearmBelow) group that fired on `metric`. */
function buildData(
  metric: MetricRow,
  threshold: number,
  rearmBelow: number,
  previous: number,
  current: number,
): Record<string, unknown> {
  const d = metric.details ?? {};
  const common = { jobId: metric.jobId, observedAt: metric.observedAt, owners: strings(d.owners) };
  if (metric.metricKind === 'segment') {
    return {
      segment: metric.metricName,
      threshold,
      rearmBelow,
      previousCount: previous,
      currentCount: current,
      added: integerOrNull(d.added),
      removed: integerOrNull(d.removed),
      addedSample: strings(d.addedSample).slice(0, 10),
      ...common,
    };
  }
  return {
    measure: metric.metricName,
    threshold,
    rearmBelow,
    previousValue: previous,
    currentValue: current,
    ...common,
  };
}

/**
 * Evaluates every candidate on the metric row: new states for all of them, and one event per
 * (threshold, rearmBelow) among those that fired, addressed to exactly those subscriptions (duplicates
 * with the same url then share one delivery). Runs inside the state transaction.
 */
export function evaluateThresholds(
  candidates: ThresholdCandidate[],
  metric: MetricRow,
  type: EventType,
): { states: TriggerStateRow[]; events: NewEvent[] } {
  const states: TriggerStateRow[] = [];
  const groups = new Map<string, { ids: string[]; data: Record<string, unknown> }>();
  for (const { subscription, state } of candidates) {
    const threshold = subscription.params.threshold;
    if (threshold === undefined) continue;
    const rearmBelow = subscription.params.rearmBelow ?? threshold;
    const step = stepThreshold(state, metric.value, threshold, rearmBelow);
    if (metric.value === null) continue;
    states.push({ subscriptionId: subscription.id, ...step.next, updatedAt: metric.observedAt });
    if (!step.fired) continue;
    const key = `${threshold}|${rearmBelow}`;
    const group = groups.get(key) ?? {
      ids: [],
      data: buildData(metric, threshold, rearmBelow, step.previous!, metric.value),
    };
    group.ids.push(subscription.id);
    groups.set(key, group);
  }
  const events = [...groups.values()].map((g) => ({
    id: newEventId(metric.observedAt),
    instance: metric.instance,
    type,
    occurredAt: metric.observedAt,
    data: g.data,
    subscriptionIds: g.ids,
  }));
  return { states, events };
}

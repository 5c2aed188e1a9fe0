/**
 * The thresholds watching a segment's count or a measure's value, as lines for HistoryChart, and
 * the loader of a watched segment or measure with its history and thresholds.
 * Webhook subscriptions and built-in flows each have a loader in `thresholdLoaders`.
 */
import type { Flow, List, Subscription } from './api.types';
import { ApiError, api, instancePath, query } from './api.client';
import type { Threshold } from './components/history.chart';

export type WatchedKind = 'segment' | 'measure';

export type ThresholdLoader = (
  instance: string,
  kind: WatchedKind,
  name: string,
) => Promise<Threshold[]>;

/** The host of a callback url (urls are secrets; the host names the target well enough). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export const subscriptionThresholds: ThresholdLoader = async (instance, kind, name) => {
  let subs: List<Subscription>;
  try {
    subs = await api.get<List<Subscription>>(
      instancePath(instance, `/subscriptions?event=${kind}.threshold.crossed`),
    );
  } catch (e) {
    // A key without the subscribe scope sees the chart without these lines.
    if (e instanceof ApiError && e.status === 403) return [];
    throw e;
  }
  // A flow's own subscription (`flow:<name>`) is drawn by flowThresholds, under the flow's name.
  return subs.value
    .filter((s) => !s.url.startsWith('flow:'))
    .filter((s) => s[kind] === name && s.threshold !== undefined && s.status === 'active')
    .map((s) => ({ label: `Webhook to ${hostOf(s.url)}`, value: s.threshold! }));
};

export const flowThresholds: ThresholdLoader = async (instance, kind, name) => {
  const flows = await api.get<List<Flow>>(instancePath(instance, '/flows'));
  return flows.value
    .filter((f) => f.enabled && f.trigger.event === `${kind}.threshold.crossed`)
    .filter((f) => f.trigger[kind] === name && f.trigger.threshold !== undefined)
    .map((f) => ({ label: `Flow ${f.name}`, value: f.trigger.threshold! }));
};

export const thresholdLoaders: readonly ThresholdLoader[] = [
  subscriptionThresholds,
  flowThresholds,
];

export async function loadThresholds(
  instance: string,
  kind: WatchedKind,
  name: string,
): Promise<Threshold[]> {
  const lists = await Promise.all(thresholdLoaders.map((load) => load(instance, kind, name)));
  return lists.flat();
}

/** A segment's or measure's definition, its last 100 evaluations and the thresholds watching it. */
export async function loadWatched<D, H>(
  instance: string,
  kind: WatchedKind,
  name: string,
): Promise<{ definition: D; history: H[]; thresholds: Threshold[] }> {
  const base = `/manage/${kind}s/${encodeURIComponent(name)}`;
  const [definition, history, thresholds] = await Promise.all([
    api.get<D>(instancePath(instance, base)),
    api.get<List<H>>(instancePath(instance, `${base}/history${query({ $top: 100 })}`)),
    loadThresholds(instance, kind, name),
  ]);
  return { definition, history: history.value, thresholds };
}

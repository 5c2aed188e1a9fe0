/**
 * The thresholds watching a segment's count or a measure's value, as lines for HistoryChart.
 * Subscriptions give theirs here; another watcher (flows) adds its loader to `thresholdLoaders`.
 */
import { ApiError, api, instancePath } from './api.client';
import type { List, Subscription } from './api.types';
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
  return subs.value
    .filter((s) => s[kind] === name && s.threshold !== undefined && s.status === 'active')
    .map((s) => ({ label: `Webhook to ${hostOf(s.url)}`, value: s.threshold! }));
};

export const thresholdLoaders: readonly ThresholdLoader[] = [subscriptionThresholds];

export async function loadThresholds(
  instance: string,
  kind: WatchedKind,
  name: string,
): Promise<Threshold[]> {
  const lists = await Promise.all(thresholdLoaders.map((load) => load(instance, kind, name)));
  return lists.flat();
}

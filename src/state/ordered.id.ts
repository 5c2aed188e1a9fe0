/**
 * Ids that sort by creation time, like UUIDv7: a prefix and 32 hex digits — 12 of milliseconds since
 * the epoch, 12 random, 8 of a counter. Outbox rows are written and claimed in time order, so
 * time-ordered keys put a batch's index entries on a few adjacent b-tree pages; with random keys
 * each row dirtied its own page, and writing those pages was most of the cost of recording a
 * delivery attempt. The time comes from the caller (the event's occurrence): no clock read here.
 */
import { randomBytes } from 'node:crypto';

/**
 * A series of ids sharing one time and one random stem, increasing with each call (the rows of one
 * event stay adjacent). Distinct series in the same millisecond differ by their 48 random bits.
 */
export function orderedIdSeries(prefix: string, at: Date | string): () => string {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  const time = Number.isFinite(ms) && ms >= 0 ? Math.floor(ms) : 0;
  const stem = `${prefix}${time.toString(16).padStart(12, '0').slice(-12)}${randomBytes(6).toString('hex')}`;
  let n = 0;
  return () => `${stem}${(n++).toString(16).padStart(8, '0')}`;
}

export function newOrderedId(prefix: string, at: Date | string): string {
  return orderedIdSeries(prefix, at)();
}

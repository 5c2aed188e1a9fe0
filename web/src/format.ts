/** Formatting of durations, times and counts, in the user's locale. */

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

export function durationBetween(
  from: string | null,
  to: string | null,
  now = Date.now(),
): number | null {
  if (!from) return null;
  return (to ? Date.parse(to) : now) - Date.parse(from);
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "3 minutes ago", "in 2 hours". */
export function formatRelative(iso: string | null, now = Date.now()): string {
  if (!iso) return '—';
  const diff = (Date.parse(iso) - now) / 1000;
  const abs = Math.abs(diff);
  if (abs < 45) return diff < 0 ? 'just now' : 'in a few seconds';
  if (abs < 3600) return relative.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(diff / 3600), 'hour');
  return relative.format(Math.round(diff / 86400), 'day');
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Date and time, in a given IANA zone or the browser's. */
export function formatDateTime(iso: string | null, timeZone?: string): string {
  if (!iso) return '—';
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(undefined, {
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
        ...(timeZone && { timeZone, timeZoneName: 'short' }),
      });
    } catch {
      // An unknown zone (a half-typed name): the browser's zone rather than a broken page.
      return formatDateTime(iso);
    }
    formatters.set(key, f);
  }
  return f.format(new Date(iso));
}

export function formatClock(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString();
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/**
 * A time-ordered event or delivery id (`evt_`/`dlv_`, 12 hex digits of time, 12 random, 8 of a
 * counter) told apart at a glance: the start of its random part, and the counter when not 0.
 */
export function shortOrderedId(id: string): string {
  const hex = id.replace(/^[a-z]+_/, '');
  const n = parseInt(hex.slice(24), 16);
  return `${hex.slice(12, 18)}${Number.isFinite(n) && n > 0 ? `·${n}` : ''}`;
}

/** A task's name as the CLI prints it: `ingest(crm)`, `merge`. */
export function taskLabel(task: { kind: string; target: string | null }): string {
  return task.target ? `${task.kind}(${task.target})` : task.kind;
}

/** A cell of an entity row: '—' for no value, lists joined, objects as JSON. */
export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v)) return v.length ? v.map((x) => formatCell(x)).join(', ') : '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** A tiny trend line for a list row; its aria-label says the first and last values in words. */
const width = 96;
const height = 28;

export function Sparkline({ values, what }: { values: (number | null)[]; what: string }) {
  const vs = values.filter((v): v is number => v !== null);
  if (vs.length < 2) {
    return (
      <span class="sparkline-empty muted small">
        {vs.length === 0 ? 'no history' : 'one evaluation'}
      </span>
    );
  }
  const lo = Math.min(...vs);
  const hi = Math.max(...vs);
  const span = hi - lo;
  // A flat history is a line through the middle.
  const y = (v: number): number =>
    span === 0 ? height / 2 : height - 3 - ((v - lo) / span) * (height - 6);
  const points = vs.map((v, i) => `${(i / (vs.length - 1)) * (width - 4) + 2},${y(v)}`).join(' ');
  const first = vs[0]!;
  const last = vs.at(-1)!;
  const trend = last > first ? 'up' : last < first ? 'down' : 'flat';
  return (
    <svg
      class={`sparkline sparkline-${trend}`}
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={`${what}: ${vs.length} evaluations, from ${first.toLocaleString()} to ${last.toLocaleString()} (${trend})`}
    >
      <polyline points={points} />
    </svg>
  );
}

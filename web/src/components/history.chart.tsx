/**
 * A value over time (a segment's member count, a measure's value) as a line, with horizontal lines
 * for thresholds. Thresholds are a plain list of {label, value}, so any feature that watches a value
 * (subscriptions, flows) can add its own. The same points are listed in a table below the chart.
 */
import { formatCount, formatDateTime } from '../format';
import { useWidth } from './chart.size';

export interface HistoryPoint {
  time: string;
  value: number | null;
}

export interface Threshold {
  label: string;
  value: number;
}

const height = 220;
const top = 16;
const bottom = 28;
const left = 56;
const right = 16;

/** Round axis bounds that include zero, every value and every threshold. */
export function valueDomain(values: number[]): [number, number] {
  const lo = Math.min(0, ...values);
  const hi = Math.max(...values, lo + 1);
  const span = hi - lo;
  const step = 10 ** Math.floor(Math.log10(span));
  const nice = [1, 2, 2.5, 5, 10].map((m) => m * step).find((s) => span / s <= 5) ?? step * 10;
  return [Math.floor(lo / nice) * nice, Math.ceil((hi * 1.05) / nice) * nice];
}

const shortTime = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

/** Axis labels: the full date when there is room, day and time on a narrow chart. */
function formatAxisTime(iso: string, narrow: boolean): string {
  return narrow ? shortTime.format(new Date(iso)) : formatDateTime(iso);
}

function formatValue(v: number): string {
  return Number.isInteger(v)
    ? formatCount(v)
    : v.toLocaleString(undefined, { maximumFractionDigits: 2 });
}

export function HistoryChart({
  points,
  thresholds,
  what,
}: {
  points: HistoryPoint[];
  thresholds: Threshold[];
  /** What the value is, for the labels: "members", "value". */
  what: string;
}) {
  const [ref, width] = useWidth<HTMLElement>(720);
  const shown = points.flatMap((p) =>
    p.value === null ? [] : [{ t: Date.parse(p.time), v: p.value, time: p.time }],
  );
  const [y0, y1] = valueDomain([...shown.map((p) => p.v), ...thresholds.map((t) => t.value)]);
  const t0 = Math.min(...shown.map((p) => p.t));
  const t1 = Math.max(...shown.map((p) => p.t));
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const x = (t: number): number =>
    t1 > t0 ? left + ((t - t0) / (t1 - t0)) * plotW : left + plotW / 2;
  const y = (v: number): number => top + (1 - (v - y0) / (y1 - y0)) * plotH;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => y0 + f * (y1 - y0));
  const latest = shown.at(-1);
  const label =
    shown.length === 0
      ? `No ${what} recorded yet`
      : `${what} over ${shown.length} evaluations, from ${formatValue(shown[0]!.v)} to ${formatValue(latest!.v)}` +
        (thresholds.length
          ? `; thresholds: ${thresholds.map((t) => `${t.label} at ${formatValue(t.value)}`).join(', ')}`
          : '');
  const path = shown.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t)},${y(p.v)}`).join(' ');

  return (
    <figure class="chart history-chart" ref={ref} data-testid="history-chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-label={label}
      >
        {ticks.map((v) => (
          <g key={v}>
            <line class="chart-grid" x1={left} x2={width - right} y1={y(v)} y2={y(v)} />
            <text class="chart-label" x={left - 6} y={y(v) + 4} text-anchor="end">
              {formatValue(v)}
            </text>
          </g>
        ))}
        <line
          class="chart-axis"
          x1={left}
          x2={width - right}
          y1={height - bottom}
          y2={height - bottom}
        />
        {thresholds.map((t, i) => (
          <g key={`${t.label}-${i}`} class="chart-threshold" data-threshold={t.value}>
            <line x1={left} x2={width - right} y1={y(t.value)} y2={y(t.value)} />
            <text x={width - right - 4} y={y(t.value) - 5} text-anchor="end">
              {`${t.label} · ${formatValue(t.value)}`}
            </text>
          </g>
        ))}
        {shown.length > 1 && <path class="chart-line" d={path} />}
        {shown.map((p) => (
          <circle key={p.time} class="chart-dot" cx={x(p.t)} cy={y(p.v)} r="3.5">
            <title>{`${formatDateTime(p.time)}: ${formatValue(p.v)}`}</title>
          </circle>
        ))}
        {shown.length > 0 && (
          <>
            <text class="chart-label" x={left} y={height - 8}>
              {formatAxisTime(shown[0]!.time, width < 560)}
            </text>
            {shown.length > 1 && (
              <text class="chart-label" x={width - right} y={height - 8} text-anchor="end">
                {formatAxisTime(latest!.time, width < 560)}
              </text>
            )}
          </>
        )}
      </svg>
      <details class="chart-table">
        <summary>Show the values as a table</summary>
        <div class="table-wrap">
          <table class="table table-dense">
            <thead>
              <tr>
                <th scope="col">Evaluated</th>
                <th scope="col" class="num">
                  {what}
                </th>
              </tr>
            </thead>
            <tbody>
              {[...points].reverse().map((p) => (
                <tr key={p.time}>
                  <td>{formatDateTime(p.time)}</td>
                  <td class="num">{p.value === null ? '—' : formatValue(p.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

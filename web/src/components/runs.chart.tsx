import { useWidth } from './chart.size';

/** The next runs on a seven-day strip, one tick per run, days labelled in the schedule's zone. */
const height = 56;
const pad = 8;
const dayMs = 86_400_000;

export function RunsChart({
  runs,
  timeZone,
  now,
}: {
  runs: string[];
  timeZone: string;
  now: number;
}) {
  const [ref, width] = useWidth<HTMLElement>(480);
  const span = 7 * dayMs;
  const x = (t: number): number => pad + ((t - now) / span) * (width - 2 * pad);
  const dayLabel = new Intl.DateTimeFormat(undefined, { weekday: 'short', timeZone });
  // timeZone comes from the server's answer, so it is a valid IANA name.
  const days = Array.from({ length: 7 }, (_, i) => now + i * dayMs);
  const visible = runs.map((r) => Date.parse(r)).filter((t) => t - now <= span);
  return (
    <figure class="chart" ref={ref}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-label={`${visible.length} runs in the next seven days`}
      >
        <rect class="runs-track" x={pad} y="14" width={width - 2 * pad} height="14" rx="7" />
        {days.map((d) => (
          <g key={d}>
            <line class="chart-grid" x1={x(d)} x2={x(d)} y1="10" y2="32" />
            <text class="chart-label" x={x(d) + 4} y={height - 8}>
              {dayLabel.format(new Date(d))}
            </text>
          </g>
        ))}
        {visible.map((t) => (
          <circle key={t} class="runs-dot" cx={x(t)} cy="21" r="5" />
        ))}
      </svg>
    </figure>
  );
}

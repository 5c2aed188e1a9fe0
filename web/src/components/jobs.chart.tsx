/**
 * Recent jobs as columns, oldest on the left: height is the duration, colour the status.
 * Each column links to the job's timeline.
 */
import type { Job } from '../api.types';
import { href } from '../app.router';
import { durationBetween, formatDateTime, formatDuration } from '../format';
import { useWidth } from './chart.size';
import { statusLabels } from './status.badge';

const height = 120;
const top = 18;
const bottom = 22;
const left = 4;

export function JobsChart({ jobs, instance, now }: { jobs: Job[]; instance: string; now: number }) {
  const [ref, width] = useWidth<HTMLElement>(640);
  const ordered = [...jobs].reverse();
  const durations = ordered.map((j) => durationBetween(j.startedAt, j.endedAt, now) ?? 0);
  const max = Math.max(1, ...durations);
  const slot = (width - left) / Math.max(ordered.length, 24);
  const barW = Math.max(4, Math.min(28, slot * 0.7));
  const plotH = height - top - bottom;
  return (
    <figure class="chart" ref={ref}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-label={`Durations of the last ${ordered.length} jobs; the longest took ${formatDuration(max)}`}
      >
        <line class="chart-axis" x1={left} x2={width} y1={height - bottom} y2={height - bottom} />
        <line class="chart-grid" x1={left} x2={width} y1={top} y2={top} />
        <text class="chart-label" x={width} y={top - 5} text-anchor="end">
          {formatDuration(max)}
        </text>
        {ordered.map((job, i) => {
          const d = durations[i]!;
          const h = Math.max(3, (d / max) * plotH);
          const x = left + i * slot + (slot - barW) / 2;
          return (
            <a key={job.jobId} href={href(instance, 'jobs', job.jobId)} class="chart-link">
              <title>{`${formatDateTime(job.createdAt)} — ${statusLabels[job.status]}, ${formatDuration(d)}`}</title>
              <rect
                class={`chart-bar fill-${job.status}`}
                x={x}
                y={height - bottom - h}
                width={barW}
                height={h}
                rx="2"
              />
            </a>
          );
        })}
        <text class="chart-label" x={left} y={height - 6}>
          older
        </text>
        <text class="chart-label" x={width} y={height - 6} text-anchor="end">
          newest
        </text>
      </svg>
    </figure>
  );
}

/**
 * A job's tasks on a time axis: one row per task, a bar from start to end coloured by status,
 * the duration and attempts beside it, and faint links from each dependency's end to the task's
 * start. A running task's bar grows to `now`. Rows are focusable; Enter or a click selects one.
 */
import type { Task } from '../api.types';
import { formatDuration, taskLabel } from '../format';
import { useWidth } from './chart.size';
import { statusLabels } from './status.badge';

const rowHeight = 30;
const barHeight = 16;
const axisHeight = 26;

const tickSteps = [
  10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
  600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000,
];

/** The smallest round step giving at most `maxTicks` intervals. */
function pickStep(span: number, maxTicks: number): number {
  return tickSteps.find((s) => span / s <= maxTicks) ?? span / maxTicks;
}

function formatTick(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${ms / 1000} s`;
  if (ms < 3_600_000) return `${ms / 60_000} min`;
  return `${ms / 3_600_000} h`;
}

interface Placed {
  task: Task;
  row: number;
  start: number | null;
  end: number | null;
}

/** Orders rows by start time; tasks that never started keep their DAG order at the bottom. */
function placeTasks(tasks: Task[], now: number): Placed[] {
  const sorted = tasks
    .map((task, index) => ({ task, index }))
    .sort((a, b) => {
      const sa = a.task.startedAt ? Date.parse(a.task.startedAt) : Infinity;
      const sb = b.task.startedAt ? Date.parse(b.task.startedAt) : Infinity;
      return sa - sb || a.index - b.index;
    });
  return sorted.map(({ task }, row) => {
    const start = task.startedAt ? Date.parse(task.startedAt) : null;
    const end = task.endedAt ? Date.parse(task.endedAt) : start !== null ? now : null;
    return { task, row, start, end };
  });
}

export interface GanttProps {
  tasks: Task[];
  jobStart: string | null;
  now: number;
  selected: string | null;
  onSelect: (taskId: string) => void;
}

export function GanttChart({ tasks, jobStart, now, selected, onSelect }: GanttProps) {
  const [ref, measured] = useWidth<HTMLDivElement>(880);
  const width = Math.max(360, measured);
  const narrow = width < 560;
  const labelWidth = narrow ? 112 : 170;
  const rightPad = narrow ? 70 : 96;
  const maxLabel = Math.floor(labelWidth / 7.4);
  const plotWidth = width - labelWidth - rightPad;
  const placed = placeTasks(tasks, now);
  const starts = placed.flatMap((p) => (p.start === null ? [] : [p.start]));
  const t0 = Math.min(jobStart ? Date.parse(jobStart) : Infinity, ...starts);
  const t1 = Math.max(...placed.flatMap((p) => (p.end === null ? [] : [p.end])), t0 + 1);
  const origin = Number.isFinite(t0) ? t0 : now;
  const span = Math.max(1, t1 - origin);
  const step = pickStep(span, Math.max(2, Math.min(6, Math.floor(plotWidth / 75))));
  const domain = Math.ceil(span / step) * step;
  const x = (t: number): number => labelWidth + ((t - origin) / domain) * plotWidth;
  const height = axisHeight + placed.length * rowHeight + 8;
  const byId = new Map(placed.map((p) => [p.task.id, p]));
  const ticks = Array.from({ length: Math.round(domain / step) + 1 }, (_, i) => i * step);
  const running = placed.some((p) => p.task.status === 'running');

  return (
    <div class="gantt-scroll" ref={ref}>
      <svg
        class="gantt"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="group"
        aria-label={`Timeline of ${tasks.length} tasks`}
      >
        <defs>
          <pattern
            id="gantt-stripes"
            width="8"
            height="8"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width="4" height="8" class="gantt-stripe" />
          </pattern>
        </defs>
        {ticks.map((t) => (
          <g key={t} class="gantt-tick">
            <line x1={x(origin + t)} x2={x(origin + t)} y1={axisHeight - 6} y2={height} />
            <text x={x(origin + t)} y={axisHeight - 10} text-anchor="middle">
              {formatTick(t)}
            </text>
          </g>
        ))}
        {placed.flatMap((p) =>
          p.task.dependsOn.flatMap((depId) => {
            const dep = byId.get(depId);
            if (!dep || dep.end === null || p.start === null) return [];
            const x1 = x(dep.end);
            const y1 = axisHeight + dep.row * rowHeight + rowHeight / 2;
            const x2 = x(p.start);
            const y2 = axisHeight + p.row * rowHeight + rowHeight / 2;
            const mid = (x1 + x2) / 2;
            return [
              <path
                key={`${depId}->${p.task.id}`}
                class="gantt-link"
                d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}
              />,
            ];
          }),
        )}
        {placed.map((p) => {
          const { task, row, start, end } = p;
          const y = axisHeight + row * rowHeight;
          const barY = y + (rowHeight - barHeight) / 2;
          const isSelected = selected === task.id;
          const duration = start !== null && end !== null ? end - start : null;
          const note = [
            start === null ? statusLabels[task.status] : formatDuration(duration),
            task.attempts > 1 ? `${task.attempts} attempts` : '',
          ]
            .filter(Boolean)
            .join(' · ');
          const barX = start === null ? labelWidth : x(start);
          const barW = start === null || end === null ? 0 : Math.max(3, x(end) - x(start));
          const select = (): void => onSelect(task.id);
          return (
            <g
              key={task.id}
              class={`gantt-row${isSelected ? ' is-selected' : ''}`}
              tabindex={0}
              role="button"
              aria-pressed={isSelected}
              aria-label={`${taskLabel(task)}: ${statusLabels[task.status]}, ${note}`}
              data-task={task.id}
              onClick={select}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  select();
                }
              }}
            >
              <title>
                {`${taskLabel(task)} — ${statusLabels[task.status]}\n${note}${task.error ? `\n${task.error.message}` : ''}`}
              </title>
              <rect class="gantt-row-bg" x="0" y={y} width={width} height={rowHeight} />
              <text class="gantt-label" x="10" y={y + rowHeight / 2 + 4}>
                {taskLabel(task).length > maxLabel
                  ? `${taskLabel(task).slice(0, maxLabel - 1)}…`
                  : taskLabel(task)}
              </text>
              {barW > 0 ? (
                <rect
                  class={`gantt-bar fill-${task.status}`}
                  x={barX}
                  y={barY}
                  width={barW}
                  height={barHeight}
                  rx="3"
                />
              ) : (
                <rect
                  class="gantt-placeholder"
                  x={barX}
                  y={barY}
                  width={plotWidth}
                  height={barHeight}
                  rx="3"
                />
              )}
              {task.status === 'running' && barW > 0 && (
                <rect
                  class="gantt-bar-stripes"
                  x={barX}
                  y={barY}
                  width={barW}
                  height={barHeight}
                  rx="3"
                  fill="url(#gantt-stripes)"
                />
              )}
              <text
                class={`gantt-note${task.error ? ' gantt-note-error' : ''}`}
                x={barW > 0 ? barX + barW + 6 : barX + 8}
                y={y + rowHeight / 2 + 4}
              >
                {task.error ? `⚠ ${note}` : note}
              </text>
            </g>
          );
        })}
        {running && (
          <line class="gantt-now" x1={x(now)} x2={x(now)} y1={axisHeight - 6} y2={height} />
        )}
      </svg>
    </div>
  );
}

/** Shared benchmark plumbing: medians, machine facts, one JSON line of figures. */
import { cpus } from 'node:os';
import type { StateStore } from '../src/state/index.js';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function machine(): { cores: number; cpu: string; node: string } {
  return { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function readFlag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

export function seconds(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e9;
}

/**
 * Creates job `job` in `instance` with `tasks` running merge tasks `t0…`, whose completions the
 * latency benches commit one by one (each commit emits an event).
 */
export async function createRunningJob(
  state: StateStore,
  tasks: number,
  at: string,
  instance = 'default',
): Promise<void> {
  await state.createJob(
    {
      id: 'job',
      instance,
      status: 'running',
      submissionKind: 'onDemand',
      jobType: 'full',
      identifiers: [],
      createdAt: at,
      startedAt: at,
      endedAt: null,
      cancelRequested: false,
    },
    Array.from({ length: tasks }, (_, i) => ({
      id: `t${i}`,
      jobId: 'job',
      kind: 'merge',
      target: null,
      dependsOn: [],
      status: 'running' as const,
      attempts: 1,
      rowsRead: null,
      rowsRejected: null,
      startedAt: at,
      endedAt: null,
      error: null,
      details: null,
    })),
  );
}

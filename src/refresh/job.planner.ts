/** Turns the task kinds and a job's scope into task rows with their dependency edges. */
import { randomUUID } from 'node:crypto';
import type { TaskRow } from '../state/index.js';
import type { PlanContext, PlannedTarget, TaskKind, TaskRef } from './task.kind.js';

const keyOf = (r: TaskRef): string => JSON.stringify([r.kind, r.target]);

function splitTarget(p: PlannedTarget): { target: string | null; after: TaskRef[] } {
  return p !== null && typeof p === 'object' ? p : { target: p, after: [] };
}

export interface JobScope {
  sources: string[];
  includeDownstream: boolean;
}

export async function planTasks(
  kinds: TaskKind[],
  jobId: string,
  instance: string,
  scope: JobScope,
): Promise<TaskRow[]> {
  const ctx: PlanContext = { instance, sources: scope.sources };
  const byKind = new Map<string, TaskRow[]>();
  const byRef = new Map<string, string>();
  const rows: TaskRow[] = [];
  for (const kind of kinds) {
    if (kind.downstream && !scope.includeDownstream) continue;
    const planned = (await kind.plan(ctx)).map(splitTarget);
    // A kind depends on every task of the kinds it runs after; a kind with nothing upstream in this
    // job (e.g. a scoped job that ingests nothing) simply has no edges.
    const dependsOn = kind.after.flatMap((k) => (byKind.get(k) ?? []).map((t) => t.id));
    const tasks = planned.map(({ target }): TaskRow => ({
      id: randomUUID(),
      jobId,
      kind: kind.kind,
      target,
      dependsOn: [...dependsOn],
      status: 'queued',
      attempts: 0,
      rowsRead: null,
      rowsRejected: null,
      startedAt: null,
      endedAt: null,
      error: null,
      details: null,
    }));
    for (const t of tasks) byRef.set(keyOf(t), t.id);
    // Per-target edges resolve once the kind's own tasks exist, so targets of one kind can depend
    // on each other.
    planned.forEach((p, i) => {
      const task = tasks[i]!;
      for (const ref of p.after) {
        const id = byRef.get(keyOf(ref));
        if (id !== undefined && id !== task.id && !task.dependsOn.includes(id))
          task.dependsOn.push(id);
      }
    });
    byKind.set(kind.kind, tasks);
    rows.push(...tasks);
  }
  return rows;
}

/** Orders kinds so each comes after those it depends on; throws on a cycle (a programming error). */
export function orderKinds(kinds: TaskKind[]): TaskKind[] {
  const byName = new Map(kinds.map((k) => [k.kind, k]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: TaskKind[] = [];
  const visit = (k: TaskKind): void => {
    if (done.has(k.kind)) return;
    if (visiting.has(k.kind)) throw new Error(`task kinds form a cycle at "${k.kind}"`);
    visiting.add(k.kind);
    for (const a of k.after) {
      const dep = byName.get(a);
      if (dep) visit(dep);
    }
    visiting.delete(k.kind);
    done.add(k.kind);
    out.push(k);
  };
  kinds.forEach(visit);
  return out;
}

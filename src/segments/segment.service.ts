/**
 * Segments of an instance: definitions in the state plane (kind 'segment'), evaluation into the
 * membership tables, member-count history through `recordMetric`, and the `segment` task kind of
 * the refresh DAG (dynamic segments only; static ones are evaluated by hand).
 */
import { activityTable, customerTable, readCatalog, tableMissing } from '../conditions/index.js';
import { ErrorCode, err, makeError, ok, type Result } from '../errors/index.js';
import { measureTable, type MeasureDefinition, type MeasureService } from '../measures/index.js';
import type { PlannedTarget, TaskKind } from '../refresh/index.js';
import { DefinitionShelf, type MetricRow, type StateStore } from '../state/index.js';
import type { InstanceWarehouse, Warehouse } from '../warehouse/index.js';
import {
  dropMembership,
  ensureMembershipTables,
  previewMembership,
  readMembers,
  storeMembership,
  type MembershipChange,
} from './membership.store.js';
import { compileSegment, type CompiledSegment } from './segment.compiler.js';
import type { SegmentDefinition } from './segment.schema.js';
import {
  checkSegment,
  findCycle,
  measureRefs,
  segmentRefs,
  validateSegment,
  visitLeaves,
  type SegmentContext,
} from './segment.validate.js';

export const segmentDefinitionKind = 'segment';

export interface SegmentDeps {
  state: StateStore;
  warehouse: Warehouse;
  measures: MeasureService;
  /** Appends one member-count history row (createApp decides what else happens with it). */
  recordMetric: (row: MetricRow) => Promise<void>;
  /** Delta rows kept per segment: of its last `evaluations` evaluations and `days` days (0: no limit). */
  deltaRetention: { evaluations: number; days: number };
}

export interface SegmentEvaluation extends MembershipChange {
  jobId: string | null;
  evaluatedAt: string;
}

function graphOf(defs: SegmentDefinition[]): Map<string, string[]> {
  return new Map(defs.map((d) => [d.name, segmentRefs(d).map((r) => r.node)]));
}

export class SegmentService {
  readonly taskKind: TaskKind;
  private readonly definitions: DefinitionShelf<SegmentDefinition>;

  constructor(private readonly deps: SegmentDeps) {
    this.taskKind = this.createTaskKind();
    this.definitions = new DefinitionShelf(deps.state, segmentDefinitionKind);
  }

  list(instance: string): Promise<SegmentDefinition[]> {
    return this.definitions.list(instance);
  }

  get(instance: string, name: string): Promise<SegmentDefinition | undefined> {
    return this.definitions.get(instance, name);
  }

  /** Segments whose rules read `name` (a segment or, with kind 'measure', a measure). */
  async usersOf(instance: string, kind: 'segment' | 'measure', name: string): Promise<string[]> {
    return (await this.list(instance))
      .filter((d) =>
        kind === 'segment'
          ? segmentRefs(d).some((r) => r.node === name)
          : measureRefs(d).includes(name),
      )
      .map((d) => d.name);
  }

  private async context(
    instance: string,
    wh: InstanceWarehouse,
    def: SegmentDefinition,
    activityTypes: boolean,
  ): Promise<SegmentContext> {
    const others = (await this.list(instance)).filter((d) => d.name !== def.name);
    const measures = new Map(
      (await this.deps.measures.list(instance)).map((m): [string, MeasureDefinition] => [
        m.name,
        m,
      ]),
    );
    return {
      catalog: await readCatalog(wh),
      measures,
      graph: graphOf([...others, def]),
      activityTypes,
    };
  }

  /** Validates `body` against the warehouse (when its tables exist) and the other definitions. */
  async check(
    instance: string,
    body: unknown,
    base: string,
  ): Promise<Result<{ def: SegmentDefinition; ctx: SegmentContext }>> {
    const def = validateSegment(body, base);
    if (!def.ok) return def;
    const wh = await this.deps.warehouse.open(instance);
    const ctx = await this.context(instance, wh, def.value, true);
    const checked = checkSegment(def.value, ctx, base);
    return checked.ok ? ok({ def: def.value, ctx }) : checked;
  }

  async save(
    instance: string,
    body: unknown,
    base: string,
    now: Date,
  ): Promise<Result<{ created: boolean; definition: SegmentDefinition }>> {
    const checked = await this.check(instance, body, base);
    if (!checked.ok) return checked;
    const def = checked.value.def;
    const { created } = await this.definitions.put(instance, def, now);
    return ok({ created, definition: def });
  }

  /** Removes a segment no other segment reads; its members go, its deltas and history stay. */
  async remove(instance: string, name: string): Promise<Result<boolean>> {
    const users = (await this.usersOf(instance, 'segment', name)).filter((u) => u !== name);
    if (users.length > 0) {
      return err(
        makeError(
          ErrorCode.conflict,
          'conflict',
          `segment "${name}" is read by: ${users.join(', ')}`,
        ),
      );
    }
    const existed = await this.definitions.remove(instance, name);
    await dropMembership(await this.deps.warehouse.open(instance), name);
    return ok(existed);
  }

  private compile(def: SegmentDefinition, ctx: SegmentContext, now: Date): Result<CompiledSegment> {
    const { catalog } = ctx;
    if (!catalog.customer) return tableMissing(customerTable);
    let needsActivity = false;
    visitLeaves(def.rule, '', (leaf) => {
      needsActivity ||= 'activity' in leaf;
    });
    if (needsActivity && !catalog.activity) return tableMissing(activityTable);
    return ok(compileSegment(def, catalog, ctx.measures, now));
  }

  async preview(
    instance: string,
    body: unknown,
    base: string,
    now: Date,
  ): Promise<Result<{ count: number; sample: string[] }>> {
    const checked = await this.check(instance, body, base);
    if (!checked.ok) return checked;
    const compiled = this.compile(checked.value.def, checked.value.ctx, now);
    if (!compiled.ok) return compiled;
    const wh = await this.deps.warehouse.open(instance);
    const measured = await this.measuresMissing(wh, checked.value.def);
    if (!measured.ok) return measured;
    await wh.write((w) => ensureMembershipTables(w));
    return ok(await previewMembership(wh, compiled.value));
  }

  private async measuresMissing(
    wh: InstanceWarehouse,
    def: SegmentDefinition,
  ): Promise<Result<void>> {
    for (const m of measureRefs(def)) {
      if (!(await wh.tableExists(measureTable(m)))) {
        return err(
          makeError(
            ErrorCode.tableMissing,
            'user',
            `measure "${m}" has no values yet: evaluate it (a refresh) before segment "${def.name}"`,
          ),
        );
      }
    }
    return ok(undefined);
  }

  /** Evaluates a stored segment, applies the membership change and appends to its history. */
  async evaluate(
    instance: string,
    name: string,
    opts: { jobId: string | null; now: Date; signal?: AbortSignal },
  ): Promise<Result<SegmentEvaluation>> {
    const row = await this.definitions.row(instance, name);
    if (!row) return err(makeError(ErrorCode.notFound, 'notFound', `no segment "${name}"`, 'name'));
    const def = validateSegment(row.body);
    if (!def.ok) return def;
    const wh = await this.deps.warehouse.open(instance);
    const ctx = await this.context(instance, wh, def.value, false);
    const checked = checkSegment(def.value, ctx);
    if (!checked.ok) return checked;
    const compiled = this.compile(def.value, ctx, opts.now);
    if (!compiled.ok) return compiled;
    const measured = await this.measuresMissing(wh, def.value);
    if (!measured.ok) return measured;
    const pruneBefore = await this.pruneCutoff(instance, name, opts.now);
    const change = await storeMembership(
      wh,
      name,
      compiled.value,
      { ...opts, ...(pruneBefore && { pruneBefore }) },
      opts.signal,
    );
    await this.deps.recordMetric({
      instance,
      metricKind: 'segment',
      metricName: name,
      jobId: opts.jobId,
      observedAt: opts.now.toISOString(),
      value: change.count,
      details: {
        added: change.added,
        removed: change.removed,
        addedSample: change.addedSample,
        owners: def.value.owners ?? [],
      },
    });
    return ok({ ...change, jobId: opts.jobId, evaluatedAt: opts.now.toISOString() });
  }

  /**
   * The time before which this evaluation prunes the segment's delta rows: the later of `days`
   * before `now` and the time of the oldest evaluation to keep. The evaluation being made is the
   * last of the `evaluations` kept; the earlier ones are read from the metric history, which has a
   * row for every evaluation, including those that changed nothing.
   */
  private async pruneCutoff(instance: string, name: string, now: Date): Promise<Date | undefined> {
    const { evaluations, days } = this.deps.deltaRetention;
    const cutoffs: Date[] = [];
    if (days > 0) cutoffs.push(new Date(now.getTime() - days * 86_400_000));
    if (evaluations === 1) cutoffs.push(now);
    if (evaluations > 1) {
      const previous = await this.history(instance, name, evaluations - 1);
      if (previous.length === evaluations - 1) cutoffs.push(new Date(previous[0]!.observedAt));
    }
    return cutoffs.length === 0
      ? undefined
      : new Date(Math.max(...cutoffs.map((d) => d.getTime())));
  }

  history(instance: string, name: string, limit: number): Promise<MetricRow[]> {
    return this.deps.state.listMetrics(instance, 'segment', name, limit);
  }

  async members(instance: string, name: string, page: { top: number; skip: number }) {
    return readMembers(await this.deps.warehouse.open(instance), name, page);
  }

  /**
   * Dynamic segments, each after the dynamic segments it reads. Static segments are not planned
   * (a segment reading one uses its stored members); edges inside a cycle are left out so the
   * planner never deadlocks, and those segments then fail their own check naming the cycle.
   */
  private async plan(instance: string): Promise<PlannedTarget[]> {
    const defs = await this.list(instance);
    const graph = graphOf(defs);
    const dynamic = new Set(defs.filter((d) => d.refresh !== 'static').map((d) => d.name));
    return defs
      .filter((d) => dynamic.has(d.name))
      .map((d) => ({
        target: d.name,
        after: [
          ...(findCycle(graph, d.name)
            ? []
            : [...new Set(graph.get(d.name))]
                .filter((n) => dynamic.has(n))
                .map((n) => ({ kind: 'segment', target: n }))),
          // Only the measures a segment reads hold it back, so one failing measure does not skip
          // every segment. The measure kind is listed before this one in createApp, so its tasks
          // exist when these edges are resolved.
          ...[...new Set(measureRefs(d))].map((m) => ({ kind: 'measure', target: m })),
        ],
      }));
  }

  private createTaskKind(): TaskKind {
    return {
      kind: 'segment',
      after: ['merge'],
      downstream: true,
      plan: (ctx) => this.plan(ctx.instance),
      run: async (ctx) => {
        const name = ctx.target ?? '';
        const def = await this.get(ctx.instance, name);
        if (!def) {
          return {
            ok: false,
            error: makeError(ErrorCode.notFound, 'user', `segment "${name}" was removed`),
          };
        }
        if (def.active === false) {
          return { ok: true, warnings: false, skipped: true, details: { reason: 'inactive' } };
        }
        const r = await this.evaluate(ctx.instance, name, {
          jobId: ctx.jobId,
          now: ctx.now(),
          signal: ctx.signal,
        });
        if (!r.ok) return { ok: false, error: r.error };
        const { count, added, removed, pruned } = r.value;
        return {
          ok: true,
          warnings: false,
          rowsRead: count,
          details: { count, added, removed, prunedDeltaRows: pruned },
        };
      },
    };
  }
}

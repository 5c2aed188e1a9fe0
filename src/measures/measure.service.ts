/**
 * Measures of an instance: definitions in the state plane (kind 'measure'), evaluation into the
 * warehouse, value history through `recordMetric`, and the `measure` task kind of the refresh DAG.
 */
import { readCatalog } from '../conditions/index.js';
import { ErrorCode, err, makeError, ok, type Result } from '../errors/index.js';
import type { TaskKind } from '../refresh/index.js';
import { DefinitionShelf, type MetricRow, type StateStore } from '../state/index.js';
import { quoteIdent, type Warehouse } from '../warehouse/index.js';
import { checkMeasure, validateMeasure } from './measure.check.js';
import {
  prepareMeasure,
  previewMeasure,
  rebuildCustomerMeasureView,
  storeMeasure,
  type MeasureOutcome,
} from './measure.evaluator.js';
import { measureKind, measureTable, type MeasureDefinition } from './measure.schema.js';

export const measureDefinitionKind = 'measure';

export interface MeasureDeps {
  state: StateStore;
  warehouse: Warehouse;
  /** Appends one value-history row (createApp decides what else happens in that transaction). */
  recordMetric: (row: MetricRow) => Promise<void>;
}

export interface EvaluateOptions {
  jobId: string | null;
  now: Date;
  signal?: AbortSignal;
}

export class MeasureService {
  readonly taskKind: TaskKind;
  private readonly definitions: DefinitionShelf<MeasureDefinition>;

  constructor(private readonly deps: MeasureDeps) {
    this.taskKind = this.createTaskKind();
    this.definitions = new DefinitionShelf(deps.state, measureDefinitionKind);
  }

  list(instance: string): Promise<MeasureDefinition[]> {
    return this.definitions.list(instance);
  }

  get(instance: string, name: string): Promise<MeasureDefinition | undefined> {
    return this.definitions.get(instance, name);
  }

  /** Validates `body` (against the warehouse when its tables exist) without saving it. */
  async check(instance: string, body: unknown, base: string): Promise<Result<MeasureDefinition>> {
    const def = validateMeasure(body, base);
    if (!def.ok) return def;
    const catalog = await readCatalog(await this.deps.warehouse.open(instance));
    const checked = checkMeasure(def.value, catalog, base, { activityTypes: true });
    return checked.ok ? def : checked;
  }

  /** Creates or replaces a definition; `created` tells which. */
  async save(
    instance: string,
    body: unknown,
    base: string,
    now: Date,
  ): Promise<Result<{ created: boolean; definition: MeasureDefinition }>> {
    const def = await this.check(instance, body, base);
    if (!def.ok) return def;
    const { created } = await this.definitions.put(instance, def.value, now);
    return ok({ created, definition: def.value });
  }

  /** Removes the definition and its values table (history stays). */
  async remove(instance: string, name: string): Promise<boolean> {
    const existed = await this.definitions.remove(instance, name);
    const wh = await this.deps.warehouse.open(instance);
    const customer = (await this.list(instance)).filter((m) => m.perCustomer).map((m) => m.name);
    await wh.write(async (w) => {
      await w.run(`DROP TABLE IF EXISTS ${quoteIdent(measureTable(name))}`);
      await rebuildCustomerMeasureView((s, p) => w.all(s, p), customer);
    });
    return existed;
  }

  async preview(
    instance: string,
    body: unknown,
    base: string,
    now: Date,
  ): Promise<Result<MeasureOutcome>> {
    const def = validateMeasure(body, base);
    if (!def.ok) return def;
    const wh = await this.deps.warehouse.open(instance);
    const catalog = await readCatalog(wh);
    const checked = checkMeasure(def.value, catalog, base, { activityTypes: true });
    if (!checked.ok) return checked;
    const compiled = prepareMeasure(def.value, catalog, now);
    if (!compiled.ok) return compiled;
    return ok(await previewMeasure(wh, compiled.value, def.value));
  }

  /** Evaluates a stored measure, stores its values and appends to its history. */
  async evaluate(
    instance: string,
    name: string,
    opts: EvaluateOptions,
  ): Promise<Result<MeasureOutcome>> {
    const row = await this.definitions.row(instance, name);
    if (!row) return err(makeError(ErrorCode.notFound, 'notFound', `no measure "${name}"`, 'name'));
    const def = validateMeasure(row.body);
    if (!def.ok) return def;
    const wh = await this.deps.warehouse.open(instance);
    const compiled = prepareMeasure(def.value, await readCatalog(wh), opts.now);
    if (!compiled.ok) return compiled;
    const customer = (await this.list(instance)).filter((m) => m.perCustomer).map((m) => m.name);
    const outcome = await storeMeasure(wh, def.value, compiled.value, customer, opts.signal);
    await this.deps.recordMetric({
      instance,
      metricKind: 'measure',
      metricName: name,
      jobId: opts.jobId,
      observedAt: opts.now.toISOString(),
      value: outcome.value,
      details: {
        kind: outcome.kind,
        ...(outcome.values && { values: outcome.values, truncated: outcome.truncated }),
        ...(outcome.groups !== undefined && { groups: outcome.groups }),
        owners: def.value.owners ?? [],
      },
    });
    return ok(outcome);
  }

  history(instance: string, name: string, limit: number): Promise<MetricRow[]> {
    return this.deps.state.listMetrics(instance, 'measure', name, limit);
  }

  private createTaskKind(): TaskKind {
    return {
      kind: 'measure',
      after: ['merge'],
      downstream: true,
      plan: async (ctx) => (await this.list(ctx.instance)).map((m) => m.name),
      run: async (ctx) => {
        const name = ctx.target ?? '';
        const def = await this.get(ctx.instance, name);
        if (!def) {
          return {
            ok: false,
            error: makeError(ErrorCode.notFound, 'user', `measure "${name}" was removed`),
          };
        }
        if (def.active === false)
          return { ok: true, warnings: false, skipped: true, details: { reason: 'inactive' } };
        const r = await this.evaluate(ctx.instance, name, {
          jobId: ctx.jobId,
          now: ctx.now(),
          signal: ctx.signal,
        });
        if (!r.ok) return { ok: false, error: r.error };
        return {
          ok: true,
          warnings: false,
          details: {
            kind: measureKind(def),
            value: r.value.value,
            ...(r.value.groups !== undefined && { groups: r.value.groups }),
          },
        };
      },
    };
  }
}

/**
 * Flows of an instance: definitions in the state plane (kind 'flow') and, for each, one
 * subscription with the internal url `flow:<name>` (so a flow rides the delivery machinery);
 * create from a body or a ready-made template, enable/disable, delete, send test, runs.
 */
import {
  findFlowSubscription,
  matchKeyOf,
  flowUrlOf,
  subscribeFlow,
  type CheckedTrigger,
} from '../delivery/index.js';
import { ErrorCode, err, makeError, ok, type Result } from '../errors/index.js';
import { DefinitionShelf, type FlowRunRow, type SubscriptionRow } from '../state/index.js';
import { sampleEvent } from '../triggers/index.js';
import { checkFlow, type CheckDeps } from './flow.check.js';
import type { FlowEnvelope } from './flow.context.js';
import { flowDefinitionKind, type FlowRunner } from './flow.runner.js';
import type { FlowDefinition } from './flow.schema.js';
import { instantiateTemplate } from './flow.templates.js';

export interface FlowServiceDeps extends CheckDeps {
  runner: FlowRunner;
}

/** A flow as the API shows it: its definition, its live state and its last run. */
export interface FlowView extends FlowDefinition {
  status: 'active' | 'disabled';
  disabledReason: string | null;
  /** Start of the current run of failed deliveries; null when the last one succeeded. */
  failingSince: string | null;
  subscriptionId: string | null;
  lastRun: {
    id: string;
    status: string;
    startedAt: string;
    test: boolean;
    error: string | null;
  } | null;
  createdAt: string;
  updatedAt: string;
}

const notFound = (name: string) =>
  err(makeError(ErrorCode.notFound, 'notFound', `no flow "${name}"`, 'name'));

function triggerOf(def: FlowDefinition): CheckedTrigger {
  const { event, ...params } = def.trigger;
  return { event, params };
}

function firstError(run: FlowRunRow): string | null {
  const failed = (run.actions as { status: string; error: string | null; index: number }[]).find(
    (a) => a.status === 'failed',
  );
  return failed ? `actions/${failed.index}: ${failed.error ?? 'failed'}` : null;
}

export class FlowService {
  private readonly definitions: DefinitionShelf<FlowDefinition>;

  constructor(private readonly deps: FlowServiceDeps) {
    this.definitions = new DefinitionShelf(deps.state, flowDefinitionKind);
  }

  private async view(
    instance: string,
    def: FlowDefinition,
    row: { createdAt: string; updatedAt: string },
  ): Promise<FlowView> {
    const sub = await findFlowSubscription(this.deps.state, instance, def.name);
    const [last] = await this.deps.state.listFlowRuns(instance, {
      flow: def.name,
      limit: 1,
      offset: 0,
    });
    return {
      ...def,
      enabled: sub?.status === 'active',
      status: sub?.status === 'active' ? 'active' : 'disabled',
      disabledReason: sub?.disabledReason ?? null,
      failingSince: sub?.failingSince ?? null,
      subscriptionId: sub?.id ?? null,
      lastRun: last
        ? {
            id: last.id,
            status: last.status,
            startedAt: last.startedAt,
            test: last.test,
            error: firstError(last),
          }
        : null,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  async list(instance: string): Promise<FlowView[]> {
    const rows = await this.definitions.rows(instance);
    return Promise.all(rows.map((r) => this.view(instance, r.body as FlowDefinition, r)));
  }

  async get(instance: string, name: string): Promise<FlowView | undefined> {
    const row = await this.definitions.row(instance, name);
    return row && this.view(instance, row.body as FlowDefinition, row);
  }

  /** Creates or replaces a flow; a changed trigger gets a new subscription (and baseline). */
  async save(
    instance: string,
    body: unknown,
    base: string,
    now: Date,
  ): Promise<Result<{ created: boolean; flow: FlowView }>> {
    const checked = await checkFlow(this.deps, instance, body, base);
    if (!checked.ok) return checked;
    const def = checked.value;
    const { created } = await this.definitions.put(instance, def, now);
    await this.syncSubscription(instance, def, now);
    return ok({ created, flow: (await this.get(instance, def.name))! });
  }

  private async syncSubscription(instance: string, def: FlowDefinition, now: Date): Promise<void> {
    const { state } = this.deps;
    const trigger = triggerOf(def);
    const sub = await findFlowSubscription(state, instance, def.name);
    const at = now.toISOString();
    if (sub && sub.matchKey === matchKeyOf(trigger.event, trigger.params, flowUrlOf(def.name))) {
      await this.setStatus(sub, def.enabled, at);
      return;
    }
    if (sub) await state.updateSubscription(instance, sub.id, { status: 'deleted' }, at);
    await subscribeFlow(
      state,
      instance,
      def.name,
      trigger,
      def.enabled ? 'active' : 'disabled',
      now,
    );
  }

  private async setStatus(sub: SubscriptionRow, enabled: boolean, at: string): Promise<void> {
    if (enabled === (sub.status === 'active')) return;
    await this.deps.state.updateSubscription(
      sub.instance,
      sub.id,
      enabled
        ? { status: 'active', disabledReason: null, failingSince: null }
        : { status: 'disabled', disabledReason: 'user' },
      at,
    );
  }

  /** Builds a flow from a ready-made template and creates it (409 when the name is taken). */
  async createFromTemplate(
    instance: string,
    template: string,
    params: unknown,
    now: Date,
  ): Promise<Result<{ created: boolean; flow: FlowView }>> {
    const body = instantiateTemplate(template, params, 'body');
    if (!body.ok) return body;
    const name = String(body.value.name);
    if (await this.get(instance, name)) {
      return err(
        makeError(ErrorCode.conflict, 'conflict', `flow "${name}" already exists`, 'body/name'),
      );
    }
    return this.save(instance, body.value, 'body', now);
  }

  async setEnabled(
    instance: string,
    name: string,
    enabled: boolean,
    now: Date,
  ): Promise<Result<FlowView>> {
    const current = await this.definitions.get(instance, name);
    if (!current) return notFound(name);
    const def = { ...current, enabled };
    await this.definitions.put(instance, def, now);
    await this.syncSubscription(instance, def, now);
    return ok((await this.get(instance, name))!);
  }

  /** Deletes the flow and its subscription (pending deliveries end canceled); runs are kept. */
  async remove(instance: string, name: string, now: Date): Promise<Result<void>> {
    const { state } = this.deps;
    if (!(await this.definitions.remove(instance, name))) return notFound(name);
    const sub = await findFlowSubscription(state, instance, name);
    if (sub)
      await state.updateSubscription(instance, sub.id, { status: 'deleted' }, now.toISOString());
    return ok(undefined);
  }

  /**
   * Runs the flow once on its event type's sample, with the trigger's source, segment or measure
   * (and their owners) put in; outside the outbox, so nothing is retried. The run is recorded.
   */
  async test(
    instance: string,
    name: string,
    opts: { force?: boolean },
    now: Date,
    signal: AbortSignal,
  ): Promise<Result<FlowRunRow>> {
    const row = await this.deps.state.getDefinition(instance, flowDefinitionKind, name);
    if (!row) return notFound(name);
    const def = row.body as FlowDefinition;
    const envelope = await this.sampleFor(instance, def);
    return ok(
      await this.deps.runner.execute(
        def,
        envelope,
        { deliveryId: null, attempt: null, test: true, ...(opts.force && { force: true }) },
        now,
        signal,
      ),
    );
  }

  private async sampleFor(instance: string, def: FlowDefinition): Promise<FlowEnvelope> {
    const sample = sampleEvent(def.trigger.event) as unknown as FlowEnvelope;
    const data = { ...sample.data };
    const t = def.trigger;
    for (const k of ['source', 'segment', 'measure', 'threshold', 'rearmBelow'] as const) {
      if (t[k] !== undefined && k in data) data[k] = t[k];
    }
    if (t.rearmBelow === undefined && t.threshold !== undefined && 'rearmBelow' in data) {
      data.rearmBelow = t.threshold;
    }
    const owners = await this.ownersOf(instance, def);
    if (owners && 'owners' in data) data.owners = owners;
    return { ...sample, id: `evt_test_${Date.parse(sample.timestamp)}`, instance, data };
  }

  private async ownersOf(instance: string, def: FlowDefinition): Promise<string[] | undefined> {
    const t = def.trigger;
    if (t.source !== undefined)
      return (await this.deps.state.getSource(instance, t.source))?.owners;
    const kind =
      t.segment !== undefined ? 'segment' : t.measure !== undefined ? 'measure' : undefined;
    if (!kind) return undefined;
    const d = await this.deps.state.getDefinition(instance, kind, (t.segment ?? t.measure)!);
    return (d?.body as { owners?: string[] } | undefined)?.owners;
  }

  runs(
    instance: string,
    name: string,
    page: { limit: number; offset: number },
  ): Promise<FlowRunRow[]> {
    return this.deps.state.listFlowRuns(instance, { flow: name, ...page });
  }
}

/**
 * Runs flows: as the delivery worker's internal target (one run per delivery attempt) and for
 * "send test" (on the event type's sample). A run evaluates the condition, performs the actions in
 * order and records everything. Within one delivery an action that succeeded is not repeated on a
 * retry, and one that failed permanently is not retried in that series; a resend of a delivery
 * whose last run succeeded runs every action again (it is a replay).
 */
import { randomUUID } from 'node:crypto';
import type { InternalOutcome, InternalTarget } from '../delivery/index.js';
import { flowNameOf } from '../delivery/index.js';
import { describeUnknown } from '../errors/index.js';
import type { ClaimedDelivery, FlowRunRow, StateStore } from '../state/index.js';
import { envelopeOf } from '../triggers/index.js';
import type { ActionRun } from './action.run.js';
import { performAction, type ActionEnv } from './flow.actions.js';
import { evaluateCondition } from './flow.condition.js';
import { buildContext, type FlowEnvelope } from './flow.context.js';
import type { FlowDefinition } from './flow.schema.js';

export const flowDefinitionKind = 'flow';

export interface RunnerDeps {
  state: StateStore;
  publicUrl: string;
  /** The action environment without the per-run signal and time. */
  env: Omit<ActionEnv, 'signal' | 'now'>;
}

export interface RunOptions {
  deliveryId: string | null;
  attempt: number | null;
  test: boolean;
  /** Test only: perform the actions even when the condition does not hold. */
  force?: boolean;
  /**
   * Actions already done, and those failed permanently earlier in this series, by index (each
   * with its type: a flow edited between attempts so that another action sits there runs it).
   */
  done?: Map<number, string>;
  permanent?: Map<number, ActionRun>;
  /** Email recipients an earlier attempt already reached, by action index. */
  sentTo?: Map<number, string[]>;
}

/** What earlier runs of one delivery settled (runs newest first, as listed). */
export function settledActions(
  runs: FlowRunRow[],
  seriesStart: number,
): {
  done: Map<number, string>;
  permanent: Map<number, ActionRun>;
  sentTo: Map<number, string[]>;
} {
  const done = new Map<number, string>();
  const permanent = new Map<number, ActionRun>();
  const sentTo = new Map<number, string[]>();
  for (const run of [...runs].reverse()) {
    if (run.status !== 'failed') {
      done.clear();
      permanent.clear();
      sentTo.clear();
      continue;
    }
    for (const a of run.actions as ActionRun[]) {
      const accepted = (a.response as { accepted?: unknown } | null)?.accepted;
      if (a.type === 'email' && a.status === 'failed' && Array.isArray(accepted)) {
        sentTo.set(
          a.index,
          accepted.filter((x): x is string => typeof x === 'string'),
        );
      }
      if (a.status === 'succeeded' || a.status === 'done') done.set(a.index, a.type);
      else if (!a.transient && (run.attempt ?? 0) > seriesStart) permanent.set(a.index, a);
    }
  }
  return { done, permanent, sentTo };
}

function summarize(actions: ActionRun[]): string | null {
  const failed = actions.filter((a) => a.status === 'failed');
  if (failed.length === 0) return null;
  return failed.map((a) => `actions/${a.index} (${a.type}): ${a.error ?? 'failed'}`).join('; ');
}

export class FlowRunner implements InternalTarget {
  constructor(private readonly deps: RunnerDeps) {}

  /** The delivery worker's entry point; never throws (a state error is a transient outcome). */
  async run(c: ClaimedDelivery, now: Date, signal: AbortSignal): Promise<InternalOutcome> {
    const started = performance.now();
    const elapsed = (): number => Math.round((performance.now() - started) * 100) / 100;
    const { delivery } = c;
    try {
      const name = flowNameOf(delivery.url)!;
      const row = await this.deps.state.getDefinition(delivery.instance, flowDefinitionKind, name);
      if (!row) {
        return outcome('permanent', null, null, elapsed(), `flow "${name}" no longer exists`);
      }
      const previous = await this.deps.state.listFlowRuns(delivery.instance, {
        deliveryId: delivery.id,
        limit: 200,
        offset: 0,
      });
      const settled = settledActions(previous, delivery.attempts - delivery.seriesAttempts);
      const run = await this.execute(
        row.body as FlowDefinition,
        envelopeOf(c.event) as unknown as FlowEnvelope,
        { deliveryId: delivery.id, attempt: delivery.attempts + 1, test: false, ...settled },
        now,
        signal,
      );
      const actions = run.actions as ActionRun[];
      const lastCode = actions.reduce<number | null>((m, a) => a.statusCode ?? m, null);
      const retryAfter = actions.reduce<number | null>(
        (m, a) => (a.retryAfterMs !== null && a.retryAfterMs > (m ?? -1) ? a.retryAfterMs : m),
        null,
      );
      const verdict = run.retry ? 'transient' : run.status === 'failed' ? 'permanent' : 'delivered';
      return outcome(verdict, lastCode, retryAfter, elapsed(), summarize(actions));
    } catch (e) {
      return outcome('transient', null, null, elapsed(), `flow run failed: ${describeUnknown(e)}`);
    }
  }

  /** Runs `def` on an envelope and records the run; returns the recorded row. */
  async execute(
    def: FlowDefinition,
    envelope: FlowEnvelope,
    opts: RunOptions,
    now: Date,
    signal: AbortSignal,
  ): Promise<FlowRunRow> {
    const startedAt = now.toISOString();
    const t0 = performance.now();
    const ctx = buildContext(envelope, def.name, this.deps.publicUrl);
    const held = def.condition === undefined ? null : evaluateCondition(def.condition, ctx);
    const actions: ActionRun[] = [];
    if (held !== false || opts.force) {
      const env: ActionEnv = { ...this.deps.env, signal, now };
      for (const [index, action] of def.actions.entries()) {
        actions.push(await this.perform(index, action, ctx, env, opts));
      }
    }
    const failed = actions.some((a) => a.status === 'failed');
    const run: FlowRunRow = {
      id: `run_${randomUUID().replaceAll('-', '')}`,
      instance: envelope.instance,
      flow: def.name,
      deliveryId: opts.deliveryId,
      attempt: opts.attempt,
      test: opts.test,
      eventId: envelope.id,
      eventType: envelope.type,
      event: { ...envelope },
      conditionHeld: held,
      status: failed ? 'failed' : held === false && !opts.force ? 'skipped' : 'succeeded',
      retry: actions.some((a) => a.status === 'failed' && a.transient),
      actions,
      startedAt,
      endedAt: new Date(now.getTime() + Math.round(performance.now() - t0)).toISOString(),
    };
    await this.deps.state.appendFlowRun(run);
    return run;
  }

  private async perform(
    index: number,
    action: FlowDefinition['actions'][number],
    ctx: ReturnType<typeof buildContext>,
    env: ActionEnv,
    opts: RunOptions,
  ): Promise<ActionRun> {
    const base = { index, type: action.type };
    if (opts.done?.get(index) === action.type) {
      return {
        ...base,
        status: 'done',
        transient: false,
        request: null,
        response: null,
        statusCode: null,
        latencyMs: 0,
        error: null,
        retryAfterMs: null,
      };
    }
    const earlier = opts.permanent?.get(index);
    if (earlier?.type === action.type)
      return {
        ...earlier,
        latencyMs: 0,
        error: `not retried: ${earlier.error ?? 'failed permanently'}`,
      };
    try {
      return { ...base, ...(await performAction(action, ctx, env, opts.sentTo?.get(index))) };
    } catch (e) {
      return {
        ...base,
        status: 'failed',
        transient: false,
        request: null,
        response: null,
        statusCode: null,
        latencyMs: 0,
        error: describeUnknown(e),
        retryAfterMs: null,
      };
    }
  }
}

function outcome(
  verdict: InternalOutcome['verdict'],
  statusCode: number | null,
  retryAfterMs: number | null,
  latencyMs: number,
  error: string | null,
): InternalOutcome {
  return { verdict, statusCode, retryAfterMs, latencyMs, error };
}

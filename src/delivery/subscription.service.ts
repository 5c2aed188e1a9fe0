/**
 * Subscriptions (design §6.2): validation of the event type, its parameters and the callback url;
 * create, enable/disable, secret rotation, idempotent delete; resend and recover.
 * Each subscribe call is its own subscription; live ones with the same event, parameters and url
 * share a `matchKey`, so they never cause two deliveries of one event.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, err, makeError, ok, type AppError, type Result } from '../errors/index.js';
import { Type, validate, type Static } from '../schema/index.js';
import type { StateStore, SubscriptionParams, SubscriptionRow } from '../state/index.js';
import { EventTypes, eventParameters, type EventType } from '../triggers/index.js';
import { StringEnum } from '../schema/index.js';
import { flowNameOf, flowUrlOf, isInternalUrl } from './internal.target.js';
import { validateCallbackUrl, type TargetPolicy } from './url.safety.js';
import { newSecret, secretPattern } from './webhook.signing.js';

/** The event type and its parameters: a subscription's trigger, shared with built-in flows. */
const triggerFields = {
  event: StringEnum(EventTypes, { description: 'the event type' }),
  source: Type.Optional(
    Type.String({ minLength: 1, description: 'datasource.* events: one source' }),
  ),
  segment: Type.Optional(Type.String({ minLength: 1 })),
  measure: Type.Optional(Type.String({ minLength: 1 })),
  threshold: Type.Optional(Type.Number()),
  rearmBelow: Type.Optional(
    Type.Number({
      description: 're-arm when the value falls to or below this (default: threshold)',
    }),
  ),
};

export const TriggerBody = Type.Object(triggerFields, { additionalProperties: false });
export type TriggerBody = Static<typeof TriggerBody>;

export const SubscriptionBody = Type.Object(
  {
    ...triggerFields,
    url: Type.String({ minLength: 1, description: 'the callback url (https)' }),
    secret: Type.Optional(
      Type.String({
        pattern: secretPattern,
        description: 'whsec_ + base64; generated when absent',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SubscriptionBody = Static<typeof SubscriptionBody>;

export const SubscriptionPatchBody = Type.Object(
  {
    status: Type.Optional(StringEnum(['active', 'disabled'] as const)),
    rotateSecret: Type.Optional(
      Type.Boolean({
        description: 'new secret; the previous one still signs for the overlap period',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SubscriptionPatchBody = Static<typeof SubscriptionPatchBody>;

export interface SubscriptionDeps {
  state: StateStore;
  policy: TargetPolicy;
  /** How long the previous secret keeps signing after a rotation (24 h). */
  secretOverlapMs: number;
}

const paramNames = ['source', 'segment', 'measure', 'threshold', 'rearmBelow'] as const;

const invalid = (field: string, message: string): { ok: false; error: AppError } =>
  err(makeError(ErrorCode.validation, 'user', `${field}: ${message}`, field));

/** Checks that the subject exists and, for a measure, that it is a scalar (no dimension). */
async function checkSubject(
  state: StateStore,
  instance: string,
  event: EventType,
  p: SubscriptionParams,
  base: string,
): Promise<Result<void>> {
  if (p.source !== undefined && !(await state.getSource(instance, p.source))) {
    return invalid(`${base}/source`, `unknown data source "${p.source}"`);
  }
  for (const kind of ['segment', 'measure'] as const) {
    const name = p[kind];
    if (name === undefined) continue;
    const definition = await state.getDefinition(instance, kind, name);
    const latest = (await state.listMetrics(instance, kind, name, 1))[0];
    if (!definition && !latest) return invalid(`${base}/${kind}`, `unknown ${kind} "${name}"`);
    if (kind === 'measure' && event === 'measure.threshold.crossed') {
      const shape = measureShape(latest?.details?.kind, definition?.body);
      if (shape !== 'scalar') {
        return invalid(
          `${base}/measure`,
          `measure "${name}" is ${shape === 'unknown' ? 'not known to be a scalar' : shape}; only a business measure without dimensions has a threshold trigger`,
        );
      }
    }
  }
  return ok(undefined);
}

/**
 * A measure's shape: from its latest value (`details.kind`, written by the measure stage), else from
 * its definition (`kind`, or a non-empty `dimensions` / `groupBy`).
 */
function measureShape(latestKind: unknown, body: unknown): string {
  if (typeof latestKind === 'string') return latestKind;
  const b = (body ?? {}) as { kind?: unknown; dimensions?: unknown; groupBy?: unknown };
  if (typeof b.kind === 'string') return b.kind;
  const dims = [b.dimensions, b.groupBy].some((d) => Array.isArray(d) && d.length > 0);
  if (dims) return 'dimensional';
  return body === undefined ? 'unknown' : 'scalar';
}

function paramsOf(body: TriggerBody, base: string): Result<SubscriptionParams> {
  const spec = eventParameters[body.event];
  const params: SubscriptionParams = {};
  for (const name of paramNames) {
    if (body[name] === undefined) continue;
    if (!spec.allowed.includes(name)) {
      return invalid(`${base}/${name}`, `not a parameter of ${body.event}`);
    }
    Object.assign(params, { [name]: body[name] });
  }
  const missing = spec.required.find((r) => params[r as keyof SubscriptionParams] === undefined);
  if (missing) return invalid(`${base}/${missing}`, `required for ${body.event}`);
  if (params.rearmBelow !== undefined && params.rearmBelow > params.threshold!) {
    return invalid(`${base}/rearmBelow`, 'must be at most the threshold');
  }
  return ok(params);
}

export function matchKeyOf(event: string, params: SubscriptionParams, url: string): string {
  const sorted = Object.fromEntries(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify([event, sorted, url]);
}

export async function createSubscription(
  deps: SubscriptionDeps,
  instance: string,
  input: unknown,
  now: Date,
): Promise<Result<SubscriptionRow>> {
  const body = validate(SubscriptionBody, input, 'body');
  if (!body.ok) return body;
  const params = paramsOf(body.value, 'body');
  if (!params.ok) return params;
  const target = await validateCallbackUrl(body.value.url, deps.policy, 'body/url');
  if (!target.ok) return target;
  const subject = await checkSubject(deps.state, instance, body.value.event, params.value, 'body');
  if (!subject.ok) return subject;
  const row = newRow(instance, body.value.event, params.value, target.value, now);
  if (body.value.secret !== undefined) row.secret = body.value.secret;
  await insertSubscription(deps.state, row);
  return ok(row);
}

function newRow(
  instance: string,
  event: string,
  params: SubscriptionParams,
  target: { url: string; targetHost: string },
  now: Date,
): SubscriptionRow {
  const at = now.toISOString();
  return {
    id: `sub_${randomUUID().replaceAll('-', '')}`,
    instance,
    event,
    url: target.url,
    targetHost: target.targetHost,
    params,
    matchKey: matchKeyOf(event, params, target.url),
    secret: newSecret(),
    previousSecret: null,
    previousSecretUntil: null,
    status: 'active',
    disabledReason: null,
    failingSince: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** Inserts the row; a threshold trigger gets its baseline from the metric's latest value. */
async function insertSubscription(state: StateStore, row: SubscriptionRow): Promise<void> {
  const metricKind = row.params.segment !== undefined ? 'segment' : 'measure';
  const name = row.params.segment ?? row.params.measure;
  await state.createSubscription(
    row,
    name === undefined ? undefined : { metricKind, metricName: name },
  );
}

export interface CheckedTrigger {
  event: EventType;
  params: SubscriptionParams;
}

/** Validates a flow's trigger like a subscription body (paths under `base`). */
export async function checkTrigger(
  state: StateStore,
  instance: string,
  input: unknown,
  base: string,
): Promise<Result<CheckedTrigger>> {
  const body = validate(TriggerBody, input, base);
  if (!body.ok) return body;
  const params = paramsOf(body.value, base);
  if (!params.ok) return params;
  const subject = await checkSubject(state, instance, body.value.event, params.value, base);
  if (!subject.ok) return subject;
  return ok({ event: body.value.event, params: params.value });
}

/**
 * Creates the subscription of the built-in flow `name` (url `flow:<name>`, see internal.target.ts),
 * active or disabled. A flow whose trigger changes gets a new subscription (and a new baseline).
 */
export async function subscribeFlow(
  state: StateStore,
  instance: string,
  name: string,
  trigger: CheckedTrigger,
  status: 'active' | 'disabled',
  now: Date,
): Promise<SubscriptionRow> {
  const url = flowUrlOf(name);
  const row = newRow(instance, trigger.event, trigger.params, { url, targetHost: url }, now);
  row.status = status;
  if (status === 'disabled') row.disabledReason = 'user';
  await insertSubscription(state, row);
  return row;
}

/** The live subscription of the flow `name`, if any. */
export async function findFlowSubscription(
  state: StateStore,
  instance: string,
  name: string,
): Promise<SubscriptionRow | undefined> {
  return (await state.listSubscriptions(instance, { url: flowUrlOf(name) }))[0];
}

const ownedByFlow = (row: SubscriptionRow) =>
  err(
    makeError(
      ErrorCode.conflict,
      'conflict',
      `subscription ${row.id} belongs to the built-in flow "${flowNameOf(row.url)}"; change it through …/flows/${flowNameOf(row.url)}`,
      'id',
    ),
  );

const notFound = (id: string) =>
  err(makeError(ErrorCode.notFound, 'notFound', `no subscription "${id}"`, 'id'));

/** A live (active or disabled) subscription, or notFound. */
export async function findSubscription(
  state: StateStore,
  instance: string,
  id: string,
): Promise<Result<SubscriptionRow>> {
  const row = await state.getSubscription(instance, id);
  return row && row.status !== 'deleted' ? ok(row) : notFound(id);
}

export async function updateSubscription(
  deps: SubscriptionDeps,
  instance: string,
  id: string,
  input: unknown,
  now: Date,
): Promise<Result<SubscriptionRow>> {
  const body = validate(SubscriptionPatchBody, input, 'body');
  if (!body.ok) return body;
  const found = await findSubscription(deps.state, instance, id);
  if (!found.ok) return found;
  if (isInternalUrl(found.value.url)) return ownedByFlow(found.value);
  const at = now.toISOString();
  const patch: Parameters<StateStore['updateSubscription']>[2] = {};
  if (body.value.status === 'active')
    Object.assign(patch, { status: 'active', disabledReason: null, failingSince: null });
  if (body.value.status === 'disabled')
    Object.assign(patch, { status: 'disabled', disabledReason: 'user' });
  if (body.value.rotateSecret) {
    Object.assign(patch, {
      secret: newSecret(),
      previousSecret: found.value.secret,
      previousSecretUntil: new Date(now.getTime() + deps.secretOverlapMs).toISOString(),
    });
  }
  return ok((await deps.state.updateSubscription(instance, id, patch, at))!);
}

/** Idempotent: a subscription already deleted answers ok; only an unknown id is notFound. */
export async function deleteSubscription(
  state: StateStore,
  instance: string,
  id: string,
  now: Date,
): Promise<Result<void>> {
  const row = await state.getSubscription(instance, id);
  if (!row) return notFound(id);
  if (isInternalUrl(row.url) && row.status !== 'deleted') return ownedByFlow(row);
  if (row.status !== 'deleted') {
    await state.updateSubscription(instance, id, { status: 'deleted' }, now.toISOString());
  }
  return ok(undefined);
}

/** Re-queues one delivery (same event id) unless it is pending or in flight. */
export async function resendDelivery(
  state: StateStore,
  instance: string,
  id: string,
  now: Date,
): Promise<Result<void>> {
  const d = await state.getDelivery(instance, id);
  if (!d) return err(makeError(ErrorCode.notFound, 'notFound', `no delivery "${id}"`, 'id'));
  const live = (await state.listSubscriptions(instance, {})).some(
    (s) => s.matchKey === d.matchKey && s.status === 'active',
  );
  if (!live) {
    return err(
      makeError(ErrorCode.conflict, 'conflict', 'no active subscription for this url and event'),
    );
  }
  const n = await state.requeueDeliveries(instance, { ids: [id] }, now.toISOString());
  if (n === 0) {
    return err(makeError(ErrorCode.conflict, 'conflict', `delivery ${id} is already ${d.status}`));
  }
  return ok(undefined);
}

/** Re-queues every failed or canceled delivery of the subscription created at or after `since`. */
export async function recoverDeliveries(
  state: StateStore,
  instance: string,
  id: string,
  since: string,
  now: Date,
): Promise<Result<number>> {
  const found = await findSubscription(state, instance, id);
  if (!found.ok) return found;
  if (found.value.status !== 'active') {
    return err(
      makeError(ErrorCode.conflict, 'conflict', `subscription ${id} is disabled; enable it first`),
    );
  }
  return ok(
    await state.requeueDeliveries(
      instance,
      { matchKey: found.value.matchKey, statuses: ['failed', 'canceled'], since },
      now.toISOString(),
    ),
  );
}

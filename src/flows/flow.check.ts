/**
 * Save-time checks of a flow, each naming the path of what is wrong: the shape, the trigger (as a
 * subscription's), the condition and every template against the event type's schema, the target
 * urls (the subscription url rules), the recipients, and that no required field renders empty on
 * the event type's sample.
 */
import { checkTrigger, validateCallbackUrl, type TargetPolicy } from '../delivery/index.js';
import { ErrorCode, err, makeError, ok, type Result } from '../errors/index.js';
import { validate, type TSchema } from '../schema/index.js';
import type { StateStore } from '../state/index.js';
import { sampleEvent, type EventType } from '../triggers/index.js';
import { checkCondition } from './flow.condition.js';
import { buildContext, type FlowEnvelope } from './flow.context.js';
import {
  FlowShape,
  actionSchemas,
  ActionTypes,
  type FlowAction,
  type FlowDefinition,
} from './flow.schema.js';
import { compileTemplate, renderTemplate, type Escape } from './flow.template.js';
import { contextSchemaOf, propertyOf } from './payload.fields.js';

export interface CheckDeps {
  state: StateStore;
  policy: TargetPolicy;
  /** False when the server has no SMTP host: an email action cannot be saved. */
  emailConfigured: boolean;
  publicUrl: string;
}

/** A template field of an action: where it is (relative to the action), and how it is escaped. */
export interface TemplateField {
  path: string;
  source: string;
  escape: Escape;
  required: boolean;
}

const fail = (path: string, message: string) =>
  err(makeError(ErrorCode.validation, 'user', `${path}: ${message}`, path));

/** The templates of a JSON body: every string leaf. */
function bodyStrings(v: unknown, path: string): TemplateField[] {
  if (typeof v === 'string') return [{ path, source: v, escape: 'none', required: false }];
  if (Array.isArray(v)) return v.flatMap((x, i) => bodyStrings(x, `${path}/${i}`));
  if (v !== null && typeof v === 'object') {
    return Object.entries(v).flatMap(([k, x]) => bodyStrings(x, `${path}/${k}`));
  }
  return [];
}

export function templateFieldsOf(a: FlowAction): TemplateField[] {
  const f = (path: string, source: string | undefined, escape: Escape, required = false) =>
    source === undefined ? [] : [{ path, source, escape, required }];
  const facts = (list: { name: string; value: string }[] | undefined, key: string, e: Escape) =>
    (list ?? []).flatMap((x, i) => [
      ...f(`${key}/${i}/name`, x.name, e, true),
      ...f(`${key}/${i}/value`, x.value, e),
    ]);
  switch (a.type) {
    case 'teams':
      return [
        ...f('title', a.title, 'markdown', true),
        ...f('text', a.text, 'markdown'),
        ...facts(a.facts, 'facts', 'markdown'),
        ...f('link', a.link, 'none'),
        ...f('linkTitle', a.linkTitle, 'none'),
      ];
    case 'slack':
      return [
        ...f('title', a.title, 'none'),
        ...f('text', a.text, 'slack', true),
        ...facts(a.fields, 'fields', 'slack'),
        ...f('link', a.link, 'none'),
      ];
    case 'email':
      return [
        ...f('subject', a.subject, 'none', true),
        ...f('text', a.text, 'none', true),
        ...f('html', a.html, 'html'),
      ];
    case 'http':
      return [
        ...Object.entries(a.headers ?? {}).flatMap(([k, v]) => f(`headers/${k}`, v, 'none')),
        ...bodyStrings(a.body, 'body'),
      ];
    case 'refresh':
      return (a.sources ?? []).flatMap((s, i) => f(`sources/${i}`, s, 'none', true));
  }
}

async function checkAction(
  deps: CheckDeps,
  instance: string,
  input: unknown,
  event: EventType,
  schema: TSchema,
  sample: ReturnType<typeof buildContext>,
  base: string,
): Promise<Result<FlowAction>> {
  const type = (input as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !(ActionTypes as readonly string[]).includes(type)) {
    return fail(`${base}/type`, `must be one of ${ActionTypes.join(', ')}`);
  }
  const v = validate(actionSchemas[type as FlowAction['type']], input, base);
  if (!v.ok) return v;
  const action = v.value;
  if (action.type === 'teams' || action.type === 'slack' || action.type === 'http') {
    const u = await validateCallbackUrl(action.url, deps.policy, `${base}/url`);
    if (!u.ok) return u;
  }
  if (action.type === 'email') {
    if (!deps.emailConfigured) {
      return fail(`${base}/type`, 'email is not configured on this server (TRIBUTARY_SMTP_HOST)');
    }
    if (action.owners && !propertyOf(propertyOf(schema, 'data')!, 'owners')) {
      return fail(`${base}/owners`, `${event} events carry no owners`);
    }
    if (!action.owners && (action.to ?? []).length === 0) {
      return fail(`${base}/to`, 'give recipients in "to", or "owners": true');
    }
  }
  if (action.type === 'http' && action.body !== undefined && (action.method ?? 'POST') === 'GET') {
    return fail(`${base}/body`, 'a GET request has no body');
  }
  for (const field of templateFieldsOf(action)) {
    const path = `${base}/${field.path}`;
    const t = compileTemplate(field.source, schema, path);
    if (!t.ok) return t;
    if (field.required && renderTemplate(t.value, sample, field.escape).trim() === '') {
      return fail(path, `renders empty on the sample ${event} event; it is required`);
    }
  }
  if (action.type === 'refresh') {
    const known = new Set((await deps.state.listSources(instance)).map((s) => s.name));
    for (const [i, s] of (action.sources ?? []).entries()) {
      if (!s.includes('{{') && !known.has(s)) {
        return fail(`${base}/sources/${i}`, `unknown data source "${s}"`);
      }
    }
  }
  return ok(action);
}

/** Validates a flow definition for `instance`; `base` prefixes every error path. */
export async function checkFlow(
  deps: CheckDeps,
  instance: string,
  input: unknown,
  base: string,
): Promise<Result<FlowDefinition>> {
  const shape = validate(FlowShape, input, base);
  if (!shape.ok) return shape;
  const body = shape.value;
  const trigger = await checkTrigger(deps.state, instance, body.trigger, `${base}/trigger`);
  if (!trigger.ok) return trigger;
  const event = trigger.value.event;
  const schema = contextSchemaOf(event);
  const sample = buildContext(
    sampleEvent(event) as unknown as FlowEnvelope,
    body.name,
    deps.publicUrl,
  );
  const def: FlowDefinition = {
    name: body.name,
    ...(body.description !== undefined && { description: body.description }),
    enabled: body.enabled ?? true,
    trigger: { event, ...trigger.value.params },
    actions: [],
  };
  if (body.condition !== undefined) {
    const c = checkCondition(body.condition, schema, `${base}/condition`);
    if (!c.ok) return c;
    def.condition = c.value;
  }
  for (const [i, a] of body.actions.entries()) {
    const r = await checkAction(deps, instance, a, event, schema, sample, `${base}/actions/${i}`);
    if (!r.ok) return r;
    def.actions.push(r.value);
  }
  return ok(def);
}

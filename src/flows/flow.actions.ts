/**
 * The actions. Each renders its templates on the flow's context, does one thing, and answers an
 * Outcome with the request it made (urls redacted: webhook urls are secrets):
 * - teams: an Adaptive Card (or a legacy MessageCard) POSTed to a Teams Workflows webhook;
 * - slack: an incoming-webhook message with blocks, spaced one per second per webhook;
 * - email: through the server's SMTP settings, to literal recipients and/or the event's owners;
 * - http: any method, headers and a JSON body, under the subscription url rules;
 * - refresh: starts a refresh job (full, or scoped to sources) through the refresh service.
 */
import {
  redactUrl,
  type SendRequest,
  type SendResult,
  type WebhookSender,
} from '../delivery/index.js';
import type { Result } from '../errors/index.js';
import type { SubmitRequest, SubmitResponse } from '../refresh/index.js';
import { failure, outcomeOfHttp, recordBody, type Outcome } from './action.run.js';
import type { SmtpMailer } from './email.sender.js';
import type { FlowContext } from './flow.context.js';
import {
  emailPattern,
  type EmailAction,
  type FlowAction,
  type HttpAction,
  type RefreshAction,
  type SlackAction,
  type TeamsAction,
} from './flow.schema.js';
import { parseTemplate, renderTemplate, type Escape } from './flow.template.js';
import { readPath, splitPath } from './payload.fields.js';
import type { WebhookPacer } from './webhook.pacer.js';
import { buildAdaptiveCard, buildMessageCard } from './teams.card.js';

export interface ActionEnv {
  sender: Pick<WebhookSender, 'request'>;
  /** Undefined when the server has no SMTP host. */
  mailer: Pick<SmtpMailer, 'send'> | undefined;
  submitRefresh: (req: SubmitRequest) => Promise<Result<SubmitResponse>>;
  pacer: WebhookPacer;
  signal: AbortSignal;
  now: Date;
}

/** The request as recorded, and what came of it. */
export type Performed = Outcome & { request: Record<string, unknown> | null };

/** Renders a template saved with the flow (it was parsed and checked at save time). */
export function render(source: string, ctx: FlowContext, escape: Escape): string {
  const t = parseTemplate(source, 'template');
  if (!t.ok) throw new Error(t.error.message);
  return renderTemplate(t.value, ctx, escape);
}

class EmptyField extends Error {}

function required(source: string, ctx: FlowContext, escape: Escape, name: string): string {
  const text = render(source, ctx, escape);
  if (text.trim() === '') throw new EmptyField(`${name} rendered empty`);
  return text;
}

async function postJson(
  env: ActionEnv,
  url: string,
  payload: unknown,
  method: SendRequest['method'] = 'POST',
  headers: Record<string, string> = {},
): Promise<{ sent: SendResult; body: string | undefined }> {
  const body = payload === undefined ? undefined : JSON.stringify(payload);
  const sent = await env.sender.request({
    method,
    url,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    body,
    signal: env.signal,
    readBody: true,
  });
  return { sent, body };
}

async function runTeams(a: TeamsAction, ctx: FlowContext, env: ActionEnv): Promise<Performed> {
  const parts = {
    title: required(a.title, ctx, 'markdown', 'title'),
    text: a.text === undefined ? '' : render(a.text, ctx, 'markdown'),
    facts: (a.facts ?? []).map((f) => ({
      name: render(f.name, ctx, 'markdown'),
      value: render(f.value, ctx, 'markdown'),
    })),
    link: render(a.link ?? '{{links.console}}', ctx, 'none'),
    linkTitle: render(a.linkTitle ?? 'Open in Tributary', ctx, 'none'),
  };
  const payload = a.format === 'messageCard' ? buildMessageCard(parts) : buildAdaptiveCard(parts);
  const { sent } = await postJson(env, a.url, payload);
  return { ...outcomeOfHttp(sent, env.now), request: { url: redactUrl(a.url), body: payload } };
}

async function runSlack(a: SlackAction, ctx: FlowContext, env: ActionEnv): Promise<Performed> {
  const text = required(a.text, ctx, 'slack', 'text');
  const title = a.title === undefined ? '' : render(a.title, ctx, 'none');
  const fields = (a.fields ?? []).map((f) => ({
    type: 'mrkdwn',
    text: `*${render(f.name, ctx, 'slack')}*\n${render(f.value, ctx, 'slack')}`,
  }));
  const link = render(a.link ?? '{{links.console}}', ctx, 'none');
  const blocks: Record<string, unknown>[] = [
    ...(title.trim() === ''
      ? []
      : [{ type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } }]),
    { type: 'section', text: { type: 'mrkdwn', text } },
    ...(fields.length > 0 ? [{ type: 'section', fields }] : []),
    ...(link.trim() === ''
      ? []
      : [
          {
            type: 'context',
            elements: [
              { type: 'mrkdwn', text: `<${link.replace(/[<>|]/g, '')}|Open in Tributary>` },
            ],
          },
        ]),
  ];
  // `text` is the notification fallback Slack shows where blocks cannot be.
  const payload = { text: title.trim() === '' ? text : `${title}: ${text}`, blocks };
  const waitedMs = await env.pacer.wait(a.url, env.signal);
  const { sent } = await postJson(env, a.url, payload);
  return {
    ...outcomeOfHttp(sent, env.now),
    request: { url: redactUrl(a.url), body: payload, pacedMs: Math.round(waitedMs) },
  };
}

/** One address (the FlowEmail pattern): an owner such as "a,b@x.org" never becomes two. */
const address = new RegExp(emailPattern);

function recipientsOf(a: EmailAction, ctx: FlowContext): string[] {
  const owners = a.owners ? readPath(ctx, ['data', 'owners']) : [];
  const list = [...(a.to ?? []), ...(Array.isArray(owners) ? (owners as unknown[]) : [])].filter(
    (x): x is string => typeof x === 'string' && address.test(x.trim()),
  );
  return [...new Set(list.map((x) => x.trim()))];
}

/**
 * `sentTo`: recipients an earlier attempt of this delivery already reached (the server accepted
 * them while refusing others); a retry sends only to the rest.
 */
async function runEmail(
  a: EmailAction,
  ctx: FlowContext,
  env: ActionEnv,
  sentTo: string[],
): Promise<Performed> {
  const to = recipientsOf(a, ctx).filter((x) => !sentTo.includes(x));
  const msg = {
    to,
    subject: required(a.subject, ctx, 'none', 'subject').replace(/[\r\n]+/g, ' '),
    text: required(a.text, ctx, 'none', 'text'),
    ...(a.html !== undefined && { html: render(a.html, ctx, 'html') }),
  };
  const request = {
    to,
    subject: msg.subject,
    text: recordBody(msg.text),
    html: recordBody(msg.html),
  };
  if (!env.mailer) return { ...failure('email is not configured on this server', false), request };
  if (to.length === 0) {
    return {
      ...failure('no recipients: the event has no owners and "to" is empty', false),
      request,
    };
  }
  const r = await env.mailer.send(msg);
  const response = {
    accepted: [...sentTo, ...r.accepted],
    rejected: r.rejected,
    response: r.response,
    messageId: r.messageId,
  };
  if (!r.ok) {
    return {
      ...failure(r.error ?? 'not sent', r.transient, r.latencyMs),
      response: { ...response, accepted: [...sentTo, ...r.accepted] },
      statusCode: r.smtpCode,
      request,
    };
  }
  return {
    status: 'succeeded',
    transient: false,
    response,
    statusCode: null,
    latencyMs: r.latencyMs,
    error: null,
    retryAfterMs: null,
    request,
  };
}

/** A body template: strings render; a string that is exactly `{{path}}` takes the value as is. */
function renderBody(v: unknown, ctx: FlowContext): unknown {
  if (typeof v === 'string') {
    const whole = /^\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}$/.exec(v);
    if (whole) return readPath(ctx, splitPath(whole[1]!)) ?? null;
    return render(v, ctx, 'none');
  }
  if (Array.isArray(v)) return v.map((x) => renderBody(x, ctx));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderBody(x, ctx)]));
  }
  return v;
}

async function runHttp(a: HttpAction, ctx: FlowContext, env: ActionEnv): Promise<Performed> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(a.headers ?? {})) {
    const value = render(v, ctx, 'none');
    if (/[\r\n]/.test(value)) throw new EmptyField(`header ${k} rendered a line break`);
    headers[k.toLowerCase()] = value;
  }
  const payload = a.body === undefined ? undefined : renderBody(a.body, ctx);
  const method = a.method ?? 'POST';
  const { sent } = await postJson(env, a.url, payload, method, headers);
  return {
    ...outcomeOfHttp(sent, env.now),
    // Header values may be credentials: only their names are recorded.
    request: {
      method,
      url: redactUrl(a.url),
      headers: Object.keys(headers),
      body: payload ?? null,
    },
  };
}

async function runRefresh(a: RefreshAction, ctx: FlowContext, env: ActionEnv): Promise<Performed> {
  const sources = (a.sources ?? []).map((s, i) => required(s, ctx, 'none', `sources/${i}`));
  const started = performance.now();
  const r = await env.submitRefresh({
    instance: ctx.instance,
    submissionKind: 'onDemand',
    identifiers: sources,
    operationType: a.operation ?? 'all',
  });
  const latencyMs = Math.round((performance.now() - started) * 100) / 100;
  const request = { sources, operation: a.operation ?? 'all' };
  if (!r.ok) {
    return { ...failure(r.error.message, r.error.fault === 'transient', latencyMs), request };
  }
  return {
    status: 'succeeded',
    transient: false,
    response: { jobId: r.value.jobId, status: r.value.status, coalesced: r.value.coalesced },
    statusCode: null,
    latencyMs,
    error: null,
    retryAfterMs: null,
    request,
  };
}

/** Runs one action; a field that renders empty is a permanent failure, never a throw. */
export async function performAction(
  a: FlowAction,
  ctx: FlowContext,
  env: ActionEnv,
  sentTo: string[] = [],
): Promise<Performed> {
  try {
    switch (a.type) {
      case 'teams':
        return await runTeams(a, ctx, env);
      case 'slack':
        return await runSlack(a, ctx, env);
      case 'email':
        return await runEmail(a, ctx, env, sentTo);
      case 'http':
        return await runHttp(a, ctx, env);
      case 'refresh':
        return await runRefresh(a, ctx, env);
    }
  } catch (e) {
    if (e instanceof EmptyField) return { ...failure(e.message, false), request: null };
    throw e;
  }
}

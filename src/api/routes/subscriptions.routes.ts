/**
 * Webhook subscriptions in the shape Power Automate, Logic Apps, n8n, Zapier and REST-hook clients
 * expect: subscribe → 201 with an absolute Location; DELETE on that Location → 204, also again.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  SubscriptionBody,
  SubscriptionPatchBody,
  createSubscription,
  deleteSubscription,
  findSubscription,
  recoverDeliveries,
  updateSubscription,
} from '../../delivery/index.js';
import { StringEnum, Type } from '../../schema/index.js';
import type { SubscriptionRow } from '../../state/index.js';
import { EventTypes } from '../../triggers/index.js';
import type { ApiDeps } from '../api.deps.js';
import { Problem, sendProblem } from '../http.errors.js';
import { InstanceParams, type InstanceParamsT } from './params.js';

const Subscription = Type.Object({
  id: Type.String(),
  event: StringEnum(EventTypes),
  url: Type.String(),
  source: Type.Optional(Type.String()),
  segment: Type.Optional(Type.String()),
  measure: Type.Optional(Type.String()),
  threshold: Type.Optional(Type.Number()),
  rearmBelow: Type.Optional(Type.Number()),
  status: StringEnum(['active', 'disabled'] as const),
  disabledReason: Type.Union([Type.String(), Type.Null()]),
  secret: Type.Optional(Type.String({ description: 'whsec_ signing secret (not in lists)' })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

function present(s: SubscriptionRow, withSecret: boolean): Record<string, unknown> {
  return {
    id: s.id,
    event: s.event,
    url: s.url,
    ...s.params,
    status: s.status,
    disabledReason: s.disabledReason,
    ...(withSecret && { secret: s.secret }),
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

const SubParams = Type.Object({ instance: Type.String(), id: Type.String() });
type SubParamsT = InstanceParamsT & { id: string };

/** The absolute URL of a subscription, as the platform will DELETE it. */
function locationOf(req: FastifyRequest, instance: string, id: string): string {
  const path = `/v1/instances/${encodeURIComponent(instance)}/subscriptions/${id}`;
  return `${req.protocol}://${req.host}${path}`;
}

export function registerSubscriptionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const base = '/v1/instances/:instance/subscriptions';
  const sd = deps.subscriptions;

  app.post<{ Params: InstanceParamsT; Body: unknown }>(
    base,
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Subscribe a callback url to an event type',
        params: InstanceParams,
        body: SubscriptionBody,
        response: { 201: Subscription, 400: Problem },
      },
    },
    async (req, reply) => {
      const r = await createSubscription(sd, req.params.instance, req.body, deps.now());
      if (!r.ok) return sendProblem(reply, r.error);
      return reply
        .code(201)
        .header('location', locationOf(req, req.params.instance, r.value.id))
        .send(present(r.value, true));
    },
  );

  app.get<{ Params: InstanceParamsT; Querystring: { url?: string; event?: string } }>(
    base,
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'List subscriptions (n8n checkExists: filter by url and event)',
        params: InstanceParams,
        querystring: Type.Object({
          url: Type.Optional(Type.String()),
          event: Type.Optional(StringEnum(EventTypes)),
        }),
        response: { 200: Type.Object({ value: Type.Array(Subscription) }) },
      },
    },
    async (req) => {
      const filter = {
        ...(req.query.url !== undefined && { url: req.query.url }),
        ...(req.query.event !== undefined && { event: req.query.event }),
      };
      const rows = await sd.state.listSubscriptions(req.params.instance, filter);
      return { value: rows.map((s) => present(s, false)) };
    },
  );

  app.get<{ Params: SubParamsT }>(
    `${base}/:id`,
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'One subscription, with its secret',
        params: SubParams,
        response: { 200: Subscription, 404: Problem },
      },
    },
    async (req, reply) => {
      const r = await findSubscription(sd.state, req.params.instance, req.params.id);
      return r.ok ? present(r.value, true) : sendProblem(reply, r.error);
    },
  );

  app.patch<{ Params: SubParamsT; Body: unknown }>(
    `${base}/:id`,
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Enable, disable, or rotate the secret (the previous one signs for 24 h more)',
        params: SubParams,
        body: SubscriptionPatchBody,
        response: { 200: Subscription, 400: Problem, 404: Problem },
      },
    },
    async (req, reply) => {
      const r = await updateSubscription(
        sd,
        req.params.instance,
        req.params.id,
        req.body,
        deps.now(),
      );
      return r.ok ? present(r.value, true) : sendProblem(reply, r.error);
    },
  );

  app.delete<{ Params: SubParamsT }>(
    `${base}/:id`,
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Unsubscribe (idempotent: 204 again for a deleted subscription)',
        params: SubParams,
        response: { 204: Type.Null(), 404: Problem },
      },
    },
    async (req, reply) => {
      const r = await deleteSubscription(sd.state, req.params.instance, req.params.id, deps.now());
      return r.ok ? reply.code(204).send() : sendProblem(reply, r.error);
    },
  );

  app.post<{ Params: SubParamsT; Body: { since: string } }>(
    `${base}/:id/recover`,
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Resend every failed delivery since a time, with the original event ids',
        params: SubParams,
        body: Type.Object(
          { since: Type.String({ format: 'date-time' }) },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ requeued: Type.Integer() }), 404: Problem, 409: Problem },
      },
    },
    async (req, reply) => {
      const since = new Date(req.body.since).toISOString();
      const r = await recoverDeliveries(
        sd.state,
        req.params.instance,
        req.params.id,
        since,
        deps.now(),
      );
      if (!r.ok) return sendProblem(reply, r.error);
      return reply.code(202).send({ requeued: r.value });
    },
  );
}

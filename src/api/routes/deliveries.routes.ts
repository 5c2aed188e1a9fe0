/** The delivery log (urls redacted) and resend. */
import type { FastifyInstance } from 'fastify';
import { redactUrl, resendDelivery } from '../../delivery/index.js';
import { ErrorCode, makeError } from '../../errors/index.js';
import { StringEnum, Type } from '../../schema/index.js';
import { DeliveryStatuses, type DeliveryRow, type DeliveryStatus } from '../../state/index.js';
import type { ApiDeps } from '../api.deps.js';
import { Problem, sendProblem } from '../http.errors.js';
import { InstanceParams, type InstanceParamsT } from './params.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const Delivery = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  subscriptionId: Type.String(),
  url: Type.String({ description: 'redacted to scheme and host' }),
  status: StringEnum(DeliveryStatuses),
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Type.String()),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  deliveredAt: Nullable(Type.String()),
});

const Attempt = Type.Object({
  attempt: Type.Integer(),
  startedAt: Type.String(),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  latencyMs: Type.Number(),
  error: Nullable(Type.String()),
});

function present(d: DeliveryRow): Record<string, unknown> {
  return {
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    subscriptionId: d.subscriptionId,
    url: redactUrl(d.url),
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    deliveredAt: d.deliveredAt,
  };
}

const DeliveryParams = Type.Object({ instance: Type.String(), id: Type.String() });
type DeliveryParamsT = InstanceParamsT & { id: string };

interface LogQuery {
  status?: DeliveryStatus;
  subscription?: string;
  since?: string;
  $top?: number;
  $skip?: number;
}

export function registerDeliveryRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const base = '/v1/instances/:instance/deliveries';

  app.get<{ Params: InstanceParamsT; Querystring: LogQuery }>(
    base,
    {
      schema: {
        tags: ['deliveries'],
        summary: 'The delivery log, newest first (paged)',
        params: InstanceParams,
        querystring: Type.Object({
          status: Type.Optional(StringEnum(DeliveryStatuses)),
          subscription: Type.Optional(Type.String()),
          since: Type.Optional(Type.String({ format: 'date-time' })),
          $top: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          $skip: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: Type.Object({
            value: Type.Array(Delivery),
            '@odata.nextLink': Type.Optional(Type.String()),
          }),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const top = q.$top ?? 100;
      const skip = q.$skip ?? 0;
      const rows = await deps.state.listDeliveries(req.params.instance, {
        ...(q.status !== undefined && { status: q.status }),
        ...(q.subscription !== undefined && { subscriptionId: q.subscription }),
        ...(q.since !== undefined && { since: new Date(q.since).toISOString() }),
        limit: top + 1,
        offset: skip,
      });
      const more = rows.length > top;
      const next = new URLSearchParams(
        Object.entries({ ...q, $top: top, $skip: skip + top }).map(([k, v]): [string, string] => [
          k,
          String(v),
        ]),
      );
      return {
        value: rows.slice(0, top).map(present),
        ...(more && {
          '@odata.nextLink': `${req.protocol}://${req.host}${req.url.split('?')[0]}?${next.toString()}`,
        }),
      };
    },
  );

  app.get<{ Params: DeliveryParamsT }>(
    `${base}/:id`,
    {
      schema: {
        tags: ['deliveries'],
        summary: 'One delivery with every attempt (status code, latency, error)',
        params: DeliveryParams,
        response: {
          200: Type.Intersect([Delivery, Type.Object({ attemptLog: Type.Array(Attempt) })]),
          404: Problem,
        },
      },
    },
    async (req, reply) => {
      const d = await deps.state.getDelivery(req.params.instance, req.params.id);
      if (!d) {
        return sendProblem(
          reply,
          makeError(ErrorCode.notFound, 'notFound', `no delivery "${req.params.id}"`, 'id'),
        );
      }
      const attempts = await deps.state.listDeliveryAttempts(d.id);
      return { ...present(d), attemptLog: attempts.map(({ deliveryId: _d, ...a }) => a) };
    },
  );

  app.post<{ Params: DeliveryParamsT }>(
    `${base}/:id/resend`,
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Send a delivery again (same event id); 409 while pending or in flight',
        params: DeliveryParams,
        response: { 202: Delivery, 404: Problem, 409: Problem },
      },
    },
    async (req, reply) => {
      const r = await resendDelivery(deps.state, req.params.instance, req.params.id, deps.now());
      if (!r.ok) return sendProblem(reply, r.error);
      const d = (await deps.state.getDelivery(req.params.instance, req.params.id))!;
      return reply.code(202).send(present(d));
    },
  );
}

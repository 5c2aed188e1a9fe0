/** The event catalog with sample payloads, and the event feed for hosts that cannot take callbacks. */
import type { FastifyInstance } from 'fastify';
import { ErrorCode, makeError } from '../../errors/index.js';
import { StringEnum, Type } from '../../schema/index.js';
import {
  EventTypes,
  envelopeOf,
  eventParameters,
  firingRules,
  isEventType,
  sampleEvent,
  type EventType,
} from '../../triggers/index.js';
import type { ApiDeps } from '../api.deps.js';
import { Problem, sendProblem } from '../http.errors.js';
import { InstanceParams, type InstanceParamsT } from './params.js';

const AnyObject = Type.Object({}, { additionalProperties: true });

export function registerEventRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get(
    '/v1/events',
    {
      schema: {
        tags: ['events'],
        summary: 'The event catalog: types, firing rules, subscription parameters',
        response: {
          200: Type.Object({
            value: Type.Array(
              Type.Object({
                type: Type.String(),
                firesWhen: Type.String(),
                parameters: Type.Array(Type.String()),
                required: Type.Array(Type.String()),
                schema: Type.String({ description: 'the OpenAPI component with its envelope' }),
              }),
            ),
          }),
        },
      },
    },
    () => ({
      value: EventTypes.map((type) => ({
        type,
        firesWhen: firingRules[type],
        parameters: eventParameters[type].allowed,
        required: eventParameters[type].required,
        schema: `#/components/schemas/${type}`,
      })),
    }),
  );

  app.get<{ Params: { type: string } }>(
    '/v1/events/:type/sample',
    {
      schema: {
        tags: ['events'],
        summary: 'A realistic sample payload of an event type, exactly as delivered',
        params: Type.Object({ type: Type.String() }),
        response: { 200: AnyObject, 404: Problem },
      },
    },
    async (req, reply) => {
      if (!isEventType(req.params.type)) {
        return sendProblem(
          reply,
          makeError(
            ErrorCode.notFound,
            'notFound',
            `no event type "${req.params.type}"; known: ${EventTypes.join(', ')}`,
            'type',
          ),
        );
      }
      return sampleEvent(req.params.type);
    },
  );

  app.get<{
    Params: InstanceParamsT;
    Querystring: { type?: EventType; after?: string; $top?: number };
  }>(
    '/v1/instances/:instance/events',
    {
      schema: {
        tags: ['events'],
        summary:
          'Events in commit order after a cursor (for hosts that poll instead of subscribing)',
        params: InstanceParams,
        querystring: Type.Object({
          type: Type.Optional(StringEnum(EventTypes)),
          after: Type.Optional(
            Type.String({ pattern: '^[0-9]+$', description: 'the cursor of the previous page' }),
          ),
          $top: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        }),
        response: {
          200: Type.Object({
            value: Type.Array(AnyObject),
            cursor: Type.String({ description: 'pass as `after` to get the events that follow' }),
          }),
        },
      },
    },
    async (req) => {
      const after = Number(req.query.after ?? '0');
      const rows = await deps.state.listEvents(req.params.instance, {
        ...(req.query.type !== undefined && { type: req.query.type }),
        afterSeq: after,
        limit: req.query.$top ?? 100,
      });
      return {
        value: rows.map(envelopeOf),
        cursor: String(rows.at(-1)?.seq ?? after),
      };
    },
  );
}

import type { FastifyInstance } from 'fastify';
import { Type } from '../../schema/index.js';
import type { SegmentDefinition } from '../../segments/index.js';
import type { ApiDeps } from '../api.deps.js';
import { registerDefinitionRoutes } from './definitions.routes.js';

/** `…/manage/segments[/{name}]`, its history, members, dry run and by-hand evaluation. */
export function registerSegmentRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { segments } = deps;
  registerDefinitionRoutes<SegmentDefinition>(
    app,
    {
      plural: 'segments',
      singular: 'segment',
      listOperationId: 'ListSegments',
      list: (i) => segments.list(i),
      get: (i, n) => segments.get(i, n),
      save: (i, b, base, now) => segments.save(i, b, base, now),
      remove: (i, n) => segments.remove(i, n),
      preview: (i, b, base, now) => segments.preview(i, b, base, now),
      evaluate: (i, n, now) => segments.evaluate(i, n, { jobId: null, now }),
      history: (i, n, limit) => segments.history(i, n, limit),
      toHistoryEntry: (r) => ({
        time: r.observedAt,
        count: r.value,
        added: r.details?.added ?? null,
        removed: r.details?.removed ?? null,
        jobId: r.jobId,
      }),
    },
    deps.now,
  );
  app.get<{
    Params: { instance: string; name: string };
    Querystring: { $top?: number; $skip?: number };
  }>(
    '/v1/instances/:instance/manage/segments/:name/members',
    {
      schema: {
        tags: ['segments'],
        summary: 'Current members of a segment (CustomerId, AddedAt), by CustomerId',
        params: Type.Object({ instance: Type.String(), name: Type.String() }),
        querystring: Type.Object({
          $top: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 100 })),
          $skip: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
      },
    },
    async (req) => ({
      value: await segments.members(req.params.instance, req.params.name, {
        top: req.query.$top ?? 100,
        skip: req.query.$skip ?? 0,
      }),
    }),
  );
}

/**
 * The connector's data actions: Get entities, Get items (OData), Get item, Create item (a real-time
 * activity) and Update item (a real-time profile change). See src/odata for the semantics.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, makeError } from '../../errors/index.js';
import {
  createKeyOrderCache,
  createTableColumnsCache,
  describeEntity,
  getItem,
  listEntities,
  queryItems,
  validateActivity,
  validateProfileChange,
  writeActivity,
  writeProfileChange,
  type EntityInfo,
} from '../../odata/index.js';
import { Type, type Static } from '../../schema/index.js';
import { quoteIdent } from '../../warehouse/index.js';
import type { ApiDeps } from '../api.deps.js';
import { Problem, sendProblem } from '../http.errors.js';
import { InstanceParams, type InstanceParamsT } from './params.js';

const EntityParams = Type.Object({
  instance: Type.String({ description: "the instance (the connector's dataset)" }),
  entity: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'entity name' }),
});
type EntityParamsT = Static<typeof EntityParams>;
const ItemParams = Type.Object({ ...EntityParams.properties, key: Type.String({ minLength: 1 }) });
type ItemParamsT = Static<typeof ItemParams>;

export const ItemsQuerystring = Type.Object(
  {
    $filter: Type.Optional(Type.String({ description: "OData 4.01 filter, e.g. City eq 'Oslo'" })),
    $select: Type.Optional(Type.String({ description: 'comma-separated columns' })),
    $orderby: Type.Optional(Type.String({ description: 'e.g. LastName asc,JoinedOn desc' })),
    $top: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 100 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000, default: 0 })),
    $count: Type.Optional(Type.Boolean({ default: false })),
    $skiptoken: Type.Optional(Type.String({ description: 'from @odata.nextLink' })),
  },
  { additionalProperties: false },
);
type ItemsQuerystringT = Static<typeof ItemsQuerystring>;

const EntityDescription = Type.Object({
  name: Type.String(),
  kind: Type.String(),
  key: Type.Array(Type.String()),
  columns: Type.Array(Type.Object({ name: Type.String(), type: Type.String() })),
  collections: Type.Array(Type.String()),
  rowCount: Type.Integer(),
  lastRefresh: Type.Union([Type.String(), Type.Null()]),
});

const Item = Type.Object({}, { additionalProperties: true });
const ItemsPage = Type.Object({
  '@odata.context': Type.String(),
  '@odata.count': Type.Optional(Type.Integer()),
  value: Type.Array(Item),
  '@odata.nextLink': Type.Optional(Type.String()),
});

function entityNotFound(instance: string, entity: string): ReturnType<typeof makeError> {
  return makeError(
    ErrorCode.notFound,
    'notFound',
    `no entity "${entity}" in instance "${instance}"`,
    'entity',
  );
}

function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

/** The URL of the next page: the same options, `$skiptoken` instead of `$skip`. */
function nextLink(req: FastifyRequest, q: ItemsQuerystringT, token: string): string {
  const p = new URLSearchParams();
  for (const k of ['$filter', '$select', '$orderby'] as const)
    if (q[k] !== undefined) p.set(k, q[k]);
  p.set('$top', String(q.$top ?? 100));
  if (q.$count) p.set('$count', 'true');
  p.set('$skiptoken', token);
  return `${baseUrl(req)}${req.url.split('?')[0]!}?${p.toString()}`;
}

export function registerDataRoutes(app: FastifyInstance, deps: ApiDeps): void {
  // Column lists come from the catalog once per warehouse write, not once per request.
  const readTables = createTableColumnsCache();
  const readKeyOrder = createKeyOrderCache();
  const entityOr404 = async (
    instance: string,
    name: string,
    reply: FastifyReply,
  ): Promise<EntityInfo | undefined> => {
    const wh = await deps.warehouse.open(instance);
    const e = await describeEntity(deps.state, wh, instance, name, readTables);
    if (!e) void sendProblem(reply, entityNotFound(instance, name));
    return e;
  };

  app.get<{ Params: InstanceParamsT }>(
    '/v1/instances/:instance/manage/entities',
    {
      schema: {
        tags: ['data'],
        operationId: 'GetEntities',
        summary: 'Get entities',
        description: 'Entities of the instance with their columns, key, row count and last refresh',
        params: InstanceParams,
        response: { 200: Type.Object({ value: Type.Array(EntityDescription) }) },
      },
    },
    async (req) => {
      const { instance } = req.params;
      const wh = await deps.warehouse.open(instance);
      const entities = await listEntities(deps.state, wh, instance, readTables);
      const refreshes = new Map(
        (await deps.state.lastSourceRefreshes(instance)).map((r) => [r.source, r.endedAt]),
      );
      const sources = await deps.state.listSources(instance);
      const [lastJob] = (await deps.state.listJobs(instance, { limit: 20, offset: 0 })).filter(
        (j) =>
          j.endedAt !== null && (j.status === 'successful' || j.status === 'completedWithWarnings'),
      );
      const value = [];
      for (const e of entities) {
        const [c] = await wh.query(`SELECT count(*)::BIGINT AS n FROM ${quoteIdent(e.name)}`);
        const source = sources.find((s) => e.name.startsWith(`${s.name}_`));
        value.push({
          name: e.name,
          kind: e.kind,
          key: e.key,
          columns: e.columns.map((col) => ({ name: col.name, type: col.sqlType })),
          collections: e.collections.map((col) => col.name),
          rowCount: Number(c?.n ?? 0),
          lastRefresh:
            (e.kind === 'source' && source ? refreshes.get(source.name) : lastJob?.endedAt) ?? null,
        });
      }
      return { value };
    },
  );

  app.get<{ Params: EntityParamsT; Querystring: ItemsQuerystringT }>(
    '/v1/instances/:instance/data/:entity',
    {
      schema: {
        tags: ['data'],
        operationId: 'GetItems',
        summary: 'Get items from an entity',
        description:
          'OData query over an entity: $filter, $select, $orderby, $top (default 100, max 10000), $skip, $count; follow @odata.nextLink for the next page',
        params: EntityParams,
        querystring: ItemsQuerystring,
        response: { 200: ItemsPage, 400: Problem, 404: Problem },
      },
    },
    async (req, reply) => {
      const { instance, entity } = req.params;
      const e = await entityOr404(instance, entity, reply);
      if (!e) return reply;
      const q = req.query;
      const page = await queryItems(
        await deps.warehouse.open(instance),
        e,
        {
          filter: q.$filter,
          select: q.$select,
          orderby: q.$orderby,
          top: q.$top ?? 100,
          skip: q.$skip ?? 0,
          count: q.$count ?? false,
          skiptoken: q.$skiptoken,
        },
        deps.now(),
        readKeyOrder,
      );
      if (!page.ok) return sendProblem(reply, page.error);
      return {
        '@odata.context': `${baseUrl(req)}/v1/instances/${instance}/data/$metadata#${entity}`,
        ...(page.value.count !== undefined && { '@odata.count': page.value.count }),
        value: page.value.value,
        ...(page.value.nextToken !== undefined && {
          '@odata.nextLink': nextLink(req, q, page.value.nextToken),
        }),
      };
    },
  );

  app.get<{ Params: ItemParamsT }>(
    '/v1/instances/:instance/data/:entity/:key',
    {
      schema: {
        tags: ['data'],
        operationId: 'GetItem',
        summary: 'Get item',
        description: 'One row of an entity by its key (e.g. a CustomerId)',
        params: ItemParams,
        response: { 200: Item, 400: Problem, 404: Problem },
      },
    },
    async (req, reply) => {
      const { instance, entity, key } = req.params;
      const e = await entityOr404(instance, entity, reply);
      if (!e) return reply;
      const item = await getItem(await deps.warehouse.open(instance), e, key, deps.now());
      if (!item.ok) return sendProblem(reply, item.error);
      if (!item.value) {
        return sendProblem(
          reply,
          makeError(ErrorCode.notFound, 'notFound', `no ${entity} with key "${key}"`, 'key'),
        );
      }
      return item.value;
    },
  );

  const writeOnly = (entity: string, allowed: string, what: string): ReturnType<typeof makeError> =>
    makeError(
      ErrorCode.validation,
      'user',
      `${what} is supported on "${allowed}" only, not "${entity}"`,
      'entity',
    );

  app.post<{ Params: EntityParamsT; Body: Record<string, unknown> }>(
    '/v1/instances/:instance/data/:entity',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['data'],
        operationId: 'CreateItem',
        summary: 'Create item',
        description:
          'A real-time activity record on UnifiedActivity: shows on reads at once, until validUntil (default and maximum 30 days) or until a refresh brings the same ActivityId; never changes segments or measures',
        params: EntityParams,
        body: Item,
        response: { 201: Item, 400: Problem, 404: Problem, 409: Problem },
      },
    },
    async (req, reply) => {
      const { instance, entity } = req.params;
      const e = await entityOr404(instance, entity, reply);
      if (!e) return reply;
      if (e.name !== 'UnifiedActivity') {
        return sendProblem(reply, writeOnly(entity, 'UnifiedActivity', 'Create item'), 405);
      }
      const rec = validateActivity(e, req.body, deps.now());
      if (!rec.ok) return sendProblem(reply, rec.error);
      const wh = await deps.warehouse.open(instance);
      if (
        !(await writeActivity(
          wh,
          rec.value.activityId,
          rec.value.record,
          rec.value.validUntil,
          deps.now(),
        ))
      ) {
        return sendProblem(
          reply,
          makeError(
            ErrorCode.conflict,
            'conflict',
            `activity "${rec.value.activityId}" already exists`,
            'body/ActivityId',
          ),
        );
      }
      const stored = await getItem(wh, { ...e, overlay: true }, rec.value.activityId, deps.now());
      return reply
        .code(201)
        .header(
          'location',
          `/v1/instances/${instance}/data/${entity}/${encodeURIComponent(rec.value.activityId)}`,
        )
        .send(stored.ok ? stored.value : undefined);
    },
  );

  app.patch<{ Params: ItemParamsT; Body: Record<string, unknown> }>(
    '/v1/instances/:instance/data/:entity/:key',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['data'],
        operationId: 'UpdateItem',
        summary: 'Update item',
        description:
          'A real-time change to a Customer profile: the given fields show on reads at once, until validUntil (default 4 h, at most 30 days) or until a refresh brings the same value; never changes segments or measures',
        params: ItemParams,
        body: Item,
        response: { 200: Item, 400: Problem, 404: Problem },
      },
    },
    async (req, reply) => {
      const { instance, entity, key } = req.params;
      const e = await entityOr404(instance, entity, reply);
      if (!e) return reply;
      if (e.name !== 'Customer')
        return sendProblem(reply, writeOnly(entity, 'Customer', 'Update item'), 405);
      const change = validateProfileChange(e, req.body, deps.now());
      if (!change.ok) return sendProblem(reply, change.error);
      const wh = await deps.warehouse.open(instance);
      const existing = await getItem(wh, e, key, deps.now());
      if (existing.ok && !existing.value) {
        return sendProblem(
          reply,
          makeError(ErrorCode.notFound, 'notFound', `no Customer with key "${key}"`, 'key'),
        );
      }
      await writeProfileChange(wh, key, change.value.values, change.value.validUntil, deps.now());
      const updated = await getItem(wh, { ...e, overlay: true }, key, deps.now());
      return updated.ok ? updated.value : sendProblem(reply, updated.error);
    },
  );

  app.delete<{ Params: ItemParamsT }>(
    '/v1/instances/:instance/data/:entity/:key',
    { config: { scope: 'write' }, schema: { hide: true, params: ItemParams } },
    (req, reply) =>
      sendProblem(
        reply.header('allow', 'GET, PATCH'),
        makeError(
          ErrorCode.validation,
          'user',
          `items of "${req.params.entity}" cannot be deleted through the API: profiles come from refreshes`,
          'entity',
        ),
        405,
      ),
  );
}

import type { FastifyInstance } from 'fastify';
import { ErrorCode, makeError } from '../../errors/index.js';
import { validateSource } from '../../sources/index.js';
import { quoteIdent, toTableName } from '../../warehouse/index.js';
import { Type } from '../../schema/index.js';
import type { ApiDeps } from '../api.deps.js';
import { Problem, sendProblem } from '../http.errors.js';
import { InstanceParams, type InstanceParamsT } from './params.js';

const DataSourceStatus = Type.Object({
  name: Type.String(),
  kind: Type.String(),
  status: Type.String({
    description: 'notStarted until the first refresh, then the last ingest status',
  }),
  lastRefresh: Type.Union([Type.String(), Type.Null()]),
  lastJobId: Type.Union([Type.String(), Type.Null()]),
  rowsRead: Type.Union([Type.Number(), Type.Null()]),
  rowsRejected: Type.Union([Type.Number(), Type.Null()]),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  owners: Type.Array(Type.String()),
  tables: Type.Array(Type.String()),
});

type SourceParams = InstanceParamsT & { name: string };
const SourceParamsSchema = Type.Object({ instance: Type.String(), name: Type.String() });

export function registerDataSourceRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Params: InstanceParamsT }>(
    '/v1/instances/:instance/manage/datasources',
    {
      schema: {
        tags: ['datasources'],
        operationId: 'ListDataSources',
        summary: 'List data sources with their refresh status',
        params: InstanceParams,
        response: { 200: Type.Object({ value: Type.Array(DataSourceStatus) }) },
      },
    },
    async (req) => {
      const { instance } = req.params;
      const refreshes = new Map(
        (await deps.state.lastSourceRefreshes(instance)).map((r) => [r.source, r]),
      );
      const sources = await deps.state.listSources(instance);
      return {
        value: sources.map((s) => {
          const r = refreshes.get(s.name);
          const def = s.definition as { tables?: { name: string }[] };
          return {
            name: s.name,
            kind: s.kind,
            status: r?.status ?? 'notStarted',
            lastRefresh: r?.endedAt ?? null,
            lastJobId: r?.jobId ?? null,
            rowsRead: r?.rowsRead ?? null,
            rowsRejected: r?.rowsRejected ?? null,
            error: r?.error ?? null,
            owners: s.owners,
            tables: (def.tables ?? []).map((t) => toTableName(s.name, t.name)),
          };
        }),
      };
    },
  );

  app.get<{ Params: SourceParams }>(
    '/v1/instances/:instance/manage/datasources/:name',
    {
      schema: {
        tags: ['datasources'],
        summary: 'Get a data source definition',
        params: SourceParamsSchema,
      },
    },
    async (req, reply) => {
      const row = await deps.state.getSource(req.params.instance, req.params.name);
      if (!row)
        return sendProblem(
          reply,
          makeError(ErrorCode.notFound, 'notFound', `no data source "${req.params.name}"`, 'name'),
        );
      return row.definition;
    },
  );

  app.put<{ Params: SourceParams; Body: unknown }>(
    '/v1/instances/:instance/manage/datasources/:name',
    {
      schema: {
        tags: ['datasources'],
        summary: 'Create or replace a data source (idempotent)',
        params: SourceParamsSchema,
        response: { 400: Problem },
      },
    },
    async (req, reply) => {
      const def = validateSource(req.body, 'body');
      if (!def.ok) return sendProblem(reply, def.error);
      if (def.value.name !== req.params.name) {
        return sendProblem(
          reply,
          makeError(
            ErrorCode.validation,
            'user',
            `body/name: must equal the path name "${req.params.name}"`,
            'body/name',
          ),
        );
      }
      const existing = await deps.state.getSource(req.params.instance, req.params.name);
      const at = deps.now().toISOString();
      await deps.state.upsertSource({
        instance: req.params.instance,
        name: def.value.name,
        kind: def.value.kind ?? 'files',
        owners: def.value.owners ?? [],
        definition: def.value,
        createdAt: existing?.createdAt ?? at,
        updatedAt: at,
      });
      return reply.code(existing ? 200 : 201).send(def.value);
    },
  );

  app.delete<{ Params: SourceParams }>(
    '/v1/instances/:instance/manage/datasources/:name',
    {
      schema: {
        tags: ['datasources'],
        summary: 'Remove a data source definition (its tables stay until dropped)',
        params: SourceParamsSchema,
      },
    },
    async (req, reply) => {
      await deps.state.deleteSource(req.params.instance, req.params.name);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: SourceParams; Querystring: { table: string; $top?: number; $skip?: number } }>(
    '/v1/instances/:instance/manage/datasources/:name/corrupt',
    {
      schema: {
        tags: ['datasources'],
        summary: 'Rows rejected by the last refresh of a table, with line and reason',
        params: SourceParamsSchema,
        querystring: Type.Object({
          table: Type.String(),
          $top: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 100 })),
          $skip: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
      },
    },
    async (req, reply) => {
      const { instance, name } = req.params;
      const source = await deps.state.getSource(instance, name);
      const tables = (
        (source?.definition as { tables?: { name: string }[] } | undefined)?.tables ?? []
      ).map((t) => t.name);
      if (!source || !tables.includes(req.query.table)) {
        return sendProblem(
          reply,
          makeError(
            ErrorCode.notFound,
            'notFound',
            `no table "${req.query.table}" in data source "${name}"`,
            'table',
          ),
        );
      }
      const wh = await deps.warehouse.open(instance);
      const corrupt = `${toTableName(name, req.query.table)}_corrupt`;
      if (!(await wh.tableExists(corrupt))) return { value: [] };
      const rows = await wh.query(
        `SELECT file, line, reason, raw FROM ${quoteIdent(corrupt)} LIMIT ? OFFSET ?`,
        [req.query.$top ?? 100, req.query.$skip ?? 0],
      );
      return { value: rows };
    },
  );
}

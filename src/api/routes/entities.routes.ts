/**
 * Entity management: the row schema behind the connector's dynamic schemas, partitions (V1: full snapshots; V2: also incremental upsert/delete partitions between the last two
 * refreshes) and status reports (V1 and V2) from external flows.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ErrorCode, makeError } from '../../errors/index.js';
import { describeEntity, listPartitions, readPartition } from '../../odata/index.js';
import { StringEnum, Type, type Static } from '../../schema/index.js';
import type { ApiDeps } from '../api.deps.js';
import { Problem, sendProblem } from '../http.errors.js';
import { InstanceParams, type InstanceParamsT } from './params.js';

const EntityParams = Type.Object({
  instance: Type.String({ description: "the instance (the connector's dataset)" }),
  entity: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
});
type EntityParamsT = Static<typeof EntityParams>;
const PartitionParams = Type.Object({ ...EntityParams.properties, partitionId: Type.String() });
type PartitionParamsT = Static<typeof PartitionParams>;

const Partition = Type.Object({
  partitionId: Type.String(),
  entity: Type.String(),
  kind: StringEnum(['full', 'upsert', 'delete'] as const),
  refreshJobId: Type.String(),
  createdAt: Type.String(),
  rowCount: Type.Integer(),
});

const ReportStatuses = [
  'successful',
  'completedWithWarnings',
  'failed',
  'running',
  'canceled',
] as const;
const StatusReportV1 = Type.Object(
  {
    reportType: Type.String({ minLength: 1, maxLength: 100, description: 'e.g. export' }),
    status: StringEnum(ReportStatuses),
    message: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);
const StatusReportV2 = Type.Object(
  {
    ...StatusReportV1.properties,
    runId: Type.Optional(Type.String({ maxLength: 200, description: "the flow run's id" })),
    details: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: false },
);
type StatusReportBody = Static<typeof StatusReportV2>;
const StatusReport = Type.Object({
  id: Type.String(),
  reportType: Type.String(),
  status: Type.String(),
  message: Type.Union([Type.String(), Type.Null()]),
  runId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
  connectionId: Type.Union([Type.String(), Type.Null()]),
  reportedAt: Type.String(),
});

const jsonTypes: Record<string, Record<string, string>> = {
  string: { type: 'string' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  date: { type: 'string', format: 'date' },
  datetime: { type: 'string', format: 'date-time' },
};

export function registerEntityRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Params: EntityParamsT }>(
    '/v1/instances/:instance/manage/entities/:entity/schema',
    {
      schema: {
        tags: ['data'],
        operationId: 'GetEntitySchema',
        summary: 'JSON schema of an entity row (for connector designers)',
        params: EntityParams,
        response: { 404: Problem },
      },
    },
    async (req, reply) => {
      const { instance, entity } = req.params;
      const e = await describeEntity(
        deps.state,
        await deps.warehouse.open(instance),
        instance,
        entity,
      );
      if (!e) {
        return sendProblem(
          reply,
          makeError(
            ErrorCode.notFound,
            'notFound',
            `no entity "${entity}" in instance "${instance}"`,
            'entity',
          ),
        );
      }
      const properties: Record<string, unknown> = {};
      for (const c of e.columns) {
        properties[c.name] = {
          ...(jsonTypes[c.category] ?? {}),
          'x-ms-summary': c.name,
          description: `${c.name} (${c.sqlType})`,
        };
      }
      return { schema: { type: 'object', properties } };
    },
  );

  for (const version of [1, 2] as const) {
    app.get<{ Params: EntityParamsT }>(
      `/v${version}/instances/:instance/manage/entities/:entity/partitions`,
      {
        schema: {
          tags: ['data'],
          operationId: version === 1 ? 'GetPartitions' : 'GetPartitionsV2',
          summary: `Retrieve partitions for an entity${version === 2 ? ' (V2)' : ''}`,
          description:
            version === 1
              ? 'Full snapshots written by each refresh, newest first'
              : 'Full snapshots and the incremental upsert and delete partitions between consecutive refreshes, newest first',
          params: EntityParams,
          response: { 200: Type.Object({ value: Type.Array(Partition) }) },
        },
      },
      (req) => ({
        value: listPartitions(deps.dataDir, req.params.instance, req.params.entity, version),
      }),
    );
  }

  app.get<{ Params: PartitionParamsT; Querystring: { $top?: number; $skip?: number } }>(
    '/v1/instances/:instance/manage/entities/:entity/partitions/:partitionId/data',
    {
      schema: {
        tags: ['data'],
        operationId: 'GetPartitionData',
        summary: 'Retrieve data from a partition',
        description: 'Rows of one partition; partitions never change, so $skip paging is stable',
        params: PartitionParams,
        querystring: Type.Object(
          {
            $top: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
            $skip: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            value: Type.Array(Type.Object({}, { additionalProperties: true })),
            '@odata.nextLink': Type.Optional(Type.String()),
          }),
          404: Problem,
        },
      },
    },
    async (req, reply) => {
      const { instance, entity, partitionId } = req.params;
      const top = req.query.$top ?? 1000;
      const skip = req.query.$skip ?? 0;
      const page = await readPartition({
        wh: await deps.warehouse.open(instance),
        dataDir: deps.dataDir,
        instance,
        entity,
        partitionId,
        top,
        skip,
      });
      if (!page) {
        return sendProblem(
          reply,
          makeError(
            ErrorCode.notFound,
            'notFound',
            `no partition "${partitionId}" of entity "${entity}"`,
            'partitionId',
          ),
        );
      }
      const next = `${req.protocol}://${req.host}${req.url.split('?')[0]!}?$top=${top}&$skip=${skip + top}`;
      return { value: page.rows, ...(page.more && { '@odata.nextLink': next }) };
    },
  );

  for (const version of [1, 2] as const) {
    app.post<{ Params: InstanceParamsT; Body: StatusReportBody }>(
      `/v${version}/instances/:instance/statusreports`,
      {
        config: { scope: 'write' },
        schema: {
          tags: ['statusreports'],
          operationId: version === 1 ? 'SendStatusReport' : 'SendStatusReportV2',
          summary: `Sends the status report${version === 2 ? ' (V2)' : ''}`,
          description:
            'An external flow reports the outcome of its run; it appears in the status history',
          params: InstanceParams,
          body: version === 1 ? StatusReportV1 : StatusReportV2,
          response: { 201: StatusReport, 400: Problem },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const row = {
          id: randomUUID(),
          instance: req.params.instance,
          reportType: b.reportType,
          status: b.status,
          message: b.message ?? null,
          runId: b.runId ?? null,
          details: (b.details ?? null) as Record<string, unknown> | null,
          connectionId: req.principal?.id ?? null,
          reportedAt: deps.now().toISOString(),
        };
        await deps.state.appendStatusReport(row);
        return reply
          .code(201)
          .header('location', `/v1/instances/${req.params.instance}/statusreports/${row.id}`)
          .send(row);
      },
    );
  }

  app.get<{ Params: InstanceParamsT; Querystring: { $top?: number; $skip?: number } }>(
    '/v1/instances/:instance/statusreports',
    {
      schema: {
        tags: ['statusreports'],
        operationId: 'ListStatusReports',
        summary: 'Status reports sent by external flows, newest first',
        params: InstanceParams,
        querystring: Type.Object(
          {
            $top: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
            $skip: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ value: Type.Array(StatusReport) }) },
      },
    },
    async (req) => ({
      value: await deps.state.listStatusReports(req.params.instance, {
        limit: req.query.$top ?? 50,
        offset: req.query.$skip ?? 0,
      }),
    }),
  );
}

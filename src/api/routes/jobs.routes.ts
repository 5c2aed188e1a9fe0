import type { FastifyInstance } from 'fastify';
import { ErrorCode, makeError } from '../../errors/index.js';
import { StringEnum, Type } from '../../schema/index.js';
import { TaskStatuses, type JobRow, type TaskRow } from '../../state/index.js';
import type { ApiDeps } from '../api.deps.js';
import { Problem, sendProblem } from '../http.errors.js';
import { InstanceParams, type InstanceParamsT } from './params.js';

const Status = StringEnum(TaskStatuses);
const Task = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  status: Status,
  attempts: Type.Integer(),
  dependsOn: Type.Array(Type.String()),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Union([Type.Number(), Type.Null()]),
  rowsRead: Type.Union([Type.Number(), Type.Null()]),
  rowsRejected: Type.Union([Type.Number(), Type.Null()]),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  details: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
});
const Job = Type.Object({
  jobId: Type.String(),
  instance: Type.String(),
  status: Status,
  submissionKind: StringEnum(['onDemand', 'scheduled'] as const),
  jobType: StringEnum(['full', 'scoped'] as const),
  identifiers: Type.Array(Type.String()),
  createdAt: Type.String(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  tasks: Type.Optional(Type.Array(Task)),
});

function duration(a: string | null, b: string | null): number | null {
  return a && b ? new Date(b).getTime() - new Date(a).getTime() : null;
}

function toJob(job: JobRow, tasks?: TaskRow[]): Record<string, unknown> {
  const { id, cancelRequested: _c, ...rest } = job;
  return {
    jobId: id,
    ...rest,
    ...(tasks && {
      tasks: tasks.map(({ jobId: _j, ...t }) => ({
        ...t,
        durationMs: duration(t.startedAt, t.endedAt),
      })),
    }),
  };
}

const JobParams = Type.Object({ instance: Type.String(), jobId: Type.String() });
type JobParamsT = InstanceParamsT & { jobId: string };

export function registerJobRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const base = '/v1/instances/:instance/workflows/main/jobs';

  app.post<{
    Params: InstanceParamsT;
    Querystring: { operationType?: 'all' | 'ingestion'; identifiers?: string };
  }>(
    base,
    {
      schema: {
        tags: ['jobs'],
        summary: 'Start a refresh job (queued, or coalesced into the one already waiting)',
        params: InstanceParams,
        querystring: Type.Object({
          operationType: Type.Optional(
            StringEnum(['all', 'ingestion'] as const, { default: 'all' }),
          ),
          identifiers: Type.Optional(
            Type.String({ description: 'comma-separated data source names; omit for a full job' }),
          ),
        }),
        response: {
          202: Type.Object({ jobId: Type.String(), status: Status, coalesced: Type.Boolean() }),
          400: Problem,
          404: Problem,
        },
      },
    },
    async (req, reply) => {
      const identifiers = (req.query.identifiers ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      const r = await deps.refresh.submit({
        instance: req.params.instance,
        submissionKind: 'onDemand',
        identifiers,
        operationType: req.query.operationType ?? 'all',
      });
      if (!r.ok) return sendProblem(reply, { ...r.error, field: 'querystring/identifiers' }, 400);
      return reply
        .code(202)
        .header(
          'location',
          `/v1/instances/${req.params.instance}/workflows/main/jobs/${r.value.jobId}`,
        )
        .send(r.value);
    },
  );

  app.get<{ Params: InstanceParamsT; Querystring: { $top?: number; $skip?: number } }>(
    base,
    {
      schema: {
        tags: ['jobs'],
        summary: 'Job history, newest first',
        params: InstanceParams,
        querystring: Type.Object({
          $top: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
          $skip: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: { 200: Type.Object({ value: Type.Array(Job) }) },
      },
    },
    async (req) => {
      const jobs = await deps.state.listJobs(req.params.instance, {
        limit: req.query.$top ?? 50,
        offset: req.query.$skip ?? 0,
      });
      return { value: jobs.map((j) => toJob(j)) };
    },
  );

  app.get<{ Params: JobParamsT }>(
    `${base}/:jobId`,
    {
      schema: {
        tags: ['jobs'],
        summary: 'One job with its tasks',
        params: JobParams,
        response: { 200: Job, 404: Problem },
      },
    },
    async (req, reply) => {
      const job = await deps.state.getJob(req.params.jobId);
      if (!job || job.instance !== req.params.instance) {
        return sendProblem(
          reply,
          makeError(
            ErrorCode.notFound,
            'notFound',
            `no job "${req.params.jobId}" in instance "${req.params.instance}"`,
            'jobId',
          ),
        );
      }
      return toJob(job, await deps.state.listTasks(job.id));
    },
  );

  app.post<{ Params: JobParamsT }>(
    `${base}/:jobId/cancel`,
    {
      schema: {
        tags: ['jobs'],
        summary: 'Cancel a queued or running job',
        params: JobParams,
        response: { 200: Job, 404: Problem, 409: Problem },
      },
    },
    async (req, reply) => {
      const job = await deps.state.getJob(req.params.jobId);
      if (!job || job.instance !== req.params.instance) {
        return sendProblem(
          reply,
          makeError(
            ErrorCode.notFound,
            'notFound',
            `no job "${req.params.jobId}" in instance "${req.params.instance}"`,
            'jobId',
          ),
        );
      }
      const r = await deps.refresh.cancel(job.id);
      if (!r.ok) return sendProblem(reply, r.error);
      return toJob(r.value, await deps.state.listTasks(job.id));
    },
  );
}

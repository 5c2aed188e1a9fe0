import type { FastifyInstance } from 'fastify';
import { nextRuns, saveSchedule, ScheduleBody, validateSchedule } from '../../refresh/index.js';
import { Type, type Static } from '../../schema/index.js';
import type { ApiDeps } from '../api.deps.js';
import { Problem, sendProblem } from '../http.errors.js';
import { InstanceParams, type InstanceParamsT } from './params.js';

const Schedule = Type.Object({
  isActive: Type.Boolean(),
  timezoneId: Type.String(),
  cronSchedules: Type.Array(Type.String()),
  nextRunAt: Type.Union([Type.String(), Type.Null()]),
  upcoming: Type.Array(Type.String(), { description: 'the next five runs, UTC' }),
});

const PreviewQuery = Type.Object(
  {
    timezoneId: Type.Optional(
      Type.String({ minLength: 1, description: 'IANA time zone; default: the saved one' }),
    ),
    cronSchedules: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'cron times (repeat the parameter); default: the saved ones',
      }),
    ),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 5 })),
  },
  { additionalProperties: false },
);
type PreviewQueryT = Static<typeof PreviewQuery>;

export function registerScheduleRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const path = '/v1/instances/:instance/workflows/main/schedules';
  const present = (s: {
    isActive: boolean;
    timezoneId: string;
    cronSchedules: string[];
    nextRunAt: string | null;
  }): unknown => ({
    isActive: s.isActive,
    timezoneId: s.timezoneId,
    cronSchedules: s.cronSchedules,
    nextRunAt: s.nextRunAt,
    upcoming: s.isActive ? nextRuns(s, deps.now(), 5).map((d) => d.toISOString()) : [],
  });

  app.get<{ Params: InstanceParamsT }>(
    path,
    {
      schema: {
        tags: ['schedules'],
        summary: 'The refresh schedule',
        params: InstanceParams,
        response: { 200: Schedule },
      },
    },
    async (req) => {
      const s = await deps.state.getSchedule(req.params.instance);
      return present(
        s ?? { isActive: false, timezoneId: 'UTC', cronSchedules: [], nextRunAt: null },
      );
    },
  );

  app.put<{ Params: InstanceParamsT; Body: unknown }>(
    path,
    {
      schema: {
        tags: ['schedules'],
        summary: 'Replace the refresh schedule',
        params: InstanceParams,
        body: ScheduleBody,
        response: { 200: Schedule, 400: Problem },
      },
    },
    async (req, reply) => {
      const body = validateSchedule(req.body, 'body');
      if (!body.ok) return sendProblem(reply, body.error);
      return present(await saveSchedule(deps.state, req.params.instance, body.value, deps.now()));
    },
  );

  // Lets an editor show when an unsaved schedule would run; parameters left out come from the saved
  // schedule, so `?count=10` previews the saved one. Runs are computed whether or not it is active.
  app.get<{ Params: InstanceParamsT; Querystring: PreviewQueryT }>(
    `${path}/preview`,
    {
      schema: {
        tags: ['schedules'],
        summary: 'Preview the next runs of a schedule (the saved one, or one given in the query)',
        params: InstanceParams,
        querystring: PreviewQuery,
        response: {
          200: Type.Object({
            timezoneId: Type.String(),
            cronSchedules: Type.Array(Type.String()),
            value: Type.Array(Type.String(), { description: 'the next runs, UTC' }),
          }),
          400: Problem,
        },
      },
    },
    async (req, reply) => {
      const saved = await deps.state.getSchedule(req.params.instance);
      const candidate = validateSchedule(
        {
          isActive: true,
          timezoneId: req.query.timezoneId ?? saved?.timezoneId ?? 'UTC',
          cronSchedules: req.query.cronSchedules ?? saved?.cronSchedules ?? [],
        },
        'querystring',
      );
      if (!candidate.ok) return sendProblem(reply, candidate.error);
      const { timezoneId, cronSchedules } = candidate.value;
      return {
        timezoneId,
        cronSchedules,
        value: nextRuns(candidate.value, deps.now(), req.query.count ?? 5).map((d) =>
          d.toISOString(),
        ),
      };
    },
  );
}

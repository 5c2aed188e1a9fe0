import type { FastifyInstance } from 'fastify';
import { nextRuns, saveSchedule, ScheduleBody, validateSchedule } from '../../refresh/index.js';
import { Type } from '../../schema/index.js';
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
}

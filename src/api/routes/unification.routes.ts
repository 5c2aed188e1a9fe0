import type { FastifyInstance } from 'fastify';
import { ErrorCode, makeError } from '../../errors/index.js';
import { Type } from '../../schema/index.js';
import { validateSource, type SourceDefinition } from '../../sources/index.js';
import {
  UNIFICATION_KIND,
  UNIFICATION_NAME,
  UnificationDefinition,
  resolveUnification,
  type UnifyPlan,
} from '../../unify/index.js';
import type { ApiDeps } from '../api.deps.js';
import { Problem, sendProblem } from '../http.errors.js';
import { InstanceParams, type InstanceParamsT } from './params.js';

const Resolved = Type.Object({
  definition: Type.Unknown(),
  resolved: Type.Object({
    mode: Type.String(),
    tables: Type.Array(Type.String()),
    attributes: Type.Array(Type.String()),
    rules: Type.Array(Type.String()),
    comparisons: Type.Array(Type.String()),
    blocking: Type.Array(Type.Array(Type.String())),
    threshold: Type.Number(),
  }),
  updatedAt: Type.String(),
});

function summarize(plan: UnifyPlan): unknown {
  return {
    mode: plan.mode,
    tables: plan.tables.map((t) => t.ref),
    attributes: plan.attributes.map((a) => a.name),
    rules: plan.rules.map((r) => r.name),
    comparisons: plan.probabilistic.comparisons,
    blocking: plan.probabilistic.blocking,
    threshold: plan.probabilistic.threshold,
  };
}

/** The unification definition of an instance: validated against its data sources on PUT. */
export function registerUnificationRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const path = '/v1/instances/:instance/manage/unification';
  const sourcesOf = async (instance: string): Promise<SourceDefinition[]> =>
    (await deps.state.listSources(instance)).flatMap((s) => {
      const v = validateSource(s.definition);
      return v.ok ? [v.value] : [];
    });

  app.get<{ Params: InstanceParamsT }>(
    path,
    {
      schema: {
        tags: ['unification'],
        summary: 'The unification definition, with the defaults it resolves to',
        params: InstanceParams,
        response: { 200: Resolved, 404: Problem },
      },
    },
    async (req, reply) => {
      const { instance } = req.params;
      const row = await deps.state.getDefinition(instance, UNIFICATION_KIND, UNIFICATION_NAME);
      if (!row) {
        return sendProblem(
          reply,
          makeError(
            ErrorCode.notFound,
            'notFound',
            `instance "${instance}" has no unification definition`,
          ),
        );
      }
      const plan = resolveUnification(row.body, await sourcesOf(instance), 'definition');
      if (!plan.ok) return sendProblem(reply, plan.error);
      return { definition: row.body, resolved: summarize(plan.value), updatedAt: row.updatedAt };
    },
  );

  app.put<{ Params: InstanceParamsT; Body: unknown }>(
    path,
    {
      schema: {
        tags: ['unification'],
        summary: 'Replace the unification definition (map, match and merge settings)',
        params: InstanceParams,
        body: UnificationDefinition,
        response: { 200: Resolved, 400: Problem },
      },
    },
    async (req, reply) => {
      const { instance } = req.params;
      const plan = resolveUnification(req.body, await sourcesOf(instance), 'body');
      if (!plan.ok) return sendProblem(reply, plan.error);
      const at = deps.now().toISOString();
      const existing = await deps.state.getDefinition(instance, UNIFICATION_KIND, UNIFICATION_NAME);
      await deps.state.upsertDefinition({
        instance,
        kind: UNIFICATION_KIND,
        name: UNIFICATION_NAME,
        owners: [],
        body: req.body,
        createdAt: existing?.createdAt ?? at,
        updatedAt: at,
      });
      return { definition: req.body, resolved: summarize(plan.value), updatedAt: at };
    },
  );

  app.delete<{ Params: InstanceParamsT }>(
    path,
    {
      schema: {
        tags: ['unification'],
        summary: 'Remove the unification definition (match and merge stop running)',
        params: InstanceParams,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await deps.state.deleteDefinition(req.params.instance, UNIFICATION_KIND, UNIFICATION_NAME);
      return reply.code(204).send();
    },
  );
}

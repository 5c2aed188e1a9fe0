/**
 * Built-in flows: `…/instances/{instance}/flows` (create from a body or `?template=<name>`,
 * replace, enable/disable, delete), `…/flows/{name}/test` (send test on the event type's sample),
 * `…/flows/{name}/runs`, and `/v1/flow-templates` (the ready-made flows and their parameters).
 * A flow's deliveries are in the delivery log (`?subscription=<subscriptionId>`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, makeError, type Result } from '../../errors/index.js';
import { flowTemplates, type FlowView } from '../../flows/index.js';
import { Type, validate } from '../../schema/index.js';
import type { FlowRunRow } from '../../state/index.js';
import type { ApiDeps } from '../api.deps.js';
import { Problem, sendProblem } from '../http.errors.js';
import { InstanceParams, type InstanceParamsT } from './params.js';

const tags = ['flows'];
const NameParams = Type.Object({ instance: Type.String(), name: Type.String() });
type NameParamsT = InstanceParamsT & { name: string };
const FlowBody = Type.Object({}, { additionalProperties: true, description: 'docs/flows.md' });

function locationOf(req: FastifyRequest, instance: string, name: string): string {
  const path = `/v1/instances/${encodeURIComponent(instance)}/flows/${encodeURIComponent(name)}`;
  return `${req.protocol}://${req.host}${path}`;
}

function presentRun(r: FlowRunRow): Record<string, unknown> {
  return {
    id: r.id,
    flow: r.flow,
    test: r.test,
    deliveryId: r.deliveryId,
    attempt: r.attempt,
    eventId: r.eventId,
    eventType: r.eventType,
    event: r.event,
    conditionHeld: r.conditionHeld,
    status: r.status,
    retry: r.retry,
    actions: r.actions,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
  };
}

function reply201(
  req: FastifyRequest<{ Params: InstanceParamsT }>,
  reply: FastifyReply,
  r: Result<{ created: boolean; flow: FlowView }>,
  createdOnly: boolean,
): unknown {
  if (!r.ok) return sendProblem(reply, r.error);
  const code = createdOnly || r.value.created ? 201 : 200;
  return reply
    .code(code)
    .header('location', locationOf(req, req.params.instance, r.value.flow.name))
    .send(r.value.flow);
}

export function registerFlowRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const base = '/v1/instances/:instance/flows';
  const { flows } = deps;

  app.get(
    '/v1/flow-templates',
    { schema: { tags, summary: 'The ready-made flows and their parameters' } },
    () => ({
      value: flowTemplates.map((t) => ({
        name: t.name,
        title: t.title,
        description: t.description,
        event: t.event,
        parameters: t.parameters,
      })),
    }),
  );

  app.get<{ Params: InstanceParamsT }>(
    base,
    {
      schema: { tags, summary: 'List flows with their state and last run', params: InstanceParams },
    },
    async (req) => ({ value: await flows.list(req.params.instance) }),
  );

  app.post<{ Params: InstanceParamsT; Querystring: { template?: string }; Body: unknown }>(
    base,
    {
      schema: {
        tags,
        summary:
          'Create a flow (409 if the name exists); with ?template=<name> the body holds the template parameters',
        params: InstanceParams,
        querystring: Type.Object({ template: Type.Optional(Type.String({ minLength: 1 })) }),
        body: FlowBody,
        response: { 400: Problem, 409: Problem },
      },
    },
    async (req, reply) => {
      const { instance } = req.params;
      if (req.query.template !== undefined) {
        const r = await flows.createFromTemplate(
          instance,
          req.query.template,
          req.body,
          deps.now(),
        );
        return reply201(req, reply, r, true);
      }
      const name = (req.body as { name?: unknown }).name;
      if (typeof name === 'string' && (await flows.get(instance, name))) {
        return sendProblem(
          reply,
          makeError(ErrorCode.conflict, 'conflict', `flow "${name}" already exists`, 'body/name'),
        );
      }
      return reply201(req, reply, await flows.save(instance, req.body, 'body', deps.now()), true);
    },
  );

  app.get<{ Params: NameParamsT }>(
    `${base}/:name`,
    { schema: { tags, summary: 'One flow', params: NameParams, response: { 404: Problem } } },
    async (req, reply) => {
      const f = await flows.get(req.params.instance, req.params.name);
      return (
        f ??
        sendProblem(
          reply,
          makeError(ErrorCode.notFound, 'notFound', `no flow "${req.params.name}"`, 'name'),
        )
      );
    },
  );

  app.put<{ Params: NameParamsT; Body: unknown }>(
    `${base}/:name`,
    {
      schema: {
        tags,
        summary: 'Create or replace a flow (idempotent)',
        params: NameParams,
        body: FlowBody,
        response: { 400: Problem },
      },
    },
    async (req, reply) => {
      if ((req.body as { name?: unknown }).name !== req.params.name) {
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
      const r = await flows.save(req.params.instance, req.body, 'body', deps.now());
      return reply201(req, reply, r, false);
    },
  );

  app.patch<{ Params: NameParamsT; Body: { enabled: boolean } }>(
    `${base}/:name`,
    {
      schema: {
        tags,
        summary: 'Enable or disable a flow',
        params: NameParams,
        body: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }),
        response: { 404: Problem },
      },
    },
    async (req, reply) => {
      const r = await flows.setEnabled(
        req.params.instance,
        req.params.name,
        req.body.enabled,
        deps.now(),
      );
      return r.ok ? r.value : sendProblem(reply, r.error);
    },
  );

  app.delete<{ Params: NameParamsT }>(
    `${base}/:name`,
    {
      schema: {
        tags,
        summary: 'Delete a flow (its pending deliveries end canceled; its runs stay)',
        params: NameParams,
        response: { 204: Type.Null(), 404: Problem },
      },
    },
    async (req, reply) => {
      const r = await flows.remove(req.params.instance, req.params.name, deps.now());
      return r.ok ? reply.code(204).send() : sendProblem(reply, r.error);
    },
  );

  const TestBody = Type.Object(
    {
      force: Type.Optional(
        Type.Boolean({ description: 'perform the actions even if the condition does not hold' }),
      ),
    },
    { additionalProperties: false },
  );

  // The body is optional (a bare POST sends a test), so it is validated here, not by the route.
  app.post<{ Params: NameParamsT; Body: unknown }>(
    `${base}/:name/test`,
    {
      schema: {
        tags,
        summary:
          "Send test: run the flow now on its event type's sample (with the trigger's subject); body {force?}; returns the run",
        params: NameParams,
        response: { 400: Problem, 404: Problem },
      },
    },
    async (req, reply) => {
      const body = validate(TestBody, req.body ?? {}, 'body');
      if (!body.ok) return sendProblem(reply, body.error);
      const r = await flows.test(
        req.params.instance,
        req.params.name,
        { force: body.value.force ?? false },
        deps.now(),
        AbortSignal.timeout(60_000),
      );
      return r.ok ? presentRun(r.value) : sendProblem(reply, r.error);
    },
  );

  app.get<{ Params: NameParamsT; Querystring: { $top?: number; $skip?: number } }>(
    `${base}/:name/runs`,
    {
      schema: {
        tags,
        summary:
          "A flow's runs, newest first: the event, whether the condition held, each action's request and outcome",
        params: NameParams,
        querystring: Type.Object({
          $top: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          $skip: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: { 404: Problem },
      },
    },
    async (req, reply) => {
      const { instance, name } = req.params;
      if (
        !(await flows.get(instance, name)) &&
        (await flows.runs(instance, name, { limit: 1, offset: 0 })).length === 0
      ) {
        return sendProblem(
          reply,
          makeError(ErrorCode.notFound, 'notFound', `no flow "${name}"`, 'name'),
        );
      }
      const top = req.query.$top ?? 50;
      const skip = req.query.$skip ?? 0;
      const rows = await flows.runs(instance, name, { limit: top + 1, offset: skip });
      return {
        value: rows.slice(0, top).map(presentRun),
        ...(rows.length > top && {
          '@odata.nextLink': `${req.protocol}://${req.host}${req.url.split('?')[0]}?$top=${top}&$skip=${skip + top}`,
        }),
      };
    },
  );
}

/**
 * The manage routes shared by segments and measures: list, get, create, replace, delete, history,
 * a dry run and a by-hand evaluation. Bodies are validated by the domain (the rule and measure
 * languages need the warehouse and the other definitions), which names the offending path.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ErrorCode, makeError, type AppError, type Result } from '../../errors/index.js';
import { Type } from '../../schema/index.js';
import type { MetricRow } from '../../state/index.js';
import { Problem, sendProblem } from '../http.errors.js';
import { InstanceParams, type InstanceParamsT } from './params.js';

export interface DefinitionApi<D extends { name: string }> {
  /** Path segment and OpenAPI tag, e.g. `segments`. */
  plural: string;
  /** What one is called in messages, e.g. `segment`. */
  singular: string;
  /** Operation id of the list route; the connector's dropdowns call it (e.g. `ListSegments`). */
  listOperationId: string;
  /**
   * Boolean filters of the list route by querystring name: `?<name>=true` keeps the definitions
   * the test holds for, `false` the others (e.g. measures' `scalar`).
   */
  listFilters?: Record<string, { description: string; test: (definition: D) => boolean }>;
  list(instance: string): Promise<D[]>;
  get(instance: string, name: string): Promise<D | undefined>;
  save(
    instance: string,
    body: unknown,
    base: string,
    now: Date,
  ): Promise<Result<{ created: boolean; definition: D }>>;
  remove(instance: string, name: string): Promise<Result<boolean>>;
  preview(instance: string, body: unknown, base: string, now: Date): Promise<Result<unknown>>;
  evaluate(instance: string, name: string, now: Date): Promise<Result<unknown>>;
  history(instance: string, name: string, limit: number): Promise<MetricRow[]>;
  toHistoryEntry(row: MetricRow): Record<string, unknown>;
}

type NameParams = InstanceParamsT & { name: string };
const NameParamsSchema = Type.Object({ instance: Type.String(), name: Type.String() });
const Definition = Type.Object({}, { additionalProperties: true });

function reportResult<T>(reply: FastifyReply, r: Result<T>, send: (v: T) => unknown): unknown {
  return r.ok ? send(r.value) : sendProblem(reply, r.error);
}

export function registerDefinitionRoutes<D extends { name: string }>(
  app: FastifyInstance,
  api: DefinitionApi<D>,
  now: () => Date,
): void {
  const base = `/v1/instances/:instance/manage/${api.plural}`;
  const tags = [api.plural];
  const notFound = (name: string): AppError =>
    makeError(ErrorCode.notFound, 'notFound', `no ${api.singular} "${name}"`, 'name');

  const filters = Object.entries(api.listFilters ?? {});
  app.get<{ Params: InstanceParamsT; Querystring: Record<string, boolean | undefined> }>(
    base,
    {
      schema: {
        tags,
        operationId: api.listOperationId,
        summary: `List ${api.plural} with their last evaluation`,
        description: `The ${api.plural} of the instance, by name, each with its last evaluation`,
        params: InstanceParams,
        querystring: Type.Object(
          Object.fromEntries(
            filters.map(([name, f]) => [
              name,
              Type.Optional(Type.Boolean({ description: f.description })),
            ]),
          ),
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const defs = (await api.list(req.params.instance)).filter((d) =>
        filters.every(
          ([name, f]) => req.query[name] === undefined || f.test(d) === req.query[name],
        ),
      );
      const value = [];
      for (const d of defs) {
        const [last] = await api.history(req.params.instance, d.name, 1);
        value.push({ ...d, lastEvaluation: last ? api.toHistoryEntry(last) : null });
      }
      return { value };
    },
  );

  app.get<{ Params: NameParams }>(
    `${base}/:name`,
    { schema: { tags, summary: `Get a ${api.singular} definition`, params: NameParamsSchema } },
    async (req, reply) => {
      const d = await api.get(req.params.instance, req.params.name);
      return d ?? sendProblem(reply, notFound(req.params.name));
    },
  );

  app.post<{ Params: InstanceParamsT; Body: unknown }>(
    base,
    {
      schema: {
        tags,
        summary: `Create a ${api.singular} (409 if the name exists)`,
        params: InstanceParams,
        body: Definition,
        response: { 400: Problem, 409: Problem },
      },
    },
    async (req, reply) => {
      const name = (req.body as { name?: unknown }).name;
      if (typeof name === 'string' && (await api.get(req.params.instance, name))) {
        return sendProblem(
          reply,
          makeError(
            ErrorCode.conflict,
            'conflict',
            `${api.singular} "${name}" already exists`,
            'body/name',
          ),
        );
      }
      const r = await api.save(req.params.instance, req.body, 'body', now());
      return reportResult(reply, r, (v) =>
        reply
          .code(201)
          .header(
            'location',
            `/v1/instances/${req.params.instance}/manage/${api.plural}/${v.definition.name}`,
          )
          .send(v.definition),
      );
    },
  );

  app.put<{ Params: NameParams; Body: unknown }>(
    `${base}/:name`,
    {
      schema: {
        tags,
        summary: `Create or replace a ${api.singular} (idempotent)`,
        params: NameParamsSchema,
        body: Definition,
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
      const r = await api.save(req.params.instance, req.body, 'body', now());
      return reportResult(reply, r, (v) => reply.code(v.created ? 201 : 200).send(v.definition));
    },
  );

  app.delete<{ Params: NameParams }>(
    `${base}/:name`,
    {
      schema: {
        tags,
        summary: `Remove a ${api.singular} (409 while a segment reads it; history stays)`,
        params: NameParamsSchema,
        response: { 409: Problem },
      },
    },
    async (req, reply) =>
      reportResult(reply, await api.remove(req.params.instance, req.params.name), () =>
        reply.code(204).send(),
      ),
  );

  app.get<{ Params: NameParams; Querystring: { $top?: number } }>(
    `${base}/:name/history`,
    {
      schema: {
        tags,
        summary: `Evaluations of a ${api.singular}, oldest first (the last $top)`,
        params: NameParamsSchema,
        querystring: Type.Object({
          $top: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 100 })),
        }),
      },
    },
    async (req, reply) => {
      const { instance, name } = req.params;
      const rows = await api.history(instance, name, req.query.$top ?? 100);
      if (rows.length === 0 && !(await api.get(instance, name))) {
        return sendProblem(reply, notFound(name));
      }
      return { value: rows.map((r) => api.toHistoryEntry(r)) };
    },
  );

  app.post<{ Params: InstanceParamsT; Body: unknown }>(
    `${base}/preview`,
    {
      schema: {
        tags,
        summary: `Dry run: evaluate a ${api.singular} definition without saving anything`,
        params: InstanceParams,
        body: Definition,
        response: { 400: Problem },
      },
    },
    async (req, reply) =>
      reportResult(
        reply,
        await api.preview(req.params.instance, req.body, 'body', now()),
        (v) => v,
      ),
  );

  app.post<{ Params: NameParams }>(
    `${base}/:name/evaluate`,
    {
      schema: {
        tags,
        summary: `Evaluate a stored ${api.singular} now, outside a refresh (how static segments refresh)`,
        params: NameParamsSchema,
      },
    },
    async (req, reply) =>
      reportResult(
        reply,
        await api.evaluate(req.params.instance, req.params.name, now()),
        (v) => v,
      ),
  );
}

import type { FastifyInstance } from 'fastify';
import { ErrorCode, makeError } from '../../errors/index.js';
import { Identifier, Type, type Static } from '../../schema/index.js';
import type { ApiDeps } from '../api.deps.js';
import { principalSeesInstance } from '../auth.js';
import { Problem, sendProblem } from '../http.errors.js';

const Instance = Type.Object({ name: Type.String(), createdAt: Type.String() });
const CreateInstance = Type.Object({ name: Identifier }, { additionalProperties: false });

export function registerInstanceRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get(
    '/v1/instances',
    {
      schema: {
        tags: ['instances'],
        operationId: 'ListInstances',
        summary: 'List instances',
        response: { 200: Type.Object({ value: Type.Array(Instance) }) },
      },
    },
    async (req) => {
      const principal = req.principal;
      const all = await deps.state.listInstances();
      // A key sees only its own instances: the others are not listed (and answer 404 elsewhere).
      return {
        value: principal ? all.filter((i) => principalSeesInstance(principal, i.name)) : [],
      };
    },
  );

  app.post<{ Body: Static<typeof CreateInstance> }>(
    '/v1/instances',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['instances'],
        summary: 'Create an instance (its own warehouse file)',
        body: CreateInstance,
        response: { 201: Instance, 409: Problem },
      },
    },
    async (req, reply) => {
      const row = { name: req.body.name, createdAt: deps.now().toISOString() };
      if (!(await deps.state.createInstance(row))) {
        return sendProblem(
          reply,
          makeError(
            ErrorCode.conflict,
            'conflict',
            `instance "${row.name}" already exists`,
            'body/name',
          ),
        );
      }
      await deps.warehouse.open(row.name);
      return reply.code(201).header('location', `/v1/instances/${row.name}`).send(row);
    },
  );
}

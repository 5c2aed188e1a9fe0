/**
 * Connections: API keys with instances, scopes and a rate limit. Admin scope only. The key is in
 * the 201 answer and nowhere else; revocation takes effect on the next call.
 */
import type { FastifyInstance } from 'fastify';
import { ErrorCode, makeError } from '../../errors/index.js';
import { StringEnum, Type, type Static } from '../../schema/index.js';
import { Scopes, type ConnectionRow } from '../../state/index.js';
import type { ApiDeps } from '../api.deps.js';
import { generateConnectionKey, hashKey } from '../auth.js';
import { Problem, sendProblem } from '../http.errors.js';

const RateLimit = Type.Object(
  {
    calls: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 100 }),
    windowSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 60 }),
  },
  { additionalProperties: false },
);

const CreateConnection = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    instances: Type.Array(Type.String({ pattern: '^(\\*|[A-Za-z][A-Za-z0-9_]{0,62})$' }), {
      minItems: 1,
      description: 'instances the key may use; ["*"] for all',
    }),
    scopes: Type.Array(StringEnum(Scopes), {
      minItems: 1,
      uniqueItems: true,
      description: 'read, write, manage, subscribe, admin (admin implies the others)',
    }),
    rateLimit: Type.Optional(RateLimit),
  },
  { additionalProperties: false },
);

const Connection = Type.Object({
  id: Type.String(),
  name: Type.String(),
  instances: Type.Array(Type.String()),
  scopes: Type.Array(Type.String()),
  rateLimit: Type.Object({ calls: Type.Integer(), windowSeconds: Type.Integer() }),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});
const CreatedConnection = Type.Object({
  ...Connection.properties,
  key: Type.String({ description: 'the secret, shown only in this answer' }),
});

function present(row: ConnectionRow): Static<typeof Connection> {
  return {
    id: row.id,
    name: row.name,
    instances: row.instances,
    scopes: row.scopes,
    rateLimit: { calls: row.rateLimit, windowSeconds: row.rateWindowSeconds },
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
  };
}

const IdParams = Type.Object({ id: Type.String() });
const admin = { scope: 'admin' as const };

export function registerConnectionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const notFound = (id: string): ReturnType<typeof makeError> =>
    makeError(ErrorCode.notFound, 'notFound', `no connection "${id}"`, 'id');

  app.post<{ Body: Static<typeof CreateConnection> }>(
    '/v1/connections',
    {
      config: admin,
      schema: {
        tags: ['connections'],
        operationId: 'CreateConnection',
        summary: 'Create a connection (API key); the key is shown once',
        body: CreateConnection,
        response: { 201: CreatedConnection, 400: Problem },
      },
    },
    async (req, reply) => {
      const { name, instances, scopes, rateLimit } = req.body;
      for (const [i, instance] of instances.entries()) {
        if (instance !== '*' && !(await deps.state.getInstance(instance))) {
          return sendProblem(
            reply,
            makeError(
              ErrorCode.validation,
              'user',
              `body/instances/${i}: no instance "${instance}"`,
              `body/instances/${i}`,
            ),
          );
        }
      }
      const { id, key } = generateConnectionKey();
      const row: ConnectionRow = {
        id,
        name,
        instances,
        scopes,
        keyHash: hashKey(key),
        rateLimit: rateLimit?.calls ?? 100,
        rateWindowSeconds: rateLimit?.windowSeconds ?? 60,
        createdAt: deps.now().toISOString(),
        revokedAt: null,
      };
      await deps.state.createConnection(row);
      return reply
        .code(201)
        .header('location', `/v1/connections/${id}`)
        .send({ ...present(row), key });
    },
  );

  app.get(
    '/v1/connections',
    {
      config: admin,
      schema: {
        tags: ['connections'],
        operationId: 'ListConnections',
        summary: 'List connections (never their keys)',
        response: { 200: Type.Object({ value: Type.Array(Connection) }) },
      },
    },
    async () => ({ value: (await deps.state.listConnections()).map(present) }),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/v1/connections/:id',
    {
      config: admin,
      schema: {
        tags: ['connections'],
        operationId: 'GetConnection',
        summary: 'One connection',
        params: IdParams,
        response: { 200: Connection, 404: Problem },
      },
    },
    async (req, reply) => {
      const row = await deps.state.getConnection(req.params.id);
      return row ? present(row) : sendProblem(reply, notFound(req.params.id));
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/v1/connections/:id',
    {
      config: admin,
      schema: {
        tags: ['connections'],
        operationId: 'RevokeConnection',
        summary: 'Revoke a connection: its key stops working at once (idempotent)',
        params: IdParams,
        response: { 404: Problem },
      },
    },
    async (req, reply) => {
      const row = await deps.state.getConnection(req.params.id);
      if (!row) return sendProblem(reply, notFound(req.params.id));
      await deps.state.revokeConnection(row.id, deps.now().toISOString());
      return reply.code(204).send();
    },
  );
}

/**
 * The HTTP app: one route table that serves the API and generates the OpenAPI document.
 * Every /v1 route but the OpenAPI document needs the admin key; routes under an instance answer 404
 * for an unknown instance before any handler runs.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { ErrorCode, makeError } from '../errors/index.js';
import type { ApiDeps } from './api.deps.js';
import { createKeyCheck, readPresentedKey } from './auth.js';
import { problemFromFastify, sendProblem } from './http.errors.js';
import { registerDataSourceRoutes } from './routes/datasources.routes.js';
import { registerInstanceRoutes } from './routes/instances.routes.js';
import { registerJobRoutes } from './routes/jobs.routes.js';
import { registerScheduleRoutes } from './routes/schedules.routes.js';
import { registerDeliveryRoutes } from './routes/deliveries.routes.js';
import { registerEventRoutes } from './routes/events.routes.js';
import { registerSubscriptionRoutes } from './routes/subscriptions.routes.js';
import { EventTypes, eventEnvelopeSchema } from '../triggers/index.js';

const publicPaths = new Set(['/healthz', '/v1/openapi.json']);

export async function buildHttpApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: deps.logLevel,
      redact: ['req.headers.authorization', 'req.headers["ocp-apim-subscription-key"]'],
    },
    // Unknown fields are errors, not silently stripped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tributary API',
        version: '0.1.0',
        description:
          'Customer data platform: sources, refresh jobs, schedules, event subscriptions and deliveries.',
      },
      components: {
        // The payload of every event type, as delivered and as listed by the event feed.
        schemas: Object.fromEntries(EventTypes.map((t) => [t, eventEnvelopeSchema(t)])),
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          subscriptionKey: { type: 'apiKey', in: 'header', name: 'Ocp-Apim-Subscription-Key' },
        },
      },
      security: [{ bearer: [] }, { subscriptionKey: [] }],
    },
  });

  app.setErrorHandler((error: FastifyError, _req, reply) => {
    const { status, error: problem } = problemFromFastify(error);
    if (status >= 500) app.log.error(error);
    return sendProblem(reply, problem, status);
  });
  app.setNotFoundHandler((req, reply) =>
    sendProblem(
      reply,
      makeError(ErrorCode.notFound, 'notFound', `no route ${req.method} ${req.url.split('?')[0]}`),
    ),
  );

  const keyMatches = createKeyCheck(deps.adminKey);
  app.addHook('onRequest', async (req, reply) => {
    // The matched route pattern, not the raw URL: the router decodes %-escapes (`/%761/instances`
    // routes to /v1/instances), so a check on the raw URL could be bypassed.
    const path = req.routeOptions.url ?? req.url.split('?')[0]!;
    if (publicPaths.has(path) || !path.startsWith('/v1/')) return;
    if (!keyMatches(readPresentedKey(req))) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(
        reply,
        makeError(
          ErrorCode.unauthorized,
          'user',
          'a valid API key is required (Authorization: Bearer <key>)',
        ),
        401,
      );
    }
  });
  app.addHook('preHandler', async (req, reply) => {
    const instance = (req.params as { instance?: string } | undefined)?.instance;
    if (instance === undefined) return;
    if (!(await deps.state.getInstance(instance))) {
      return sendProblem(
        reply,
        makeError(ErrorCode.notFound, 'notFound', `no instance "${instance}"`, 'instance'),
      );
    }
  });

  app.get('/healthz', { schema: { hide: true } }, () => ({ status: 'ok' }));
  app.get('/v1/openapi.json', { schema: { hide: true } }, () => app.swagger());
  registerInstanceRoutes(app, deps);
  registerDataSourceRoutes(app, deps);
  registerJobRoutes(app, deps);
  registerScheduleRoutes(app, deps);
  registerSubscriptionRoutes(app, deps);
  registerDeliveryRoutes(app, deps);
  registerEventRoutes(app, deps);
  return app;
}

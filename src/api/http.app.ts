/**
 * The HTTP app: one route table that serves the API and generates the OpenAPI document and the
 * connector package. Every /v1 and /v2 route but the public ones needs a key (see http.guard.ts);
 * routes under an instance answer 404 for an unknown instance, or one the key may not use, before
 * any handler runs.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { ErrorCode, makeError } from '../errors/index.js';
import type { ApiDeps } from './api.deps.js';
import { registerConsoleRoutes } from './console.static.js';
import { createGuard, notFoundInstance } from './http.guard.js';
import { problemFromFastify, sendProblem } from './http.errors.js';
import { registerConnectorRoutes } from './routes/connector.routes.js';
import { registerConnectionRoutes } from './routes/connections.routes.js';
import { registerDataRoutes } from './routes/data.routes.js';
import { registerDataSourceRoutes } from './routes/datasources.routes.js';
import { registerInstanceRoutes } from './routes/instances.routes.js';
import { registerJobRoutes } from './routes/jobs.routes.js';
import { registerEntityRoutes } from './routes/entities.routes.js';
import { registerScheduleRoutes } from './routes/schedules.routes.js';
import { registerUnificationRoutes } from './routes/unification.routes.js';
import { registerMeasureRoutes } from './routes/measures.routes.js';
import { registerSegmentRoutes } from './routes/segments.routes.js';
import { registerDeliveryRoutes } from './routes/deliveries.routes.js';
import { registerEventRoutes } from './routes/events.routes.js';
import { registerFlowRoutes } from './routes/flows.routes.js';
import { registerSubscriptionRoutes } from './routes/subscriptions.routes.js';
import { EventTypes, eventEnvelopeSchema } from '../triggers/index.js';

export async function buildHttpApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: deps.logLevel,
      redact: ['req.headers.authorization', 'req.headers["ocp-apim-subscription-key"]'],
    },
    // Unknown fields are errors, not silently stripped.
    bodyLimit: deps.bodyLimitBytes,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tributary API',
        version: '0.1.0',
        description:
          'Customer data platform: sources, refresh jobs, schedules, unification, segments, measures, data, connections, event subscriptions and deliveries, built-in flows.',
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

  app.decorateRequest('principal', null);
  app.addHook('onRequest', createGuard(deps));
  app.addHook('preHandler', async (req, reply) => {
    const instance = (req.params as { instance?: string } | undefined)?.instance;
    if (instance === undefined) return;
    if (!(await deps.state.getInstance(instance))) {
      return sendProblem(reply, notFoundInstance(instance));
    }
  });

  app.get('/healthz', { schema: { hide: true } }, () => ({ status: 'ok' }));
  app.get('/v1/openapi.json', { schema: { hide: true } }, () => app.swagger());
  registerRoutes(app, deps);
  registerConnectorRoutes(app, deps, registerRoutes);
  registerConsoleRoutes(app, deps.consoleDir);
  return app;
}

/** The API's route table; the connector package generates its Swagger 2.0 document from it too. */
export function registerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  registerInstanceRoutes(app, deps);
  registerDataSourceRoutes(app, deps);
  registerJobRoutes(app, deps);
  registerScheduleRoutes(app, deps);
  registerUnificationRoutes(app, deps);
  registerSegmentRoutes(app, deps);
  registerMeasureRoutes(app, deps);
  registerConnectionRoutes(app, deps);
  registerDataRoutes(app, deps);
  registerEntityRoutes(app, deps);
  registerSubscriptionRoutes(app, deps);
  registerDeliveryRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerFlowRoutes(app, deps);
}

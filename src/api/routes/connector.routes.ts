/**
 * The connector package download and event-scoped subscription routes (one path per trigger, as Swagger 2.0 needs a distinct path per
 * trigger operation) that forward to `POST …/subscriptions` with the event set.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { StringEnum, Type, type Static } from '../../schema/index.js';
import type { ApiDeps } from '../api.deps.js';
import {
  apiProperties,
  buildApiDefinition,
  connectorReadme,
} from '../connector/connector.package.js';
import { drawIcon, zipFiles } from '../connector/package.files.js';

export const connectorFiles = [
  'apiDefinition.swagger.json',
  'apiProperties.json',
  'readme.md',
  'icon.png',
] as const;

export function registerConnectorRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  registerRoutes: (app: FastifyInstance, deps: ApiDeps) => void,
): void {
  const { events } = deps;
  let swagger2: Promise<Record<string, unknown>> | undefined;
  /** The whole route table as Swagger 2.0, generated once by a second app in swagger mode. */
  const fullSwagger = (): Promise<Record<string, unknown>> =>
    (swagger2 ??= (async () => {
      const shadow = Fastify({ logger: false });
      await shadow.register(swagger, {
        swagger: { info: { title: 'Tributary', version: '0.1.0' } },
      });
      registerRoutes(shadow, deps);
      await shadow.ready();
      const doc = shadow.swagger() as unknown as Record<string, unknown>;
      await shadow.close();
      return doc;
    })());

  const buildFiles = async (host: string, scheme: string): Promise<Record<string, Buffer>> => {
    const definition = buildApiDefinition(await fullSwagger(), events, { host, scheme });
    return {
      'apiDefinition.swagger.json': Buffer.from(JSON.stringify(definition, null, 2)),
      'apiProperties.json': Buffer.from(JSON.stringify(apiProperties, null, 2)),
      'readme.md': Buffer.from(connectorReadme),
      'icon.png': drawIcon(),
    };
  };

  app.get(
    '/v1/connector/powerautomate',
    {
      schema: {
        tags: ['connector'],
        summary: 'The Power Automate / Logic Apps custom connector package (ZIP)',
        produces: ['application/zip'],
      },
    },
    async (req, reply) => {
      const files = await buildFiles(req.host, req.protocol);
      return reply
        .type('application/zip')
        .header('content-disposition', 'attachment; filename="tributary-connector.zip"')
        .send(zipFiles(files));
    },
  );

  const FileParams = Type.Object({ file: StringEnum(connectorFiles) });
  app.get<{ Params: Static<typeof FileParams> }>(
    '/v1/connector/powerautomate/:file',
    {
      schema: {
        tags: ['connector'],
        summary: 'One file of the connector package',
        params: FileParams,
      },
    },
    async (req, reply) => {
      const files = await buildFiles(req.host, req.protocol);
      const file = req.params.file;
      const type = file.endsWith('.png')
        ? 'image/png'
        : file.endsWith('.md')
          ? 'text/markdown; charset=utf-8'
          : 'application/json; charset=utf-8';
      return reply.type(type).send(files[file]);
    },
  );

  const EventParams = Type.Object({
    instance: Type.String(),
    event: StringEnum(events.map((e) => e.type)),
  });
  app.post<{ Params: Static<typeof EventParams>; Body: Record<string, unknown> }>(
    '/v1/instances/:instance/subscriptions/events/:event',
    {
      // The forwarded call is authenticated and counted once, by the subscriptions route.
      config: { counted: false, scope: 'subscribe' },
      schema: {
        tags: ['subscriptions'],
        summary:
          'Subscribe to one event type (the connector triggers); same body as POST …/subscriptions without `event`',
        params: EventParams,
        body: Type.Object({}, { additionalProperties: true }),
      },
    },
    async (req, reply) => {
      const headers: Record<string, string> = {};
      for (const h of ['authorization', 'ocp-apim-subscription-key', 'host', 'x-forwarded-proto']) {
        const v = req.headers[h];
        if (typeof v === 'string') headers[h] = v;
      }
      const res = await app.inject({
        method: 'POST',
        url: `/v1/instances/${encodeURIComponent(req.params.instance)}/subscriptions`,
        headers,
        payload: { ...req.body, event: req.params.event },
      });
      for (const h of [
        'location',
        'content-type',
        'ratelimit',
        'ratelimit-policy',
        'retry-after',
      ]) {
        const v = res.headers[h];
        if (typeof v === 'string') reply.header(h, v);
      }
      return reply.code(res.statusCode).send(res.rawPayload);
    },
  );
}

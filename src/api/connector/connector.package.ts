/**
 * The Power Automate / Logic Apps custom connector package, generated from the route table:
 * `apiDefinition.swagger.json` (Swagger 2.0 from @fastify/swagger in swagger mode, reduced to the
 * connector's operations and decorated with the `x-ms-*` extensions), `apiProperties.json`, a
 * readme and an icon.
 */
import type { EventCatalogEntry } from '../../triggers/index.js';
import { connectorTriggers } from './connector.events.js';

type Json = Record<string, unknown>;
type Operation = Json & { operationId?: string; parameters?: Json[]; responses?: Json };

/** The ten actions of the commercial connector, by operation id, with their visible names. */
export const actionOperations: Record<string, string> = {
  GetEntities: 'Get entities',
  GetItems: 'Get items from an entity',
  GetItem: 'Get item',
  CreateItem: 'Create item',
  UpdateItem: 'Update item',
  GetPartitions: 'Retrieve partitions for an entity',
  GetPartitionsV2: 'Retrieve partitions for an entity (V2)',
  GetPartitionData: 'Retrieve data from a partition',
  SendStatusReport: 'Sends the status report',
  SendStatusReportV2: 'Sends the status report (V2)',
};
/** Operations the designer calls behind the scenes (dropdowns, schemas): internal visibility. */
const helperOperations = new Set([
  'ListInstances',
  'ListDataSources',
  'ListSegments',
  'ListMeasures',
  'GetEntitySchema',
]);

const paramSummaries: Record<string, string> = {
  instance: 'Instance',
  entity: 'Entity',
  key: 'Item key',
  partitionId: 'Partition',
  $filter: 'Filter query',
  $select: 'Select columns',
  $orderby: 'Order by',
  $top: 'Top count',
  $skip: 'Skip count',
  $count: 'Include count',
  $skiptoken: 'Skip token',
  body: 'Body',
};

const dynamicInstances = {
  operationId: 'ListInstances',
  'value-collection': 'value',
  'value-path': 'name',
  'value-title': 'name',
};
const byInstance = { instance: { parameter: 'instance' } };
const dynamicEntities = {
  operationId: 'GetEntities',
  parameters: byInstance,
  'value-collection': 'value',
  'value-path': 'name',
  'value-title': 'name',
};
const dynamicSchema = {
  operationId: 'GetEntitySchema',
  parameters: { ...byInstance, entity: { parameter: 'entity' } },
  'value-path': 'schema',
};

function listFrom(operationId: string, extra: Json = {}): Json {
  return {
    operationId,
    parameters: { ...byInstance, ...extra },
    'value-collection': 'value',
    'value-path': 'name',
    'value-title': 'name',
  };
}

function decorateParameter(p: Json, operationId: string): void {
  const name = String(p.name);
  p['x-ms-summary'] = paramSummaries[name] ?? name;
  if (typeof p.description !== 'string') p.description = `The ${paramSummaries[name] ?? name}`;
  if (name === 'instance') p['x-ms-dynamic-values'] = dynamicInstances;
  if (name === 'entity') p['x-ms-dynamic-values'] = dynamicEntities;
  if (name === '$skiptoken' || name === '$skip' || name === '$count')
    p['x-ms-visibility'] = 'advanced';
  if (name === 'partitionId') {
    p['x-ms-dynamic-values'] = {
      operationId: 'GetPartitionsV2',
      parameters: { ...byInstance, entity: { parameter: 'entity' } },
      'value-collection': 'value',
      'value-path': 'partitionId',
      'value-title': 'partitionId',
    };
  }
  if (name === 'body' && (operationId === 'CreateItem' || operationId === 'UpdateItem')) {
    p.schema = { type: 'object', 'x-ms-dynamic-schema': dynamicSchema };
  }
}

const envelopeSummaries: Record<string, string> = {
  id: 'Event id',
  type: 'Event type',
  timestamp: 'Time',
  instance: 'Instance',
  data: 'Event data',
};

/** The catalog's delivery schema in Swagger 2.0 form, with designer names on the envelope fields. */
function notificationSchema(e: EventCatalogEntry): Json {
  const schema = toSwagger2Schema(e.envelope) as Json & { properties: Record<string, Json> };
  for (const [k, prop] of Object.entries(schema.properties)) {
    prop['x-ms-summary'] = envelopeSummaries[k] ?? k;
  }
  return schema;
}

function triggerOperation(
  e: EventCatalogEntry,
  name: { operationId: string; summary: string },
  has: (op: string) => boolean,
): Operation {
  const props: Json = {
    url: {
      type: 'string',
      description: 'The callback URL Power Automate provides',
      'x-ms-notification-url': true,
      'x-ms-visibility': 'internal',
      'x-ms-summary': 'Callback URL',
    },
  };
  const dyn: Record<string, Json | undefined> = {
    source: has('ListDataSources') ? listFrom('ListDataSources') : undefined,
    segment: has('ListSegments') ? listFrom('ListSegments') : undefined,
    // The measure trigger accepts business measures without dimensions (scalars) only.
    measure: has('ListMeasures')
      ? listFrom('ListMeasures', { scalar: { value: true } })
      : undefined,
  };
  const required = e.parameters.required;
  for (const p of e.parameters.allowed) {
    const numeric = p === 'threshold' || p === 'rearmBelow';
    props[p] = {
      type: numeric ? 'number' : 'string',
      'x-ms-summary': p === 'rearmBelow' ? 'Re-arm below' : p[0]!.toUpperCase() + p.slice(1),
      description:
        p === 'threshold'
          ? 'Fires when the value rises above this'
          : p === 'rearmBelow'
            ? 'Fires again only after the value falls to this (default: the threshold)'
            : `Only this ${p}${required.includes(p) ? '' : ' (all when empty)'}`,
      ...(dyn[p] && { 'x-ms-dynamic-values': dyn[p] }),
    };
  }
  return {
    operationId: name.operationId,
    summary: name.summary,
    description: `Fires when ${e.firingRule}`,
    tags: ['triggers'],
    'x-ms-trigger': 'single',
    parameters: [
      {
        name: 'instance',
        in: 'path',
        required: true,
        type: 'string',
        description: "The instance (the connector's dataset)",
        'x-ms-summary': 'Instance',
        'x-ms-dynamic-values': dynamicInstances,
      },
      {
        name: 'body',
        in: 'body',
        required: true,
        'x-ms-summary': 'Subscription',
        schema: { type: 'object', required: ['url', ...required], properties: props },
      },
    ],
    responses: {
      '201': {
        description: 'Subscribed; the Location header is the subscription to delete',
        headers: { Location: { type: 'string', description: 'the subscription URL' } },
      },
      default: { description: 'A problem (application/problem+json)' },
    },
    'x-ms-notification-content': {
      description: `A ${e.type} event`,
      schema: notificationSchema(e),
    },
  };
}

/**
 * JSON Schema (TypeBox) to the Swagger 2.0 schema subset: a union with null becomes the other type
 * with `x-nullable`, any other union an unconstrained value, `const` a one-value enum.
 */
export function toSwagger2Schema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toSwagger2Schema);
  if (node === null || typeof node !== 'object') return node;
  const o = node as Json;
  if (Array.isArray(o.anyOf) || Array.isArray(o.oneOf)) {
    const variants = ((o.anyOf ?? o.oneOf) as Json[]).filter((v) => v.type !== 'null');
    const { anyOf: _a, oneOf: _o, ...rest } = o;
    const nullable = variants.length < ((o.anyOf ?? o.oneOf) as Json[]).length;
    const base = variants.length === 1 ? (toSwagger2Schema(variants[0]) as Json) : {};
    return {
      ...base,
      ...(toSwagger2Schema(rest) as Json),
      ...(nullable && { 'x-nullable': true }),
    };
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'const') out.enum = [v];
    else out[k] = toSwagger2Schema(v);
  }
  return out;
}

/** Reduces the full Swagger 2.0 document to the connector's operations and decorates them. */
export function buildApiDefinition(
  full: Json,
  events: EventCatalogEntry[],
  target: { host: string; scheme: string },
): Json {
  const paths: Record<string, Record<string, Operation>> = {};
  const fullPaths = (full.paths ?? {}) as Record<string, Record<string, Operation>>;
  const known = new Set<string>();
  for (const ops of Object.values(fullPaths)) {
    for (const op of Object.values(ops)) if (op.operationId) known.add(op.operationId);
  }
  for (const [path, ops] of Object.entries(fullPaths)) {
    for (const [method, op] of Object.entries(ops)) {
      const id = op.operationId;
      if (!id || !(id in actionOperations || helperOperations.has(id))) continue;
      const decorated: Operation = {
        ...op,
        summary: actionOperations[id] ?? op.summary,
        description: typeof op.description === 'string' ? op.description : String(op.summary),
        ...(helperOperations.has(id) && { 'x-ms-visibility': 'internal' }),
      };
      for (const p of decorated.parameters ?? []) decorateParameter(p, id);
      if (id === 'GetItem' || id === 'UpdateItem' || id === 'CreateItem') {
        const code = id === 'CreateItem' ? '201' : '200';
        decorated.responses = {
          ...decorated.responses,
          [code]: {
            description: 'The item',
            schema: { type: 'object', 'x-ms-dynamic-schema': dynamicSchema },
          },
        };
      }
      (paths[path] ??= {})[method] = decorated;
    }
  }
  for (const e of events) {
    const name = connectorTriggers[e.type];
    if (!name) continue;
    paths[`/v1/instances/{instance}/subscriptions/events/${e.type}`] = {
      post: triggerOperation(e, name, (op) => known.has(op)),
    };
  }
  paths['/v1/instances/{instance}/subscriptions/{id}'] = {
    delete: {
      operationId: 'DeleteSubscription',
      summary: 'Delete a subscription',
      description: 'Called by the platform when a flow with a trigger is turned off or deleted',
      'x-ms-visibility': 'internal',
      parameters: [
        {
          name: 'instance',
          in: 'path',
          required: true,
          type: 'string',
          description: 'The instance',
          'x-ms-summary': 'Instance',
        },
        {
          name: 'id',
          in: 'path',
          required: true,
          type: 'string',
          description: 'The subscription id',
          'x-ms-summary': 'Subscription',
        },
      ],
      responses: { '204': { description: 'Deleted (also when it was already gone)' } },
    },
  };
  return {
    swagger: '2.0',
    info: {
      title: 'Tributary',
      description:
        'Customer data platform: read and write unified customer data, and start flows when data sources, segments, measures and refreshes change.',
      version: '0.1.0',
      contact: { name: 'Tributary', url: 'https://tributary.dev' },
    },
    host: target.host,
    basePath: '/',
    schemes: [target.scheme],
    consumes: ['application/json'],
    produces: ['application/json'],
    paths: toSwagger2Schema(paths),
    definitions: toSwagger2Schema(full.definitions ?? {}),
    securityDefinitions: {
      api_key: { type: 'apiKey', in: 'header', name: 'Ocp-Apim-Subscription-Key' },
    },
    security: [{ api_key: [] }],
    tags: [],
    'x-ms-connector-metadata': [
      { propertyName: 'Website', propertyValue: 'https://tributary.dev' },
      { propertyName: 'Categories', propertyValue: 'Data;Marketing' },
    ],
  };
}

export const apiProperties = {
  properties: {
    connectionParameters: {
      api_key: {
        type: 'securestring',
        uiDefinition: {
          displayName: 'API Key',
          description: 'A Tributary connection key (tributary keys create)',
          tooltip: 'Create one with `tributary keys create --name <flow> --instance <instance>`',
          constraints: { tabIndex: 2, clearText: false, required: 'true' },
        },
      },
    },
    iconBrandColor: '#0f766e',
    capabilities: ['actions', 'triggers'],
    publisher: 'Tributary',
    stackOwner: 'Tributary',
  },
};

export const connectorReadme = `# Tributary connector

Read and write unified customer data in a Tributary instance, and start flows when its data
changes.

## Prerequisites
A Tributary server reachable from the platform over HTTPS, and a connection key:
\`tributary keys create --name power-automate --instance default --scope read --scope write --scope subscribe\`.

## Operations
Actions: Get entities, Get items from an entity, Get item, Create item, Update item, Retrieve
partitions for an entity (V1 and V2), Retrieve data from a partition, Sends the status report
(V1 and V2). Triggers: one per event type (data source refresh failed or succeeded, segment or
measure threshold crossed, scheduled refresh completed, unification completed).

## Limits
100 calls per 60 seconds per connection (429 with Retry-After beyond it).
`;

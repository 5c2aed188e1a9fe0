/**
 * The connector package: Swagger 2.0 validity (swagger-parser) and the Power Platform connector
 * rules we check, written down here; apiProperties, the icon, the ZIP, and the OpenAPI 3 document.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import { toSwagger2Schema } from '../src/api/connector/connector.package.js';
import { EventTypes, eventCatalog, eventDataSchemas } from '../src/triggers/index.js';
import { auth, startTestApp, type TestApp } from './support/app.js';
import { loadFixture } from './support/customer.fixture.js';

type Json = Record<string, unknown>;
type Op = Json & { operationId: string; parameters?: Json[]; responses: Json };

/** Walks every schema object of a document. */
function walk(node: unknown, visit: (o: Json, path: string) => void, path = ''): void {
  if (Array.isArray(node)) node.forEach((n, i) => walk(n, visit, `${path}/${i}`));
  else if (node !== null && typeof node === 'object') {
    visit(node as Json, path);
    for (const [k, v] of Object.entries(node)) walk(v, visit, `${path}/${k}`);
  }
}

void describe('Power Automate connector package', () => {
  let app: TestApp;
  let doc: Json & { paths: Record<string, Record<string, Op>> };
  const ops = (): Op[] => Object.values(doc.paths).flatMap((p) => Object.values(p));

  before(async () => {
    // Subscriptions check their target; a loopback one is allowed only with private targets on.
    app = await startTestApp({ TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'true' });
    const res = await app.http.inject({
      url: '/v1/connector/powerautomate/apiDefinition.swagger.json',
    });
    assert.equal(res.statusCode, 200);
    doc = res.json();
  });
  after(() => app.dispose());

  void it('is a valid Swagger 2.0 document', async () => {
    await SwaggerParser.validate(structuredClone(doc) as never);
    assert.equal(doc.swagger, '2.0');
  });

  void it('has the ten actions and the six webhook triggers with unique operation ids', () => {
    const ids = ops().map((o) => o.operationId);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of [
      'GetEntities',
      'GetItems',
      'GetItem',
      'CreateItem',
      'UpdateItem',
      'GetPartitions',
      'GetPartitionsV2',
      'GetPartitionData',
      'SendStatusReport',
      'SendStatusReportV2',
    ]) {
      assert.ok(ids.includes(id), id);
    }
    const triggers = ops().filter((o) => o['x-ms-trigger'] !== undefined);
    assert.deepEqual(triggers.map((t) => t.operationId).sort(), [
      'OnDataSourceRefreshFailed',
      'OnDataSourceRefreshSucceeded',
      'OnMeasureThresholdCrossed',
      'OnScheduledRefreshCompleted',
      'OnSegmentThresholdCrossed',
      'OnUnificationCompleted',
    ]);
  });

  void it('follows the connector rules: summaries, descriptions, no unions, webhook trigger shape', () => {
    // Rule 1: every operation has an operationId, a summary and a description.
    for (const op of ops()) {
      assert.ok(
        op.operationId && typeof op.summary === 'string' && typeof op.description === 'string',
        op.operationId,
      );
      // Rule 2: every parameter has x-ms-summary and a description; path parameters are required.
      for (const p of op.parameters ?? []) {
        assert.equal(typeof p['x-ms-summary'], 'string', `${op.operationId}/${String(p.name)}`);
        if (p.in !== 'body')
          assert.equal(typeof p.description, 'string', `${op.operationId}/${String(p.name)}`);
        if (p.in === 'path') assert.equal(p.required, true);
      }
    }
    // Rule 3: no anyOf/oneOf/allOf/type null anywhere (Swagger 2.0 and the designer reject them).
    walk(doc, (o, path) => {
      for (const k of ['anyOf', 'oneOf', 'allOf']) assert.ok(!(k in o), `${k} at ${path}`);
      assert.notEqual(o.type, 'null', path);
    });
    // Rule 4: webhook triggers: x-ms-trigger single, a body with an internal x-ms-notification-url
    // property, x-ms-notification-content with a schema, a 201 with Location, and an internal DELETE
    // at the Location path.
    for (const t of ops().filter((o) => o['x-ms-trigger'] !== undefined)) {
      assert.equal(t['x-ms-trigger'], 'single');
      const body = t.parameters!.find((p) => p.in === 'body')!;
      const url = ((body.schema as Json).properties as Record<string, Json>).url!;
      assert.deepEqual([url['x-ms-notification-url'], url['x-ms-visibility']], [true, 'internal']);
      assert.ok(((t['x-ms-notification-content'] as Json).schema as Json).properties);
      assert.ok((t.responses['201'] as { headers: Json }).headers.Location);
    }
    const del = doc.paths['/v1/instances/{instance}/subscriptions/{id}']!.delete!;
    assert.equal(del['x-ms-visibility'], 'internal');
    // Rule 5: dropdowns reference operations that exist in the document.
    const ids = new Set(ops().map((o) => o.operationId));
    walk(doc, (o, path) => {
      const dv = o['x-ms-dynamic-values'] as Json | undefined;
      if (dv) assert.ok(ids.has(String(dv.operationId)), `${String(dv.operationId)} at ${path}`);
      const ds = o['x-ms-dynamic-schema'] as Json | undefined;
      if (ds) assert.ok(ids.has(String(ds.operationId)), path);
    });
    const getItems = ops().find((o) => o.operationId === 'GetItems')!;
    const instance = getItems.parameters!.find((p) => p.name === 'instance')!;
    assert.equal((instance['x-ms-dynamic-values'] as Json).operationId, 'ListInstances');
    // Rule 6: API-key security in a header.
    assert.deepEqual(doc.securityDefinitions, {
      api_key: { type: 'apiKey', in: 'header', name: 'Ocp-Apim-Subscription-Key' },
    });
  });

  void it("takes each trigger's firing rule and delivery schema from the triggers' event catalog", () => {
    const catalog = eventCatalog();
    assert.deepEqual(
      catalog.map((e) => e.type),
      [...EventTypes],
    );
    const triggers = ops().filter((o) => o['x-ms-trigger'] !== undefined);
    for (const e of catalog) {
      const t = doc.paths[`/v1/instances/{instance}/subscriptions/events/${e.type}`]?.post;
      if (e.type === 'subscription.disabled') {
        assert.equal(t, undefined, 'an operational event, not a connector trigger');
        continue;
      }
      assert.ok(t && triggers.includes(t), e.type);
      assert.equal(t.description, `Fires when ${e.firingRule}`);
      const schema = (t['x-ms-notification-content'] as { schema: Json }).schema;
      const props = schema.properties as Record<string, Json>;
      assert.deepEqual(Object.keys(props), ['id', 'type', 'timestamp', 'instance', 'data']);
      assert.deepEqual(props.type!.enum, [e.type]);
      const { 'x-ms-summary': summary, ...data } = props.data!;
      assert.equal(summary, 'Event data');
      assert.deepEqual(data, toSwagger2Schema(eventDataSchemas[e.type]));
      const body = t.parameters!.find((p) => p.in === 'body')!.schema as Json;
      assert.deepEqual(
        Object.keys(body.properties as Json).sort(),
        ['url', ...e.parameters.allowed].sort(),
      );
      assert.deepEqual(body.required, ['url', ...e.parameters.required]);
    }
  });

  void it('fills the trigger dropdowns from ListDataSources, ListSegments and scalar ListMeasures', () => {
    const dropdown = (event: string, param: string): Json => {
      const t = doc.paths[`/v1/instances/{instance}/subscriptions/events/${event}`]!.post!;
      const body = t.parameters!.find((p) => p.in === 'body')!.schema as Json;
      return (body.properties as Record<string, Json>)[param]!['x-ms-dynamic-values'] as Json;
    };
    assert.equal(dropdown('datasource.refresh.failed', 'source').operationId, 'ListDataSources');
    const segment = dropdown('segment.threshold.crossed', 'segment');
    assert.deepEqual(
      [segment.operationId, segment.parameters, segment['value-path']],
      ['ListSegments', { instance: { parameter: 'instance' } }, 'name'],
    );
    const measure = dropdown('measure.threshold.crossed', 'measure');
    assert.deepEqual(
      [measure.operationId, measure.parameters],
      ['ListMeasures', { instance: { parameter: 'instance' }, scalar: { value: true } }],
    );
    const listMeasures = ops().find((o) => o.operationId === 'ListMeasures')!;
    assert.equal(listMeasures['x-ms-visibility'], 'internal');
    const scalar = listMeasures.parameters!.find((p) => p.name === 'scalar')!;
    assert.deepEqual([scalar.in, scalar.type], ['query', 'boolean']);
    assert.equal(
      ops().find((o) => o.operationId === 'ListSegments')!['x-ms-visibility'],
      'internal',
    );
  });

  void it('lists only scalar measures with scalar=true, the others with false', async () => {
    await loadFixture(await app.warehouse.open('default'));
    const url = '/v1/instances/default/manage/measures';
    for (const payload of [
      { name: 'Revenue', activityType: 'Purchase', aggregate: 'sum', expression: 'Amount' },
      { name: 'ByChannel', activityType: 'Purchase', aggregate: 'count', dimensions: ['Channel'] },
      {
        name: 'Spend',
        activityType: 'Purchase',
        aggregate: 'sum',
        expression: 'Amount',
        perCustomer: true,
      },
    ]) {
      const r = await app.http.inject({ method: 'POST', url, headers: auth, payload });
      assert.equal(r.statusCode, 201, r.body);
    }
    const names = async (q: string): Promise<string[]> => {
      const r = await app.http.inject({ url: `${url}${q}`, headers: auth });
      assert.equal(r.statusCode, 200, r.body);
      return r
        .json<{ value: { name: string }[] }>()
        .value.map((m) => m.name)
        .sort();
    };
    assert.deepEqual(await names(''), ['ByChannel', 'Revenue', 'Spend']);
    assert.deepEqual(await names('?scalar=true'), ['Revenue']);
    assert.deepEqual(await names('?scalar=false'), ['ByChannel', 'Spend']);
    const bad = await app.http.inject({ url: `${url}?scalar=maybe`, headers: auth });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json<Json>().field, 'querystring/scalar');
  });

  void it('ships apiProperties.json, readme.md and a PNG icon, also as one ZIP', async () => {
    const props = (
      await app.http.inject({ url: '/v1/connector/powerautomate/apiProperties.json' })
    ).json<{ properties: Json }>();
    assert.deepEqual(props.properties.capabilities, ['actions', 'triggers']);
    const key = (props.properties.connectionParameters as Record<string, Json>).api_key!;
    assert.equal(key.type, 'securestring');
    const icon = await app.http.inject({ url: '/v1/connector/powerautomate/icon.png' });
    assert.equal(icon.headers['content-type'], 'image/png');
    assert.deepEqual([...icon.rawPayload.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.equal(icon.rawPayload.readUInt32BE(16), 230);
    const zip = await app.http.inject({ url: '/v1/connector/powerautomate' });
    assert.equal(zip.headers['content-type'], 'application/zip');
    const names = ['apiDefinition.swagger.json', 'apiProperties.json', 'readme.md', 'icon.png'];
    for (const n of names) assert.ok(zip.rawPayload.includes(Buffer.from(n)), n);
    assert.equal(zip.rawPayload.readUInt16LE(zip.rawPayload.length - 12), 4);
  });

  void it('the OpenAPI 3 document covers the new routes', async () => {
    const openapi = (await app.http.inject({ url: '/v1/openapi.json' })).json<{
      paths: Record<string, unknown>;
    }>();
    for (const p of [
      '/v1/connections',
      '/v1/connections/{id}',
      '/v1/instances/{instance}/data/{entity}',
      '/v1/instances/{instance}/data/{entity}/{key}',
      '/v1/instances/{instance}/manage/entities',
      '/v2/instances/{instance}/statusreports',
      '/v1/instances/{instance}/subscriptions/events/{event}',
      '/v1/connector/powerautomate',
    ]) {
      assert.ok(p in openapi.paths, p);
    }
  });

  void it('event-scoped subscription routes refuse unknown events and forward known ones', async () => {
    const bad = await app.http.inject({
      method: 'POST',
      url: '/v1/instances/default/subscriptions/events/nope',
      headers: auth,
      payload: { url: 'https://example.com/x' },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json<Json>().field, 'params/event');
    const fwd = await app.http.inject({
      method: 'POST',
      url: '/v1/instances/default/subscriptions/events/unification.completed',
      headers: auth,
      payload: { url: 'http://127.0.0.1:9/hook' },
    });
    // Forwarded to POST …/subscriptions with the event of the path.
    assert.equal(fwd.statusCode, 201, fwd.body);
    assert.equal(fwd.json<Json>().event, 'unification.completed');
  });
});

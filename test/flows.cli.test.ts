/**
 * Flows from the command line and the project file: `flows create --template` with typed
 * parameters, `flows test` and `flows runs` (through the same HTTP API, in-process), and the
 * project file's `flows:` section applied idempotently with errors pointing into the file.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEmbeddedClient } from '../src/cli/api.client.js';
import { applyProject } from '../src/cli/commands/apply.command.js';
import {
  createFlow,
  formatFlows,
  formatRun,
  listFlows,
  listRuns,
  parseParams,
  testFlow,
} from '../src/cli/commands/flows.command.js';
import { parseProject } from '../src/cli/project.file.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Receiver } from './support/receiver.js';
import { SmtpSink } from './support/smtp.sink.js';

let app: TestApp;
let rx: Receiver;
let smtp: SmtpSink;

before(async () => {
  rx = await Receiver.start();
  smtp = await SmtpSink.start();
  app = await startTestApp({ TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'true', ...smtp.env() });
});
after(async () => {
  await app.dispose();
  await rx.close();
  await smtp.close();
});

void describe('flows on the command line and in the project file', () => {
  void it('creates from a template with typed parameters, sends a test and lists runs', async () => {
    assert.deepEqual(parseParams('email-scheduled-summary', ['to=a@example.org, b@example.org']), {
      to: ['a@example.org', 'b@example.org'],
    });
    assert.throws(() => parseParams('email-scheduled-summary', ['cc=x']), /a name among to, name/);
    assert.throws(() => parseParams('nope', []), /unknown template "nope"/);
    const client = createEmbeddedClient(app);
    const f = await createFlow(client, 'default', {
      template: 'email-scheduled-summary',
      params: ['to=ops@example.org'],
    });
    assert.equal(f.name, 'EmailScheduledSummary');
    const run = await testFlow(client, 'default', f.name, false);
    assert.equal(run.status, 'succeeded', formatRun(run));
    await smtp.waitFor(() => smtp.mails.length === 1);
    const mail = smtp.mails[0]!;
    assert.deepEqual(mail.rcptTo, ['ops@example.org']);
    assert.equal(mail.parsed.subject, 'Scheduled refresh completedWithWarnings (166919 ms)');
    assert.match(
      mail.parsed.text ?? '',
      /- ingest crm: completedWithWarnings \(1 attempt\(s\), 3333 ms\)/,
    );
    assert.match(mail.parsed.html ?? '', /<td>merge<\/td><td><\/td><td>successful<\/td>/);
    const runs = await listRuns(client, 'default', f.name);
    assert.equal(runs[0]!.id, run.id);
    assert.match(
      formatRun(runs[0]!),
      /test refresh\.scheduled\.completed .*: succeeded\n {2}0 email {4}succeeded/,
    );
    assert.match(
      formatFlows(await listFlows(client, 'default')),
      /EmailScheduledSummary +active +refresh\.scheduled\.completed +email +last run succeeded \(test\)/,
    );
  });

  void it('applies the flows: section idempotently and points errors into the file', async () => {
    const yaml = (title: string) => `
sources:
  - name: shop
    owners: [shop@example.org]
    tables: [{ name: orders, format: csv, path: orders.csv, primaryKey: id }]
flows:
  - name: ShopFailed
    trigger: { event: datasource.refresh.failed, source: shop }
    condition: { field: data.attempts, op: ge, value: 1 }
    actions:
      - type: teams
        url: ${rx.url('/teams')}
        title: "${title}"
`;
    const p = parseProject(yaml('{{data.source}} failed'), app.dir, 'p.yaml');
    assert.ok(p.ok, p.ok ? '' : p.error.message);
    const client = createEmbeddedClient(app);
    const log: string[] = [];
    await applyProject(client, p.value, (s) => log.push(s));
    await applyProject(client, p.value, (s) => log.push(s));
    assert.deepEqual(
      log.filter((l) => l.startsWith('flow ')),
      ['flow ShopFailed: created', 'flow ShopFailed: updated'],
    );
    const subs = await app.state.listSubscriptions('default', { url: 'flow:ShopFailed' });
    assert.equal(subs.length, 1, 'applying twice keeps one subscription');

    const bad = parseProject(yaml('{{data.sorce}}'), app.dir, 'p.yaml');
    assert.ok(bad.ok);
    await assert.rejects(
      applyProject(client, bad.value, () => undefined),
      /flow ShopFailed: \/flows\/0\/actions\/0\/title: unknown field "data.sorce"/,
    );
    const shape = parseProject(
      'flows:\n  - { name: x-y, trigger: {}, actions: [] }',
      app.dir,
      'p.yaml',
    );
    assert.ok(!shape.ok);
    assert.match(shape.error.message, /^p.yaml: \/flows\/0\/name/);
  });
});

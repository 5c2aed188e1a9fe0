/**
 * `npm run bench -- flows [--samples 200] [--runs 3]`
 * Email flow latency: from the commit of the task result that causes an event (the state
 * transaction with its outbox rows, as the refresh engine writes it) to a loopback SMTP server
 * (`smtp-server`, in this process) accepting the flow's email: the outbox claim, the flow run
 * (definition, condition, templates), nodemailer over a pooled connection, and the run record.
 * Baseline in the same run: a direct nodemailer send of a same-size message to the same server.
 * p50 / p99 per run; the medians of the runs are printed with the core count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { newEventId } from '../src/triggers/index.js';
import { SmtpSink } from '../test/support/smtp.sink.js';
import { createRunningJob, machine, median, readFlag, round } from './bench.support.js';

const samples = readFlag('samples', 200);
const runs = readFlag('runs', 3);
const warmup = 5;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** Resolves with the acceptance time of the sink's `n`-th mail. */
function accepted(sink: SmtpSink, n: number): Promise<number> {
  return sink
    .waitFor(() => sink.mails.length >= n, 30_000)
    .then(() => sink.mails[n - 1]!.acceptedAt);
}

async function openApp(dir: string, sink: SmtpSink): Promise<App> {
  const config = loadConfig(
    { TRIBUTARY_ADMIN_KEY: 'bench', TRIBUTARY_LOG_LEVEL: 'silent', ...sink.env() },
    { dataDir: dir },
  );
  const app = await createApp({ config });
  const res = await app.http.inject({
    method: 'POST',
    url: '/v1/instances/default/flows',
    headers: { authorization: 'Bearer bench' },
    payload: {
      name: 'MailOnUnification',
      trigger: { event: 'unification.completed' },
      condition: { field: 'data.status', op: 'in', value: ['successful', 'completedWithWarnings'] },
      actions: [
        {
          type: 'email',
          to: ['ops@example.org'],
          subject: 'Unification: {{data.profiles.total}} profiles',
          text: '{{data.profiles.created}} created, {{data.profiles.merged}} merged. {{links.console}}',
          html: '<p><b>{{data.profiles.total}}</b> profiles</p>',
        },
      ],
    },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return app;
}

const data = {
  jobId: 'j',
  status: 'successful',
  submissionKind: 'scheduled',
  endedAt: null,
  profiles: { total: 41877, created: 214, kept: 41590, merged: 71, split: 2 },
};

/** Latencies (ms) from each task commit to the SMTP server accepting the flow's email. */
async function runFlow(sink: SmtpSink): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-flows-'));
  const app = await openApp(dir, sink);
  const at = new Date().toISOString();
  const total = warmup + samples;
  await createRunningJob(app.state, total, at);
  await app.delivery.start();
  const base = sink.mails.length;
  const latencies: number[] = [];
  for (let i = 0; i < total; i++) {
    const done = accepted(sink, base + i + 1);
    const ev = { id: newEventId(new Date()), instance: 'default', type: 'unification.completed' };
    await app.state.updateTask(`t${i}`, { status: 'successful' }, [
      { ...ev, occurredAt: new Date().toISOString(), data },
    ]);
    const committed = performance.now();
    app.delivery.notify(); // what the refresh engine's outbox hook does after the commit
    const at = await done;
    if (i >= warmup) latencies.push(at - committed);
  }
  await app.delivery.drain();
  const failed = await app.state.listDeliveries('default', {
    status: 'failed',
    limit: 1,
    offset: 0,
  });
  if (failed.length > 0) throw new Error(`a flow delivery failed: ${failed[0]!.lastError}`);
  await app.close();
  rmSync(dir, { recursive: true, force: true });
  return latencies;
}

/** The same email sent directly with nodemailer (pooled) to the same server. */
async function runBaseline(sink: SmtpSink): Promise<number[]> {
  const transport = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port: sink.port,
    secure: false,
  });
  const base = sink.mails.length;
  const latencies: number[] = [];
  for (let i = 0; i < warmup + samples; i++) {
    const done = accepted(sink, base + i + 1);
    const started = performance.now();
    await transport.sendMail({
      from: 'Tributary <tributary@example.org>',
      to: ['ops@example.org'],
      subject: `Unification: ${data.profiles.total} profiles`,
      text: `${data.profiles.created} created, ${data.profiles.merged} merged. http://127.0.0.1:8080/#/default/jobs/j`,
      html: `<p><b>${data.profiles.total}</b> profiles</p>`,
    });
    const at = await done;
    if (i >= warmup) latencies.push(at - started);
  }
  transport.close();
  return latencies;
}

const sink = await SmtpSink.start();
const flow: { p50: number; p99: number }[] = [];
const direct: { p50: number; p99: number }[] = [];
for (let r = 0; r < runs; r++) {
  const f = await runFlow(sink);
  flow.push({ p50: round(percentile(f, 50), 2), p99: round(percentile(f, 99), 2) });
  const b = await runBaseline(sink);
  direct.push({ p50: round(percentile(b, 50), 2), p99: round(percentile(b, 99), 2) });
  sink.mails.length = 0;
}
await sink.close();

const p50 = median(flow.map((x) => x.p50));
const p99 = median(flow.map((x) => x.p99));
const b50 = median(direct.map((x) => x.p50));
const b99 = median(direct.map((x) => x.p99));
console.log(
  JSON.stringify({
    bench: 'flows',
    samples,
    runs,
    commitToSmtpAcceptMs: { p50: round(p50, 2), p99: round(p99, 2), target_p99: 250 },
    baselineDirectNodemailerMs: { p50: round(b50, 2), p99: round(b99, 2) },
    ratio: { p50: round(p50 / b50, 2), p99: round(p99 / b99, 2) },
    perRun: { flow, direct },
    ...machine(),
  }),
);

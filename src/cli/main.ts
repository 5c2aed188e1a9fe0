/**
 * The `tributary` command. Each command validates its flags, does its work through the HTTP API
 * (remote with --url, or in-process on --data-dir) and exits non-zero with the reason on failure.
 */
import { Command, InvalidArgumentError } from 'commander';
import { createApp } from '../app.js';
import { ConfigError } from '../config/index.js';
import { CliError } from './api.client.js';
import { configFrom, connect, type GlobalFlags } from './cli.context.js';
import { applyProject, loadProjectOrThrow } from './commands/apply.command.js';
import { runDemo } from './commands/demo.command.js';
import { refreshAndWait, startRefresh } from './commands/refresh.command.js';
import { serveApp } from './commands/serve.command.js';
import {
  createKey,
  exportConnector,
  formatKeys,
  listKeys,
  revokeKey,
} from './commands/keys.command.js';
import { formatStatus, readStatus } from './commands/status.command.js';
import {
  createFlow,
  formatFlows,
  formatRun,
  listFlows,
  listRuns,
  testFlow,
} from './commands/flows.command.js';
import { createProgress } from './progress.js';

const env = process.env;
const out = (s: string): void => void process.stdout.write(`${s}\n`);
const progress = createProgress();

function parseCount(v: string): number {
  const n = Number(v.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 100 || n > 5_000_000)
    throw new InvalidArgumentError('must be an integer from 100 to 5000000');
  return n;
}

function withGlobals(cmd: Command, opts: { url?: boolean; port?: boolean } = {}): Command {
  cmd.option('--data-dir <dir>', 'data directory (default ./.tributary or TRIBUTARY_DATA_DIR)');
  if (opts.port) cmd.option('--port <port>', 'HTTP port (default 8080 or TRIBUTARY_PORT)');
  if (opts.url) {
    cmd.option('--url <url>', 'talk to a running server instead of the data directory');
    cmd.option(
      '--key <key>',
      'API key for --url (default TRIBUTARY_ADMIN_KEY or <data-dir>/admin.key)',
    );
  }
  return cmd;
}

const program = new Command('tributary')
  .description('Tributary: customer data that drives automation')
  .showHelpAfterError();

withGlobals(
  program
    .command('demo')
    .description('generate demo data, apply the demo project, refresh, and serve'),
  { port: true },
)
  .option('--customers <n>', 'customers to generate (100..5000000)', parseCount, 10_000)
  .option('--no-serve', 'stop after the refresh instead of serving')
  .action(async (o: GlobalFlags & { customers: number; serve: boolean }) => {
    const app = await createApp({ config: { ...configFrom(env, o), logLevel: 'warn' } });
    if (o.serve) await serveApp(app, out);
    else await app.start();
    const job = await runDemo(app, o.customers, progress);
    if (!o.serve) {
      await app.close();
      process.exitCode = job.status === 'failed' ? 1 : 0;
      return;
    }
    out(
      `demo ready: try  curl -H "Authorization: Bearer $(cat ${app.adminKey.file ?? '<key>'})" ${app.config.host}:${app.config.port}/v1/instances/default/manage/datasources`,
    );
  });

withGlobals(program.command('serve').description('run the API, scheduler and refresh runner'), {
  port: true,
}).action(async (o: GlobalFlags) => {
  const app = await createApp({ config: configFrom(env, o) });
  await serveApp(app, out);
});

withGlobals(
  program
    .command('apply')
    .description('create or update sources and schedule from a YAML project file'),
  { url: true },
)
  .requiredOption('-f, --file <file>', 'project file')
  .action(async (o: GlobalFlags & { file: string }) => {
    const project = loadProjectOrThrow(o.file);
    const conn = await connect(env, o);
    try {
      await applyProject(conn.client, project, out);
    } finally {
      await conn.close();
    }
  });

withGlobals(
  program.command('refresh').description('start a refresh job (all sources, or --source)'),
  { url: true },
)
  .option('--instance <name>', 'instance', 'default')
  .option('--source <name...>', 'only these sources (and what depends on them)')
  .option('--ingestion-only', 'ingest only, skip downstream tasks')
  .option('--wait', 'wait for the job to end (always the case without --url)')
  .action(
    async (
      o: GlobalFlags & {
        instance: string;
        source?: string[];
        ingestionOnly?: boolean;
        wait?: boolean;
      },
    ) => {
      const conn = await connect(env, o);
      try {
        const req = {
          instance: o.instance,
          sources: o.source ?? [],
          ingestionOnly: o.ingestionOnly === true,
        };
        if (o.wait || conn.app) {
          const job = await refreshAndWait(conn.client, req, progress);
          if (job.status === 'failed' || job.status === 'canceled') process.exitCode = 1;
        } else {
          out(await startRefresh(conn.client, req));
        }
      } finally {
        await conn.close();
      }
    },
  );

withGlobals(program.command('status').description('data sources, recent jobs and schedule'), {
  url: true,
})
  .option('--instance <name>', 'instance', 'default')
  .option('--json', 'machine-readable output')
  .action(async (o: GlobalFlags & { instance: string; json?: boolean }) => {
    const conn = await connect(env, o);
    try {
      const report = await readStatus(conn.client, o.instance);
      out(o.json ? JSON.stringify(report, null, 2) : formatStatus(report));
    } finally {
      await conn.close();
    }
  });

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

const flows = program
  .command('flows')
  .description('built-in flows: Teams, Slack, email, HTTP and refresh actions on events');

withGlobals(
  flows
    .command('create')
    .description('create a flow from a ready-made template (--template) or a JSON file (--file)'),
  { url: true },
)
  .option('--instance <name>', 'instance', 'default')
  .option(
    '--template <name>',
    'teams-refresh-failed | email-segment-threshold | slack-unification-completed | email-scheduled-summary',
  )
  .option('--param <name=value>', 'a template parameter (repeat; lists comma-separated)', collect)
  .option('--file <file>', 'a flow definition as JSON (docs/flows.md)')
  .action(
    async (
      o: GlobalFlags & { instance: string; template?: string; param?: string[]; file?: string },
    ) => {
      if ((o.template === undefined) === (o.file === undefined)) {
        throw new CliError('give exactly one of --template and --file');
      }
      const conn = await connect(env, o);
      try {
        const from = o.template
          ? { template: o.template, params: o.param ?? [] }
          : { file: o.file! };
        const f = await createFlow(conn.client, o.instance, from);
        out(
          `flow ${f.name} created (${f.status}): ${f.trigger.event} → ${f.actions.map((a) => a.type).join(', ')}`,
        );
      } finally {
        await conn.close();
      }
    },
  );

withGlobals(flows.command('list').description('flows with their state and last run'), { url: true })
  .option('--instance <name>', 'instance', 'default')
  .action(async (o: GlobalFlags & { instance: string }) => {
    const conn = await connect(env, o);
    try {
      out(formatFlows(await listFlows(conn.client, o.instance)));
    } finally {
      await conn.close();
    }
  });

withGlobals(
  flows
    .command('test <name>')
    .description("send test: run the flow now on its event type's sample"),
  { url: true },
)
  .option('--instance <name>', 'instance', 'default')
  .option('--force', 'perform the actions even if the condition does not hold')
  .action(async (name: string, o: GlobalFlags & { instance: string; force?: boolean }) => {
    const conn = await connect(env, o);
    try {
      const run = await testFlow(conn.client, o.instance, name, o.force === true);
      out(formatRun(run));
      if (run.status === 'failed') process.exitCode = 1;
    } finally {
      await conn.close();
    }
  });

withGlobals(flows.command('runs <name>').description("a flow's runs, newest first"), {
  url: true,
})
  .option('--instance <name>', 'instance', 'default')
  .action(async (name: string, o: GlobalFlags & { instance: string }) => {
    const conn = await connect(env, o);
    try {
      const runs = await listRuns(conn.client, o.instance, name);
      out(runs.length === 0 ? '(no runs yet)' : runs.map(formatRun).join('\n'));
    } finally {
      await conn.close();
    }
  });

const keys = program
  .command('keys')
  .description('connections: API keys with instances, scopes and a rate limit');
const scopeNames = ['read', 'write', 'manage', 'subscribe', 'admin'];

withGlobals(keys.command('create').description('create a key (printed once)'), { url: true })
  .requiredOption('--name <name>', 'what the key is for, e.g. the flow')
  .option('--instance <name>', 'an instance the key may use (repeat; * for all)', collect)
  .option(
    '--scope <scope>',
    `a scope (repeat): ${scopeNames.join(', ')}; default read, write, subscribe`,
    collect,
  )
  .option('--rate-limit <n>', 'calls allowed per 60 s (default 100)', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
      throw new InvalidArgumentError('must be an integer from 1 to 1000000');
    return n;
  })
  .option('--json', 'machine-readable output')
  .action(
    async (
      o: GlobalFlags & {
        name: string;
        instance?: string[];
        scope?: string[];
        rateLimit?: number;
        json?: boolean;
      },
    ) => {
      const conn = await connect(env, o);
      try {
        const created = await createKey(conn.client, {
          name: o.name,
          instances: o.instance ?? ['default'],
          scopes: o.scope ?? ['read', 'write', 'subscribe'],
          ...(o.rateLimit !== undefined && { rateLimit: o.rateLimit }),
        });
        out(
          o.json
            ? JSON.stringify(created, null, 2)
            : `key ${created.id} created for ${created.instances.join(', ')} (${created.scopes.join(', ')}).\nstore it now, it is not shown again:\n${created.key ?? ''}`,
        );
      } finally {
        await conn.close();
      }
    },
  );

withGlobals(keys.command('list').description('list keys (never their secrets)'), { url: true })
  .option('--json', 'machine-readable output')
  .action(async (o: GlobalFlags & { json?: boolean }) => {
    const conn = await connect(env, o);
    try {
      const list = await listKeys(conn.client);
      out(o.json ? JSON.stringify(list, null, 2) : formatKeys(list));
    } finally {
      await conn.close();
    }
  });

withGlobals(keys.command('revoke').description('revoke a key: it stops working at once'), {
  url: true,
})
  .argument('<id>', 'the key id (from keys list)')
  .action(async (id: string, o: GlobalFlags) => {
    const conn = await connect(env, o);
    try {
      await revokeKey(conn.client, id);
      out(`key ${id} revoked`);
    } finally {
      await conn.close();
    }
  });

const connector = program
  .command('connector')
  .description('the Power Automate / Logic Apps custom connector');
withGlobals(
  connector.command('export').description('write the connector package files into a directory'),
  { url: true },
)
  .requiredOption('--out <dir>', 'output directory')
  .action(async (o: GlobalFlags & { out: string }) => {
    const conn = await connect(env, o);
    try {
      for (const path of await exportConnector(conn.client, o.out)) out(path);
    } finally {
      await conn.close();
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CliError || e instanceof ConfigError) {
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}

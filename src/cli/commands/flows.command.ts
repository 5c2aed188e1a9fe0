/** `tributary flows create|list|test|runs`, through the HTTP API. */
import { readFileSync } from 'node:fs';
import { flowTemplates } from '../../flows/index.js';
import { CliError, expectOk, type ApiClient } from '../api.client.js';

interface FlowView {
  name: string;
  status: string;
  disabledReason: string | null;
  trigger: { event: string };
  actions: { type: string }[];
  lastRun: { status: string; startedAt: string; test: boolean; error: string | null } | null;
}

interface RunView {
  id: string;
  test: boolean;
  status: string;
  conditionHeld: boolean | null;
  eventType: string;
  startedAt: string;
  attempt: number | null;
  actions: {
    index: number;
    type: string;
    status: string;
    statusCode: number | null;
    latencyMs: number;
    error: string | null;
  }[];
}

const base = (instance: string) => `/v1/instances/${encodeURIComponent(instance)}/flows`;

/** `key=value` flags into the template's parameters (numbers and comma-separated lists typed). */
export function parseParams(template: string, pairs: string[]): Record<string, unknown> {
  const t = flowTemplates.find((x) => x.name === template);
  if (!t) {
    throw new CliError(
      `unknown template "${template}"; known: ${flowTemplates.map((x) => x.name).join(', ')}`,
    );
  }
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const p = t.parameters.find((x) => x.name === key);
    if (eq < 0 || !p) {
      throw new CliError(
        `--param ${pair}: expected name=value with a name among ${t.parameters.map((x) => x.name).join(', ')}`,
      );
    }
    const value = pair.slice(eq + 1);
    params[key] =
      p.type === 'number'
        ? Number(value)
        : p.type === 'emails'
          ? value.split(',').map((s) => s.trim())
          : value;
  }
  return params;
}

export async function createFlow(
  client: ApiClient,
  instance: string,
  from: { template: string; params: string[] } | { file: string },
): Promise<FlowView> {
  if ('template' in from) {
    return expectOk<FlowView>(
      client.request(
        'POST',
        `${base(instance)}?template=${encodeURIComponent(from.template)}`,
        parseParams(from.template, from.params),
      ),
      `flow from ${from.template}`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(from.file, 'utf8'));
  } catch (e) {
    throw new CliError(`cannot read ${from.file}: ${(e as Error).message}`);
  }
  return expectOk<FlowView>(client.request('POST', base(instance), body), 'flow');
}

export async function listFlows(client: ApiClient, instance: string): Promise<FlowView[]> {
  return (await expectOk<{ value: FlowView[] }>(client.request('GET', base(instance)), 'flows'))
    .value;
}

export function testFlow(
  client: ApiClient,
  instance: string,
  name: string,
  force: boolean,
): Promise<RunView> {
  return expectOk<RunView>(
    client.request('POST', `${base(instance)}/${encodeURIComponent(name)}/test`, { force }),
    `test ${name}`,
  );
}

export async function listRuns(
  client: ApiClient,
  instance: string,
  name: string,
): Promise<RunView[]> {
  return (
    await expectOk<{ value: RunView[] }>(
      client.request('GET', `${base(instance)}/${encodeURIComponent(name)}/runs`),
      `runs of ${name}`,
    )
  ).value;
}

export function formatFlows(flows: FlowView[]): string {
  if (flows.length === 0)
    return '(no flows: try `tributary flows create --template teams-refresh-failed --param webhookUrl=…`)';
  return flows
    .map((f) => {
      const last = f.lastRun
        ? `last run ${f.lastRun.status}${f.lastRun.test ? ' (test)' : ''} ${f.lastRun.startedAt}${f.lastRun.error ? `: ${f.lastRun.error}` : ''}`
        : 'never ran';
      return `${f.name.padEnd(28)} ${f.status.padEnd(8)} ${f.trigger.event.padEnd(30)} ${f.actions
        .map((a) => a.type)
        .join('+')
        .padEnd(14)} ${last}`;
    })
    .join('\n');
}

export function formatRun(r: RunView): string {
  const head = `${r.id} ${r.test ? 'test' : `attempt ${r.attempt ?? '?'}`} ${r.eventType} ${r.startedAt}: ${r.status}${r.conditionHeld === false ? ' (condition did not hold)' : ''}`;
  const lines = r.actions.map(
    (a) =>
      `  ${a.index} ${a.type.padEnd(8)} ${a.status.padEnd(9)} ${a.statusCode ?? ''} ${a.latencyMs} ms${a.error ? `  ${a.error}` : ''}`,
  );
  return [head, ...lines].join('\n');
}

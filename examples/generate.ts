// Generates the demo data set and prints the GeneratedDemo summary as JSON on stdout; progress
// goes to stderr so stdout stays machine-readable.
// Usage: npx tsx examples/generate.ts --customers 1000 --out /tmp/demo [--seed 42] [--now ISO]
// Dates end at --now (default: the start of the current UTC day, so reruns on one day agree).
import { parseArgs } from 'node:util';
import { DEFAULT_SEED, generateDemo } from './generator/index.js';

function parseIntegerOption(name: string, raw: string | undefined, fallback?: number): number {
  if (raw === undefined) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`--${name} must be an integer, got ${raw}`);
  return value;
}

async function runCli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: '1000' },
      out: { type: 'string' },
      seed: { type: 'string' },
      now: { type: 'string' },
    },
  });
  if (!values.out) throw new Error('--out <directory> is required');
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  const now = values.now === undefined ? today : new Date(values.now);
  if (Number.isNaN(now.getTime()))
    throw new Error(`--now must be an ISO-8601 date, got ${values.now}`);
  const started = Date.now();
  const demo = await generateDemo({
    dir: values.out,
    customers: parseIntegerOption('customers', values.customers),
    seed: parseIntegerOption('seed', values.seed, DEFAULT_SEED),
    now,
    onProgress: ({ step, done, total }) => {
      process.stderr.write(`[${done}/${total}] ${step} (${Date.now() - started} ms)\n`);
    },
  });
  process.stdout.write(`${JSON.stringify(demo, null, 2)}\n`);
}

runCli().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

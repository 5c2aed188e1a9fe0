/**
 * A keep-alive HTTP load generator in its own process, so the clients never share the measured
 * server's event loop (`bench/api.bench.ts` runs it through `runLoad`). Reads one job as JSON on
 * stdin: `{urls, headers, clients}`; `clients` loops share the urls in order, client c sends
 * `headers[c]`. Prints `{latenciesMs, seconds, errors}` as JSON on stdout.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadJob {
  urls: string[];
  headers: Record<string, string>[];
  clients: number;
}

export interface LoadResult {
  latenciesMs: number[];
  seconds: number;
  errors: string[];
}

async function runJob(job: LoadJob): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const errors: string[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: job.clients }, async (_, c) => {
      while (next < job.urls.length) {
        const url = job.urls[next++]!;
        const s = performance.now();
        const res = await fetch(url, { headers: job.headers[c] ?? {} });
        await res.arrayBuffer();
        if (res.status !== 200) errors.push(`HTTP ${res.status} for ${url}`);
        latenciesMs.push(performance.now() - s);
      }
    }),
  );
  return { latenciesMs, seconds: (performance.now() - t0) / 1000, errors };
}

/** Runs `job` in a child process and returns what it measured. */
export function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url)],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) =>
        error
          ? reject(new Error(`load process failed: ${error.message}`))
          : resolve(JSON.parse(stdout) as LoadResult),
    );
    child.stdin!.end(JSON.stringify(job));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const job = JSON.parse(Buffer.concat(chunks).toString('utf8')) as LoadJob;
  process.stdout.write(JSON.stringify(await runJob(job)));
}

// `npm run bench -- <name> [args]` runs bench/<name>.bench.ts through tsx.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const [name, ...rest] = process.argv.slice(2);
const file = `bench/${name ?? ''}.bench.ts`;
if (!name || !existsSync(file)) {
  console.error(
    `usage: npm run bench -- <name>; known: ingest, refresh-demo, unify, segments, api, delivery, console, flows`,
  );
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...rest], { stdio: 'inherit' });
process.exit(r.status ?? 1);

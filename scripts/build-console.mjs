// Builds the console (web/ → web/dist) when the bundle is missing or older than its sources, so
// `npm start` always serves the current console; `npm run build` builds unconditionally.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const built = 'web/dist/index.html';
const inputs = ['web/index.html', 'web/src', 'web/public', 'vite.config.ts', 'package-lock.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((e) => newestMtime(join(path, e))));
}

const stale = !existsSync(built) || Math.max(...inputs.map(newestMtime)) > statSync(built).mtimeMs;
if (stale) {
  process.stdout.write('building the console (web/ → web/dist)…\n');
  const r = spawnSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'],
    {
      stdio: 'inherit',
    },
  );
  process.exit(r.status ?? 1);
}

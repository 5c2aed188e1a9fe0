/**
 * `tributary demo`: generate the seeded demo data (CRM, shop, loyalty), apply the demo project,
 * serve the API and run a full refresh with progress.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDemo } from '../../../examples/generator/index.js';
import type { App } from '../../app.js';
import { createEmbeddedClient } from '../api.client.js';
import type { Progress } from '../progress.js';
import { applyProject, loadProjectOrThrow } from './apply.command.js';
import { refreshAndWait } from './refresh.command.js';
import type { JobView } from '../job.watch.js';

const demoProject = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../examples/demo-project.yaml',
);

/**
 * Generates the data unless the same size, seed and end date are already there (the generator is
 * deterministic). The data ends at the start of `now`'s UTC day, so windows such as "this month"
 * or "the last 30 days" have members, and a rerun on the same day reuses the files.
 */
export async function prepareDemoData(
  dataDir: string,
  customers: number,
  now: Date,
  progress: Progress,
): Promise<string> {
  const dir = join(dataDir, 'demo');
  const marker = join(dir, 'generated.json');
  const dataEnd = new Date(now.getTime());
  dataEnd.setUTCHours(0, 0, 0, 0);
  const wanted = JSON.stringify({ customers, seed: 42, dataEnd: dataEnd.toISOString() });
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== wanted) {
    mkdirSync(dir, { recursive: true });
    progress.line(
      `generating demo data for ${customers.toLocaleString('en-US')} customers in ${dir}`,
    );
    progress.start('generating data', 6, 'steps');
    await generateDemo({
      dir,
      customers,
      seed: 42,
      now: dataEnd,
      onProgress: (p) => progress.update(p.done, p.step),
    });
    progress.stop();
    writeFileSync(marker, wanted);
  } else {
    progress.line(`demo data for ${customers.toLocaleString('en-US')} customers already in ${dir}`);
  }
  const project = join(dir, 'project.yaml');
  copyFileSync(demoProject, project);
  return project;
}

export async function runDemo(app: App, customers: number, progress: Progress): Promise<JobView> {
  const projectFile = await prepareDemoData(app.config.dataDir, customers, app.now(), progress);
  const client = createEmbeddedClient(app);
  const project = loadProjectOrThrow(projectFile);
  await applyProject(client, project, (s) => progress.line(s));
  return refreshAndWait(
    client,
    { instance: project.instance, sources: [], ingestionOnly: false },
    progress,
  );
}

import { CliError, expectOk, type ApiClient } from '../api.client.js';
import { readProjectFile, type Project } from '../project.file.js';

/**
 * Upserts the project's instance, sources, schedule, measures, segments and flows (measures first:
 * segments may read them; flows last: their triggers name the others). Idempotent: applying twice changes nothing. A definition the server rejects is
 * reported with its path in the file (`/segments/2/rule/and/0/attribute`).
 */
export async function applyProject(
  client: ApiClient,
  project: Project,
  log: (s: string) => void,
): Promise<void> {
  const created = await client.request('POST', '/v1/instances', { name: project.instance });
  if (created.status !== 201 && created.status !== 409) {
    await expectOk(Promise.resolve(created), `instance ${project.instance}`);
  }
  const base = `/v1/instances/${encodeURIComponent(project.instance)}`;
  for (const s of project.sources) {
    const res = await client.request(
      'PUT',
      `${base}/manage/datasources/${encodeURIComponent(s.name)}`,
      s,
    );
    await expectOk(Promise.resolve(res), `source ${s.name}`);
    log(
      `source ${s.name}: ${res.status === 201 ? 'created' : 'updated'} (${s.tables.length} table${s.tables.length === 1 ? '' : 's'})`,
    );
  }
  if (project.unification !== undefined) {
    const u = await expectOk<{ resolved: { mode: string; tables: string[]; rules: string[] } }>(
      client.request('PUT', `${base}/manage/unification`, project.unification),
      'unification',
    );
    const how =
      u.resolved.mode === 'rules' ? `rules ${u.resolved.rules.join(', ')}` : 'probabilistic';
    log(`unification: ${u.resolved.tables.join(' > ')}; ${how}`);
  }
  // Flows last: their triggers name the sources, segments and measures above.
  for (const section of ['measures', 'segments', 'flows'] as const) {
    const defs: { name: string }[] = project[section];
    for (const d of defs) {
      const res = await client.request(
        'PUT',
        `${base}${section === 'flows' ? '' : '/manage'}/${section}/${encodeURIComponent(d.name)}`,
        d,
      );
      if (res.status >= 400) {
        const body = res.body as { detail?: string; field?: string } | undefined;
        const at = `/${section}/${project.order[section].indexOf(d.name)}`;
        const detail = (body?.detail ?? `HTTP ${res.status}`).replace(/^body/, at);
        throw new CliError(`${section.slice(0, -1)} ${d.name}: ${detail}`);
      }
      log(`${section.slice(0, -1)} ${d.name}: ${res.status === 201 ? 'created' : 'updated'}`);
    }
  }
  if (project.schedule) {
    const s = await expectOk<{ nextRunAt: string | null }>(
      client.request('PUT', `${base}/workflows/main/schedules`, project.schedule),
      'schedule',
    );
    log(
      `schedule: ${project.schedule.cronSchedules.join(', ')} ${project.schedule.timezoneId}; next run ${s.nextRunAt ?? 'none'}`,
    );
  }
}

export function loadProjectOrThrow(file: string): Project {
  const p = readProjectFile(file);
  if (!p.ok) throw new CliError(p.error.message);
  return p.value;
}

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { migrationProvider, openSqliteState, type StateStore } from '../src/state/index.js';
import { runStateContract } from './state.contract.js';
import { runTriggersStateContract } from './state.triggers.contract.js';

const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-state-test-'));
  dirs.push(dir);
  return dir;
}

async function open(file: string): Promise<StateStore> {
  const r = await openSqliteState(file);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

runStateContract('sqlite :memory:', () => open(':memory:'));
runStateContract('sqlite file', () => open(join(tempDir(), 'state.sqlite')));
runTriggersStateContract('sqlite :memory:', () => open(':memory:'));
runTriggersStateContract('sqlite file', () => open(join(tempDir(), 'state.sqlite')));

void describe('sqlite state file', () => {
  void it('keeps its data across reopen, and reopening does not migrate again', async () => {
    const file = join(tempDir(), 'state.sqlite');
    const createdAt = '2026-01-01T00:00:00.000Z';
    const first = await open(file);
    await first.createInstance({ name: 'default', createdAt });
    await first.upsertSource({
      instance: 'default',
      name: 'crm',
      kind: 'csv',
      owners: [],
      definition: { tables: [] },
      createdAt,
      updatedAt: createdAt,
    });
    await first.createJob(
      {
        id: 'j1',
        instance: 'default',
        status: 'successful',
        submissionKind: 'scheduled',
        jobType: 'full',
        identifiers: [],
        createdAt,
        startedAt: createdAt,
        endedAt: createdAt,
        cancelRequested: false,
      },
      [
        {
          id: 't1',
          jobId: 'j1',
          kind: 'ingest',
          target: 'crm',
          dependsOn: [],
          status: 'successful',
          attempts: 1,
          rowsRead: 12,
          rowsRejected: 0,
          startedAt: createdAt,
          endedAt: createdAt,
          error: null,
          details: { tables: ['contacts'] },
        },
      ],
    );
    const schedule = {
      instance: 'default',
      isActive: true,
      timezoneId: 'Europe/London',
      cronSchedules: ['@daily'],
      nextRunAt: '2026-01-02T00:00:00.000Z',
      updatedAt: createdAt,
    };
    await first.putSchedule(schedule);
    await first.appendMetric({
      instance: 'default',
      metricKind: 'rows',
      metricName: 'crm',
      jobId: 'j1',
      observedAt: createdAt,
      value: 12,
      details: null,
    });
    await first.close();

    for (let reopen = 0; reopen < 2; reopen++) {
      const store = await open(file);
      try {
        assert.deepEqual(await store.listInstances(), [{ name: 'default', createdAt }]);
        assert.equal(await store.createInstance({ name: 'default', createdAt }), false);
        assert.deepEqual(
          (await store.listSources('default')).map((s) => s.name),
          ['crm'],
        );
        assert.equal((await store.getJob('j1'))?.submissionKind, 'scheduled');
        assert.deepEqual(
          (await store.listTasks('j1')).map((t) => [t.id, t.rowsRead, t.details]),
          [['t1', 12, { tables: ['contacts'] }]],
        );
        assert.deepEqual(await store.getSchedule('default'), schedule);
        assert.equal((await store.listMetrics('default', 'rows', 'crm', 10)).length, 1);
      } finally {
        await store.close();
      }
    }

    // Each migration is recorded once, however often the file was opened.
    const raw = new Sqlite(file, { readonly: true });
    try {
      const rows = raw.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as {
        name: string;
      }[];
      const known = Object.keys(await migrationProvider.getMigrations()).sort();
      assert.ok(known.length > 0);
      assert.deepEqual(
        rows.map((r) => r.name),
        known,
      );
    } finally {
      raw.close();
    }
  });
});

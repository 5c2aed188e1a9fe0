import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import { openSqliteState } from '../src/state/index.js';
import { startWalCheckpointer } from '../src/state/wal.checkpointer.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-wal-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

void describe('WAL checkpoints on a worker thread', () => {
  void it('keeps checkpoints out of the main connection and copies the WAL from the thread', async () => {
    const file = join(dir, 'state.sqlite');
    const db = new Sqlite(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('create table t (id integer primary key, payload blob not null)');
    // The periodic round is pushed out of the test's way; `checkpointNow` runs the same code.
    const cp = startWalCheckpointer(db, file, { intervalMs: 3_600_000, backstopPages: 100_000 });
    await cp.ready;
    try {
      const insert = db.prepare('insert into t (payload) values (?)');
      // About 3,000 pages in many commits: past SQLite's own 1,000-page checkpoint three times.
      for (let i = 0; i < 300; i++) {
        db.transaction(() => {
          for (let j = 0; j < 10; j++) insert.run(Buffer.alloc(4000, i % 251));
        })();
      }
      const before = statSync(file).size;
      assert.ok(before < 1_000_000, `the main connection checkpointed: file at ${before} bytes`);
      const r = await cp.checkpointNow();
      assert.ok(!('error' in r), JSON.stringify(r));
      assert.ok(r.log >= 3000, `WAL frames: ${r.log}`);
      assert.equal(r.checkpointed, r.log);
      assert.ok(statSync(file).size >= 12_000_000, `file at ${statSync(file).size} bytes`);
      const count = db.prepare('select count(*) as n from t').get() as { n: number };
      assert.equal(count.n, 3000);
    } finally {
      await cp.stop();
      db.close();
    }
  });

  void it('closes the state file cleanly: the thread first, then the main connection removes the WAL', async () => {
    // In a child process that exits right after `close()`, as a server does on shutdown.
    const file = join(dir, 'closing.sqlite');
    const script = fileURLToPath(new URL('./fixtures/state/close-and-exit.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, file], {
      encoding: 'utf8',
    });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(existsSync(`${file}-wal`), false, 'the WAL file is left behind');
    const reopened = await openSqliteState(file);
    assert.ok(reopened.ok);
    assert.deepEqual(
      (await reopened.value.listInstances()).map((i) => i.name),
      ['default'],
    );
    await reopened.value.close();
  });
});

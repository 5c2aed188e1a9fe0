import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { indexEntityKeys } from '../src/odata/index.js';
import { startTestApp, type TestApp } from './support/app.js';

void describe('entity key indexes', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.dispose());

  void it('index base tables and leave views such as Customer_Measure alone', async () => {
    const wh = await app.warehouse.open('default');
    await wh.write(async (w) => {
      await w.run(`CREATE TABLE Customer AS SELECT 'c-' || i AS CustomerId FROM range(3) t(i)`);
      await w.run(`CREATE VIEW Customer_Measure AS SELECT CustomerId, 1 AS Value FROM Customer`);
    });
    const indexed = await indexEntityKeys(app.state, wh, 'default');
    assert.ok(indexed >= 1);
    const idx = await wh.query(`SELECT index_name FROM duckdb_indexes() ORDER BY index_name`);
    assert.deepEqual(
      idx.map((r) => r.index_name),
      ['Customer__key'],
    );
  });
});

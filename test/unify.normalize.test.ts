import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { SqlParams, normalizeSql } from '../src/unify/normalize.sql.js';
import type { Normalization } from '../src/unify/unify.schema.js';

void describe('unification: normalizations (run in DuckDB)', () => {
  let db: DuckDBInstance;
  let con: DuckDBConnection;
  before(async () => {
    db = await DuckDBInstance.create(':memory:');
    con = await db.connect();
  });
  after(() => {
    con.closeSync();
    db.closeSync();
  });

  const norm = async (steps: Normalization[], value: string | null): Promise<unknown> => {
    const params = new SqlParams();
    const input = value === null ? 'NULL' : `${params.add(value)}::VARCHAR`;
    const sql = normalizeSql(input, steps, params);
    const r = await con.runAndReadAll(`SELECT ${sql} AS v`, params.values);
    return r.getRowObjectsJS()[0]!.v;
  };

  const cases: [Normalization[], string | null, string | null][] = [
    [['lowercase'], 'AnN LeE', 'ann lee'],
    [['whitespace'], ' 12  Main\tSt ', '12MainSt'],
    [['symbols'], "O'Brien-Smith, Jr.", 'OBrienSmith Jr'],
    [['numerals'], 'Henry VIII', 'henry 8'],
    [['unicodeToAscii'], 'Zoë Ørsted Straße', 'Zoe Orsted Strasse'],
    [['phone'], '+44 (0)20 7946-0018', '079460018'],
    [['phone'], '020 7946 0018', '079460018'],
    [['phone'], '12-34', null],
    [['email'], '  Ann.Lee@Example.COM ', 'ann.lee@example.com'],
    [['email'], 'not an email', null],
    [['emailNoTag'], 'ann+shop@x.com', 'ann@x.com'],
    [['name'], 'Mr.  LEE,  Ann', 'ann lee'],
    [['name'], 'Zoë  Ørsted', 'orsted zoe'],
    [['address'], '12, High Street', '12 high st'],
    [['lowercase', { alias: { bob: 'robert', bill: 'william' } }], 'Bob', 'robert'],
    [['lowercase', { alias: { bob: 'robert' } }], 'Rob', 'rob'],
    [['lowercase'], '   ', null],
    [['name'], null, null],
  ];
  for (const [steps, input, expected] of cases) {
    void it(`${JSON.stringify(steps)}: ${JSON.stringify(input)} → ${JSON.stringify(expected)}`, async () => {
      assert.equal(await norm(steps, input), expected);
    });
  }

  void it('name, email and phone normalizations are idempotent on any text', async () => {
    for (const step of ['name', 'email', 'address', 'unicodeToAscii'] as const) {
      await fc.assert(
        fc.asyncProperty(fc.string({ maxLength: 30 }), async (s) => {
          const once = await norm([step], s);
          if (once === null) return;
          assert.equal(await norm([step], once as string), once);
        }),
        { numRuns: 60 },
      );
    }
  });

  void it('user values in alias maps are parameters, not SQL', async () => {
    const evil = "x'); DROP TABLE t; --";
    assert.equal(await norm([{ alias: { [evil]: 'safe' } }], evil), 'safe');
  });
});

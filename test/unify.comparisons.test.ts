import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { levelLabel, levelSql, rightSides } from '../src/unify/comparisons.js';
import type { SemanticType } from '../src/unify/unify.schema.js';

void describe('unification: probabilistic comparison levels (run in DuckDB)', () => {
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

  /** The level label of one comparison between two literal values. */
  const level = async (type: SemanticType, a: string | null, b: string | null): Promise<string> => {
    const r = await con.runAndReadAll(
      `SELECT ${levelSql(type, '$1::VARCHAR', '$2::VARCHAR')} AS g`,
      [a, b],
    );
    return levelLabel(type, Number(r.getRowObjectsJS()[0]!.g));
  };

  const cases: [SemanticType, string | null, string | null, string][] = [
    ['Person.BirthDate', '1971-06-24', '1971-06-24', 'exact'],
    ['Person.BirthDate', '1971-06-24', '1991-06-24', 'editDistance<=1'],
    ['Person.BirthDate', '1971-06-24', '1971-07-20', 'withinDays<=31'],
    ['Person.BirthDate', '1974-07-03', '1974-12-30', 'withinDays<=366'],
    ['Person.BirthDate', '1974-07-03', '1984-06-30', 'withinDays<=3653'],
    ['Person.BirthDate', '1950-01-01', '1984-06-30', 'different'],
    ['Person.BirthDate', 'not a date', '1984-06-30', 'different'],
    ['Person.BirthDate', null, '1984-06-30', 'missing'],
    ['Identity.Email', 'ann@x.com', 'ann@x.com', 'exact'],
    ['Identity.Email', 'ann@x.com', 'anne@x.com', 'editDistance<=1'],
    ['Identity.Email', 'ann.lee@x.com', 'anne.leigh@x.com', 'different'],
    ['Person.FirstName', 'jonathan', 'jonathon', 'jaroWinkler>=0.92'],
    ['Person.FirstName', 'oscar', 'osacar', 'jaroWinkler>=0.8'],
  ];
  for (const [type, a, b, want] of cases) {
    void it(`${type}: ${String(a)} vs ${String(b)} → ${want}`, async () => {
      assert.equal(await level(type, a, b), want);
    });
  }

  void it('reads transposed first and last names the way they agree better', async () => {
    const cs = [
      { attribute: 'FirstName', column: 'f', type: 'Person.FirstName' as const },
      { attribute: 'LastName', column: 'l', type: 'Person.LastName' as const },
      { attribute: 'City', column: 'c', type: 'Location.City' as const },
    ];
    const rights = rightSides(cs, 'a', 'b');
    const gammas = cs.map((c, k) => `${levelSql(c.type, `a.${c.column}`, rights[k]!)} AS g${k}`);
    const levels = async (left: string[], right: string[]): Promise<string[]> => {
      const r = await con.runAndReadAll(
        `SELECT ${gammas.join(', ')} FROM (SELECT $1 AS f, $2 AS l, $3 AS c) a,
          (SELECT $4 AS f, $5 AS l, $6 AS c) b`,
        [...left, ...right],
      );
      const row = r.getRowObjectsJS()[0]!;
      return cs.map((c, k) => levelLabel(c.type, Number(row[`g${k}`])));
    };
    assert.deepEqual(await levels(['moore', 'oscar', 'leeds'], ['oscar', 'moore', 'leeds']), [
      'exact',
      'exact',
      'exact',
    ]);
    assert.deepEqual(await levels(['osacar', 'moore', 'york'], ['moore', 'oscar', 'leeds']), [
      'jaroWinkler>=0.8',
      'exact',
      'different',
    ]);
    // Names in the same order are compared as they are.
    assert.deepEqual(await levels(['oscar', 'moore', 'leeds'], ['oscar', 'mor', 'leeds']), [
      'exact',
      'jaroWinkler>=0.8',
      'exact',
    ]);
  });
});

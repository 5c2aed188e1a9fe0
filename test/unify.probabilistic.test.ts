import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { runEm, type Pattern } from '../src/unify/index.js';
import { auth, startTestApp, type TestApp } from './support/app.js';
import { scoreLinkage } from './support/linkage.js';
import { putUnification, query, refreshAll } from './support/unify.js';

void describe('unification: expectation–maximisation', () => {
  void it('recovers λ and m from the exact pattern counts of a known model', () => {
    // Three comparisons with 2, 3 and 2 levels; every pattern is present in proportion.
    const truth = {
      lambda: 0.3,
      m: [
        [0.1, 0.9],
        [0.05, 0.15, 0.8],
        [0.2, 0.8],
      ],
    };
    const u = [
      [0.9, 0.1],
      [0.7, 0.2, 0.1],
      [0.6, 0.4],
    ];
    const patterns: Pattern[] = [];
    for (let a = 0; a < 2; a++) {
      for (let b = 0; b < 3; b++) {
        for (let c = 0; c < 2; c++) {
          const pm = truth.m[0]![a]! * truth.m[1]![b]! * truth.m[2]![c]!;
          const pu = u[0]![a]! * u[1]![b]! * u[2]![c]!;
          patterns.push({
            levels: [a, b, c],
            count: 1e6 * (truth.lambda * pm + (1 - truth.lambda) * pu),
          });
        }
      }
    }
    // A missing value (-1) carries no evidence and must not disturb the estimates.
    patterns.push({ levels: [-1, 2, -1], count: 1000 * truth.m[1]![2]! });
    const r = runEm(patterns, u, { maxIterations: 2000, tolerance: 1e-10 });
    assert.ok(r.converged);
    assert.ok(Math.abs(r.model.lambda - truth.lambda) < 2e-3, String(r.model.lambda));
    r.model.m.forEach((row, k) =>
      row.forEach((v, g) =>
        assert.ok(Math.abs(v - truth.m[k]![g]!) < 5e-3, `m[${k}][${g}] = ${v}`),
      ),
    );
  });
});

void describe('unification: fake_1000 (labelled fixture, MIT licence, from Splink)', () => {
  let app: TestApp;
  const truth = `SELECT 'fake_people' AS SourceTable, CAST(unique_id AS VARCHAR) AS RecordId,
    cluster AS entity FROM fake_people`;
  const customers = [
    {
      source: 'fake',
      table: 'people',
      columns: {
        first_name: 'Person.FirstName',
        surname: 'Person.LastName',
        dob: 'Person.BirthDate',
        city: 'Location.City',
        email: 'Identity.Email',
      },
    },
  ];
  before(async () => {
    app = await startTestApp();
    const res = await app.http.inject({
      method: 'PUT',
      url: '/v1/instances/default/manage/datasources/fake',
      headers: auth,
      payload: {
        name: 'fake',
        tables: [
          {
            name: 'people',
            format: 'csv',
            path: resolve('test/fixtures/fake_1000/fake_1000.csv'),
            primaryKey: 'unique_id',
          },
        ],
      },
    });
    assert.equal(res.statusCode, 201, res.body);
  });
  after(() => app.dispose());

  void it('probabilistic mode with only the mapping: EM converges, F1 >= 0.9 at precision >= 0.99', async () => {
    assert.equal((await putUnification(app, { mode: 'probabilistic', customers })).status, 200);
    const tasks = await refreshAll(app);
    const match = tasks.get('match')!;
    assert.equal(match.status, 'successful', JSON.stringify(match.error));
    assert.equal(match.details?.emConverged, true);
    const s = await scoreLinkage(await app.warehouse.open('default'), truth);
    assert.ok(s.precision >= 0.99, JSON.stringify(s));
    assert.ok(s.f1 >= 0.9, JSON.stringify(s));
    // Every matched pair explains itself: a probability above the threshold and a level per comparison.
    const [pair] = await query(app, 'SELECT Probability, Scores FROM ConflationMatchPair LIMIT 1');
    assert.ok(Number(pair!.Probability) >= 0.95);
    const scores = JSON.parse(String(pair!.Scores)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(scores).sort(), [
      'BirthDate',
      'City',
      'Email',
      'FirstName',
      'LastName',
      'matchWeight',
    ]);
  });

  void it('probabilistic output is identical for unchanged input', async () => {
    const before = await query(app, 'SELECT * FROM ConflationMatchPair ORDER BY ALL');
    const customersBefore = await query(app, 'SELECT * FROM Customer ORDER BY CustomerId');
    await refreshAll(app);
    assert.deepEqual(await query(app, 'SELECT * FROM ConflationMatchPair ORDER BY ALL'), before);
    assert.deepEqual(
      await query(app, 'SELECT * FROM Customer ORDER BY CustomerId'),
      customersBefore,
    );
  });

  void it('rule mode with fuzzy rules reaches F1 0.9', async () => {
    const rules = [
      { name: 'email', conditions: [{ attribute: 'Email', precision: 0.9 }] },
      {
        name: 'nameDob',
        conditions: [{ attribute: 'FullName', precision: 0.6 }, { attribute: 'BirthDate' }],
      },
      {
        name: 'nameCity',
        conditions: [{ attribute: 'FullName', precision: 0.75 }, { attribute: 'City' }],
      },
      { name: 'dobCity', conditions: [{ attribute: 'BirthDate' }, { attribute: 'City' }] },
      {
        name: 'namesDob',
        conditions: [
          { attribute: 'FirstName', precision: 0.8, algorithm: 'jaroWinkler' },
          { attribute: 'LastName' },
          { attribute: 'BirthDate', precision: 0.85 },
        ],
      },
    ];
    assert.equal((await putUnification(app, { mode: 'rules', customers, rules })).status, 200);
    const tasks = await refreshAll(app);
    assert.equal(tasks.get('merge')?.status, 'successful');
    const s = await scoreLinkage(await app.warehouse.open('default'), truth);
    assert.ok(s.f1 >= 0.9, JSON.stringify(s));
    assert.ok(s.precision >= 0.95, JSON.stringify(s));
  });
});

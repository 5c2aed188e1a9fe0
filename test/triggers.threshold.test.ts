/**
 * Threshold triggers through the metric recorder and a real SQLite file: a model-based property test
 * over random value sequences (equality with T, nulls, a baseline or none, re-arm levels, and a
 * restart of the store in the middle), plus the recorder's contract with the segment stage.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createSubscription } from '../src/delivery/index.js';
import { openSqliteState, type MetricRow, type StateStore } from '../src/state/index.js';
import { createMetricRecorder, stepThreshold } from '../src/triggers/index.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function openAt(file: string): Promise<StateStore> {
  const r = await openSqliteState(file);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const t0 = Date.parse('2026-04-01T00:00:00.000Z');
const at = (i: number) => new Date(t0 + i * 60_000);

function segmentRow(
  value: number | null,
  i: number,
  details: Record<string, unknown> = {},
): MetricRow {
  return {
    instance: 'default',
    metricKind: 'segment',
    metricName: 'Vip',
    jobId: `job-${i}`,
    observedAt: at(i).toISOString(),
    value,
    details: { added: 0, removed: 0, addedSample: [], owners: ['m@example.com'], ...details },
  };
}

/** The rules of design §6.1 restated over the whole history (not as a state machine). */
function modelFirings(
  baseline: number | null,
  values: (number | null)[],
  t: number,
  rearm: number,
): { index: number; previous: number }[] {
  const fired: { index: number; previous: number }[] = [];
  values.forEach((v, i) => {
    if (v === null) return;
    const earlier = [baseline, ...values.slice(0, i)].filter((x): x is number => x !== null);
    const prev = earlier.at(-1);
    if (prev === undefined || !(prev <= t && t < v)) return;
    const last = fired.at(-1);
    const rearmed =
      last === undefined || values.slice(last.index + 1, i).some((x) => x !== null && x <= rearm);
    if (rearmed) fired.push({ index: i, previous: prev });
  });
  return fired;
}

void describe('threshold triggers', () => {
  void it('fire exactly as the model says over random sequences, across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-threshold-'));
    dirs.push(dir);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          t: fc.integer({ min: 0, max: 8 }),
          below: fc.integer({ min: 0, max: 4 }),
          baseline: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
          values: fc.array(fc.option(fc.integer({ min: 0, max: 10 }), { nil: null, freq: 4 }), {
            maxLength: 24,
          }),
          restartAt: fc.nat(),
        }),
        async ({ t, below, baseline, values, restartAt }) => {
          const file = join(dir, `state-${run++}.sqlite`);
          const rearm = t - below;
          let state = await openAt(file);
          try {
            await state.createInstance({ name: 'default', createdAt: at(0).toISOString() });
            if (baseline !== null) await state.appendMetric(segmentRow(baseline, 0));
            else
              await state.upsertDefinition({
                instance: 'default',
                kind: 'segment',
                name: 'Vip',
                owners: [],
                body: {},
                createdAt: at(0).toISOString(),
                updatedAt: at(0).toISOString(),
              });
            const deps = {
              state,
              policy: { allowPrivateTargets: true, allowHttpHosts: [] },
              secretOverlapMs: 0,
            };
            const created = await createSubscription(
              deps,
              'default',
              {
                event: 'segment.threshold.crossed',
                url: 'http://127.0.0.1:9/hook',
                segment: 'Vip',
                threshold: t,
                ...(below > 0 && { rearmBelow: rearm }),
              },
              at(1),
            );
            assert.ok(created.ok);
            const restart = restartAt % (values.length + 1);
            for (const [i, v] of values.entries()) {
              if (i === restart) {
                await state.close();
                state = await openAt(file);
              }
              await createMetricRecorder({ state, notify: () => undefined })(segmentRow(v, i + 2));
            }
            const events = await state.listEvents('default', { afterSeq: 0, limit: 1000 });
            const got = events.map((e) => ({
              observedAt: e.data.observedAt,
              previous: e.data.previousCount,
              current: e.data.currentCount,
            }));
            const want = modelFirings(baseline, values, t, rearm).map((f) => ({
              observedAt: at(f.index + 2).toISOString(),
              previous: f.previous,
              current: values[f.index],
            }));
            assert.deepEqual(got, want);
          } finally {
            await state.close();
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  void it('a null changes nothing; equality with T neither fires nor blocks the next crossing', () => {
    const s0 = { lastValue: 5, armed: true };
    assert.deepEqual(stepThreshold(s0, null, 5, 5).next, s0);
    const eq = stepThreshold(s0, 5, 5, 5);
    assert.equal(eq.fired, false);
    assert.equal(stepThreshold(eq.next, 6, 5, 5).fired, true);
  });

  void it('fires one event per crossing for duplicate subscriptions, with the segment deltas and sample', async () => {
    const state = await openAt(':memory:');
    try {
      await state.createInstance({ name: 'default', createdAt: at(0).toISOString() });
      await state.appendMetric(segmentRow(90, 0));
      const deps = {
        state,
        policy: { allowPrivateTargets: true, allowHttpHosts: [] },
        secretOverlapMs: 0,
      };
      const body = {
        event: 'segment.threshold.crossed',
        url: 'http://127.0.0.1:9/hook',
        segment: 'Vip',
        threshold: 100,
      };
      const a = await createSubscription(deps, 'default', body, at(1));
      const b = await createSubscription(deps, 'default', body, at(1));
      assert.ok(a.ok && b.ok);
      const record = createMetricRecorder({ state, notify: () => undefined });
      const sample = Array.from({ length: 12 }, (_, i) => `c-${i}`);
      await record(segmentRow(112, 2, { added: 25, removed: 3, addedSample: sample }));
      await record(segmentRow(130, 3));
      const events = await state.listEvents('default', { afterSeq: 0, limit: 10 });
      assert.equal(events.length, 1);
      assert.deepEqual(events[0]!.data, {
        segment: 'Vip',
        threshold: 100,
        rearmBelow: 100,
        previousCount: 90,
        currentCount: 112,
        added: 25,
        removed: 3,
        addedSample: sample.slice(0, 10),
        jobId: 'job-2',
        observedAt: at(2).toISOString(),
        owners: ['m@example.com'],
      });
      const deliveries = await state.listDeliveries('default', { limit: 10, offset: 0 });
      assert.equal(deliveries.length, 1, 'one delivery for the duplicate pair');
      // Every value is kept in the metric history, as appendMetric would.
      assert.equal((await state.listMetrics('default', 'segment', 'Vip', 10)).length, 3);
    } finally {
      await state.close();
    }
  });

  void it('fires a scalar measure crossing; dimensional values are history only', async () => {
    const state = await openAt(':memory:');
    try {
      await state.createInstance({ name: 'default', createdAt: at(0).toISOString() });
      const measure = (value: number | null, i: number, kind = 'scalar'): MetricRow => ({
        instance: 'default',
        metricKind: 'measure',
        metricName: 'Revenue',
        jobId: `job-${i}`,
        observedAt: at(i).toISOString(),
        value,
        details: { kind, owners: ['f@example.com'] },
      });
      const record = createMetricRecorder({ state, notify: () => undefined });
      await record(measure(900.5, 0));
      const deps = {
        state,
        policy: { allowPrivateTargets: true, allowHttpHosts: [] },
        secretOverlapMs: 0,
      };
      const sub = await createSubscription(
        deps,
        'default',
        {
          event: 'measure.threshold.crossed',
          url: 'http://127.0.0.1:9/m',
          measure: 'Revenue',
          threshold: 1000,
        },
        at(1),
      );
      assert.ok(sub.ok);
      await record(measure(null, 2));
      await record(measure(1000.25, 3));
      const events = await state.listEvents('default', { afterSeq: 0, limit: 10 });
      assert.equal(events.length, 1);
      assert.equal(events[0]!.type, 'measure.threshold.crossed');
      assert.equal(events[0]!.data.previousValue, 900.5);
      assert.equal(events[0]!.data.currentValue, 1000.25);
      assert.deepEqual(events[0]!.data.owners, ['f@example.com']);
      await record(measure(200, 4, 'dimensional'));
      await record(measure(5000, 5, 'dimensional'));
      assert.equal((await state.listEvents('default', { afterSeq: 0, limit: 10 })).length, 1);
      assert.equal((await state.listMetrics('default', 'measure', 'Revenue', 10)).length, 5);
    } finally {
      await state.close();
    }
  });
});

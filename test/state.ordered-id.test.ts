import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { newOrderedId, orderedIdSeries } from '../src/state/index.js';
import { newEventId } from '../src/triggers/index.js';

void describe('time-ordered ids', () => {
  void it('sort by time across series and by call order within a series', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 46 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (t, dt) => {
          const first = orderedIdSeries('dlv_', new Date(t));
          const a = [first(), first(), first()];
          const later = newOrderedId('dlv_', new Date(t + dt));
          assert.ok(a[0]! < a[1]! && a[1]! < a[2]!, 'increasing within a series');
          assert.ok(a[2]! < later, 'a later time sorts after');
        },
      ),
    );
  });

  void it('keep the documented shape and stay unique within one millisecond', () => {
    const at = '2026-05-01T10:00:00.000Z';
    const ids = new Set(Array.from({ length: 2000 }, () => newEventId(at)));
    assert.equal(ids.size, 2000);
    for (const id of ids) assert.match(id, /^evt_[0-9a-f]{32}$/);
    assert.ok(
      [...ids].every((id) => id.startsWith(`evt_${Date.parse(at).toString(16).padStart(12, '0')}`)),
    );
  });
});

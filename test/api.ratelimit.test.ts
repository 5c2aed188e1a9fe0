/** The sliding-log rate limiter with a controlled clock: exact in any window, never over-strict. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SlidingLogLimiter } from '../src/api/rate.limiter.js';

void describe('sliding-log rate limiter', () => {
  void it('property: never more than the limit accepted in any window, never a rejection below it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 4000 }), { maxLength: 120 }),
        (limit, windowSeconds, gaps) => {
          const limiter = new SlidingLogLimiter();
          const windowMs = windowSeconds * 1000;
          const accepted: number[] = [];
          let t = 1_000_000;
          for (const gap of gaps) {
            t += gap;
            const counted = accepted.filter((a) => a > t - windowMs).length;
            const d = limiter.take('c', limit, windowSeconds, t);
            assert.equal(d.allowed, counted < limit, `at ${t}: ${counted} counted`);
            if (d.allowed) accepted.push(t);
            const inWindow = accepted.filter((a) => a > t - windowMs);
            assert.ok(inWindow.length <= limit);
            assert.equal(d.remaining, limit - inWindow.length);
            if (!d.allowed) {
              // Retry-After is the time until the oldest counted call leaves the window, rounded up.
              const oldest = inWindow[0]!;
              assert.equal(d.resetSeconds, Math.ceil((oldest + windowMs - t) / 1000));
              const retry = new SlidingLogLimiter();
              for (const a of inWindow) retry.take('c', limit, windowSeconds, a);
              assert.equal(
                retry.take('c', limit, windowSeconds, t + d.resetSeconds * 1000).allowed,
                true,
              );
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  void it('100 calls per 60 s: the 101st is refused until the first leaves the window', () => {
    const limiter = new SlidingLogLimiter();
    const t0 = 5_000_000;
    for (let i = 0; i < 100; i++) assert.ok(limiter.take('k', 100, 60, t0 + i * 100).allowed);
    const over = limiter.take('k', 100, 60, t0 + 30_000);
    assert.deepEqual([over.allowed, over.remaining, over.resetSeconds], [false, 0, 30]);
    assert.equal(limiter.take('k', 100, 60, t0 + 59_999).allowed, false);
    assert.equal(limiter.take('k', 100, 60, t0 + 60_000).allowed, true);
    assert.equal(limiter.take('other', 100, 60, t0 + 30_000).remaining, 99);
  });
});

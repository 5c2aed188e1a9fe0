/**
 * Fires scheduled jobs. `tick(now)` is the whole decision and is what tests drive; `start()` only
 * arms a timer that calls it. However many runs were missed while down, one job is submitted and
 * the next run is computed from now.
 */
import type { StateStore } from '../state/index.js';
import type { RefreshService } from './refresh.service.js';
import { nextRunAfter } from './schedule.js';

const maxTimerMs = 60_000;

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<string[]> | undefined;
  private stopped = false;

  constructor(
    private readonly state: StateStore,
    private readonly refresh: RefreshService,
    private readonly now: () => Date,
  ) {}

  /** Submits due jobs; returns the ids of the jobs it submitted. */
  async tick(now: Date): Promise<string[]> {
    const submitted: string[] = [];
    for (const s of await this.state.listSchedules()) {
      if (!s.isActive) continue;
      if (s.nextRunAt !== null && new Date(s.nextRunAt) <= now) {
        const r = await this.refresh.submit({ instance: s.instance, submissionKind: 'scheduled' });
        if (r.ok) submitted.push(r.value.jobId);
      } else if (s.nextRunAt !== null) {
        continue;
      }
      const next = nextRunAfter(s, now);
      await this.state.putSchedule({ ...s, nextRunAt: next?.toISOString() ?? null });
    }
    return submitted;
  }

  start(): void {
    const loop = (): void => {
      this.ticking = this.tick(this.now());
      void this.ticking
        .catch(() => [])
        .then(async () => {
          if (this.stopped) return;
          const wait = await this.msUntilNext();
          this.timer = setTimeout(loop, wait);
          this.timer.unref();
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking?.catch(() => undefined);
  }

  private async msUntilNext(): Promise<number> {
    const times = (await this.state.listSchedules())
      .filter((s) => s.isActive && s.nextRunAt !== null)
      .map((s) => new Date(s.nextRunAt!).getTime());
    const soonest = times.length > 0 ? Math.min(...times) - this.now().getTime() : maxTimerMs;
    return Math.max(0, Math.min(maxTimerMs, soonest));
  }
}

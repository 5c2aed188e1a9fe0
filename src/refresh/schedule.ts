/**
 * The per-instance refresh schedule: an IANA time zone and cron times (croner handles DST).
 * `nextRunAt` is persisted so a run missed while the server was down runs once at start.
 */
import { Cron } from 'croner';
import { ErrorCode, err, makeError, type Result } from '../errors/index.js';
import { StringEnum, Type, validate, type Static } from '../schema/index.js';
import type { ScheduleRow, StateStore } from '../state/index.js';

/** Presets expand to cron expressions; anything else must be a valid 5- or 6-field cron. */
const presets: Record<string, string> = {
  '@daily': '0 0 * * *',
  '@weekly': '0 0 * * 1',
  '@hourly': '0 * * * *',
};

export const ScheduleBody = Type.Object(
  {
    isActive: Type.Boolean(),
    timezoneId: Type.String({ minLength: 1, description: 'IANA time zone, e.g. Europe/London' }),
    cronSchedules: Type.Array(Type.String({ minLength: 1 }), {
      description: 'cron expressions (minute hour day month weekday) or @daily, @weekly, @hourly',
    }),
  },
  { additionalProperties: false },
);
export type ScheduleBody = Static<typeof ScheduleBody>;
export const SchedulePreset = StringEnum(Object.keys(presets));

export function validateSchedule(value: unknown, base = ''): Result<ScheduleBody> {
  const r = validate(ScheduleBody, value, base);
  if (!r.ok) return r;
  try {
    new Intl.DateTimeFormat('en', { timeZone: r.value.timezoneId });
  } catch {
    return err(
      makeError(
        ErrorCode.validation,
        'user',
        `${base}/timezoneId: unknown time zone "${r.value.timezoneId}"`,
        `${base}/timezoneId`,
      ),
    );
  }
  for (const [i, expr] of r.value.cronSchedules.entries()) {
    try {
      new Cron(presets[expr] ?? expr, { timezone: r.value.timezoneId, paused: true });
    } catch (e) {
      const field = `${base}/cronSchedules/${i}`;
      return err(
        makeError(
          ErrorCode.validation,
          'user',
          `${field}: invalid cron "${expr}": ${(e as Error).message}`,
          field,
        ),
      );
    }
  }
  return r;
}

/** The earliest run strictly after `from` over all of the schedule's cron times. */
export function nextRunAfter(
  schedule: Pick<ScheduleRow, 'timezoneId' | 'cronSchedules'>,
  from: Date,
): Date | null {
  let best: Date | null = null;
  for (const expr of schedule.cronSchedules) {
    const next = new Cron(presets[expr] ?? expr, {
      timezone: schedule.timezoneId,
      paused: true,
    }).nextRun(from);
    if (next && (!best || next < best)) best = next;
  }
  return best;
}

/** The next `count` runs after `from`, for previews. */
export function nextRuns(
  schedule: Pick<ScheduleRow, 'timezoneId' | 'cronSchedules'>,
  from: Date,
  count: number,
): Date[] {
  const out: Date[] = [];
  let cursor = from;
  for (let i = 0; i < count; i++) {
    const next = nextRunAfter(schedule, cursor);
    if (!next) break;
    out.push(next);
    cursor = next;
  }
  return out;
}

export async function saveSchedule(
  state: StateStore,
  instance: string,
  body: ScheduleBody,
  now: Date,
): Promise<ScheduleRow> {
  const row: ScheduleRow = {
    instance,
    ...body,
    nextRunAt: body.isActive ? (nextRunAfter(body, now)?.toISOString() ?? null) : null,
    updatedAt: now.toISOString(),
  };
  await state.putSchedule(row);
  return row;
}

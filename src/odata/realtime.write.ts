/**
 * Validation of real-time writes against the entity's columns: Update item on `Customer` (field
 * changes) and Create item on `UnifiedActivity` (a new activity record). `validUntil` is reserved
 * in both bodies: an ISO date-time at most 30 days ahead; defaults 4 h (profiles) and 30 days
 * (activities).
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, err, makeError, ok, type AppError, type Result } from '../errors/index.js';
import type { EntityColumn, EntityInfo } from './entity.types.js';
import { patchableColumns, toUtcText } from './realtime.overlay.js';

const hour = 3_600_000;
const day = 24 * hour;
export const maxValidityMs = 30 * day;
export const defaultProfileValidityMs = 4 * hour;
export const defaultActivityValidityMs = 30 * day;

function invalid(field: string, message: string): AppError {
  return makeError(ErrorCode.validation, 'user', `body/${field}: ${message}`, `body/${field}`);
}

function readValidUntil(raw: unknown, now: Date, fallbackMs: number): Result<Date> {
  if (raw === undefined) return ok(new Date(now.getTime() + fallbackMs));
  if (
    typeof raw !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T/.test(raw) ||
    Number.isNaN(Date.parse(raw))
  ) {
    return err(invalid('validUntil', 'must be an ISO 8601 date-time, e.g. 2026-07-01T12:00:00Z'));
  }
  const at = new Date(raw);
  if (at.getTime() <= now.getTime()) return err(invalid('validUntil', 'must be in the future'));
  if (at.getTime() > now.getTime() + maxValidityMs) {
    return err(invalid('validUntil', 'must be at most 30 days ahead'));
  }
  return ok(at);
}

/** The warehouse text of a JSON value for a column, or an error naming the field. */
function toColumnText(c: EntityColumn, v: unknown): Result<string | null> {
  if (v === null) return ok(null);
  const wrong = (what: string): Result<string | null> =>
    err(invalid(c.name, `must be ${what} (column type ${c.sqlType}) or null`));
  switch (c.category) {
    case 'string':
      return typeof v === 'string' ? ok(v) : wrong('a string');
    case 'boolean':
      return typeof v === 'boolean' ? ok(String(v)) : wrong('true or false');
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return wrong('a number');
      if (/INT/.test(c.sqlType) && !Number.isInteger(v)) return wrong('an integer');
      return ok(String(v));
    case 'date':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v))
        ? ok(v)
        : wrong('a date (YYYY-MM-DD)');
    case 'datetime':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v))
        ? ok(toUtcText(new Date(v)))
        : wrong('an ISO 8601 date-time');
    case 'other':
      return err(invalid(c.name, `column of type ${c.sqlType} cannot be written in real time`));
  }
}

export interface ProfileChange {
  values: { column: string; text: string | null }[];
  validUntil: Date;
}

export function validateProfileChange(
  entity: EntityInfo,
  body: Record<string, unknown>,
  now: Date,
): Result<ProfileChange> {
  const validUntil = readValidUntil(body.validUntil, now, defaultProfileValidityMs);
  if (!validUntil.ok) return validUntil;
  const allowed = new Map(patchableColumns(entity).map((c) => [c.name, c]));
  const values: ProfileChange['values'] = [];
  for (const [name, v] of Object.entries(body)) {
    if (name === 'validUntil') continue;
    const c = allowed.get(name);
    if (!c) {
      const why = entity.key.includes(name) ? 'the key cannot be changed' : 'unknown field';
      return err(invalid(name, why));
    }
    const text = toColumnText(c, v);
    if (!text.ok) return text;
    values.push({ column: name, text: text.value });
  }
  if (values.length === 0) return err(invalid('', 'no field to change'));
  return ok({ values, validUntil: validUntil.value });
}

export interface ActivityRecord {
  activityId: string;
  record: Record<string, string | null>;
  validUntil: Date;
}

export function validateActivity(
  entity: EntityInfo,
  body: Record<string, unknown>,
  now: Date,
): Result<ActivityRecord> {
  const validUntil = readValidUntil(body.validUntil, now, defaultActivityValidityMs);
  if (!validUntil.ok) return validUntil;
  const columns = new Map(entity.columns.map((c) => [c.name, c]));
  const defaults: Record<string, unknown> = {
    ActivityId: `realtime:${randomUUID()}`,
    Timestamp: now.toISOString(),
    Source: 'realtime',
    SourceTable: 'realtime',
  };
  const record: Record<string, string | null> = {};
  for (const [name, v] of Object.entries({ ...defaults, ...body })) {
    if (name === 'validUntil') continue;
    const c = columns.get(name);
    if (!c) {
      if (name in defaults) continue;
      return err(invalid(name, 'unknown field'));
    }
    const text = toColumnText(c, v);
    if (!text.ok) return text;
    record[name] = text.value;
  }
  for (const required of ['ActivityId', 'ActivityType', 'CustomerId']) {
    if (columns.has(required) && (record[required] ?? null) === null) {
      return err(invalid(required, 'is required'));
    }
  }
  return ok({ activityId: record.ActivityId!, record, validUntil: validUntil.value });
}

/**
 * A flow's condition: a JSON tree over the fields of the event (no code): `{and: […]}`,
 * `{or: […]}`, `{not: …}` and comparisons `{field: 'data.rowsRejected', op: 'gt', value: 100}`.
 * Checked at save time against the event type's schema (unknown fields, value types); evaluated on
 * the envelope. A missing or null field satisfies only `ne` (and `eq null`), never an ordering.
 */
import { ComparisonOps, type ComparisonOp } from '../conditions/index.js';
import { ErrorCode, err, makeError, ok, type Result } from '../errors/index.js';
import type { TSchema } from '../schema/index.js';
import { kindsOf, readPath, resolvePath, splitPath } from './payload.fields.js';

/** The segment language's comparisons, but `within` (a date window needs the evaluation's now). */
export type ConditionOp = Exclude<ComparisonOp, 'within'>;
export const ConditionOps: readonly ConditionOp[] = ComparisonOps.filter(
  (op): op is ConditionOp => op !== 'within',
);

export type Scalar = string | number | boolean | null;

export type Condition =
  | { and: Condition[] }
  | { or: Condition[] }
  | { not: Condition }
  | { field: string; op: ConditionOp; value?: Scalar | Scalar[] };

const maxDepth = 16;

const fail = (path: string, message: string) =>
  err(makeError(ErrorCode.validation, 'user', `${path}: ${message}`, path));

const isScalar = (v: unknown): v is Scalar =>
  v === null || ['string', 'number', 'boolean'].includes(typeof v);

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Validates the tree node by node against the context schema; the error names the node's path
 * (`/condition/and/1/field`).
 */
export function checkCondition(
  input: unknown,
  schema: TSchema,
  base: string,
  depth = 0,
): Result<Condition> {
  if (depth > maxDepth) return fail(base, `nested deeper than ${maxDepth} levels`);
  if (!isRecord(input)) return fail(base, 'must be an object ({and}, {or}, {not} or {field, op})');
  const keys = Object.keys(input);
  for (const group of ['and', 'or'] as const) {
    if (!(group in input)) continue;
    if (keys.length !== 1) return fail(base, `"${group}" stands alone in its object`);
    const list = input[group];
    if (!Array.isArray(list) || list.length === 0) {
      return fail(`${base}/${group}`, 'must be a non-empty list of conditions');
    }
    const items: Condition[] = [];
    for (const [i, c] of list.entries()) {
      const r = checkCondition(c, schema, `${base}/${group}/${i}`, depth + 1);
      if (!r.ok) return r;
      items.push(r.value);
    }
    return ok(group === 'and' ? { and: items } : { or: items });
  }
  if ('not' in input) {
    if (keys.length !== 1) return fail(base, '"not" stands alone in its object');
    const r = checkCondition(input.not, schema, `${base}/not`, depth + 1);
    return r.ok ? ok({ not: r.value }) : r;
  }
  return checkComparison(input, schema, base);
}

function checkComparison(
  input: Record<string, unknown>,
  schema: TSchema,
  base: string,
): Result<Condition> {
  const extra = Object.keys(input).find((k) => !['field', 'op', 'value'].includes(k));
  if (extra !== undefined) return fail(`${base}/${extra}`, `unknown field "${extra}"`);
  const { field, op, value } = input;
  if (typeof field !== 'string' || field === '') {
    return fail(`${base}/field`, 'missing the field path (like data.status)');
  }
  const resolved = resolvePath(schema, splitPath(field));
  if (!resolved.ok) {
    const segs = splitPath(field);
    return fail(
      `${base}/field`,
      `unknown field "${segs.slice(0, resolved.at + 1).join('.')}" (known there: ${resolved.known.join(', ')})`,
    );
  }
  if (typeof op !== 'string' || !(ConditionOps as readonly string[]).includes(op)) {
    return fail(`${base}/op`, `must be one of ${ConditionOps.join(', ')}`);
  }
  const kinds = kindsOf(resolved.schema);
  const numeric = kinds.has('number') || kinds.has('integer');
  const typeOf = (v: Scalar): string =>
    v === null ? 'null' : typeof v === 'number' ? 'number' : typeof v;
  const fits = (v: Scalar): boolean =>
    v === null ||
    (typeof v === 'number' ? numeric : kinds.has(typeOf(v))) ||
    (typeof v === 'string' && kinds.has('array'));
  const valuePath = `${base}/value`;
  switch (op as ConditionOp) {
    case 'exists':
      if (value !== undefined) return fail(valuePath, 'exists takes no value');
      break;
    case 'in':
      if (!Array.isArray(value) || value.length === 0 || !value.every(isScalar)) {
        return fail(valuePath, 'in takes a non-empty list of values');
      }
      if (!value.every(fits))
        return fail(valuePath, `a value does not fit ${field} (${[...kinds].join(' or ')})`);
      break;
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      if (typeof value === 'number' && numeric) break;
      if (typeof value === 'string' && kinds.has('string')) break;
      return fail(
        valuePath,
        `${op} compares ${field} (${[...kinds].join(' or ')}) with a ${numeric ? 'number' : 'string'}`,
      );
    case 'contains':
      if (!isScalar(value) || value === null) return fail(valuePath, 'contains takes a value');
      if (!kinds.has('string') && !kinds.has('array')) {
        return fail(
          `${base}/op`,
          `contains needs a text or list field; ${field} is ${[...kinds].join(' or ')}`,
        );
      }
      break;
    case 'startsWith':
    case 'endsWith':
      if (typeof value !== 'string') return fail(valuePath, `${op} takes a text value`);
      if (!kinds.has('string')) return fail(`${base}/op`, `${op} needs a text field`);
      break;
    case 'eq':
    case 'ne':
      if (!isScalar(value) || value === undefined) return fail(valuePath, `${op} takes a value`);
      if (!fits(value))
        return fail(
          valuePath,
          `${JSON.stringify(value)} does not fit ${field} (${[...kinds].join(' or ')})`,
        );
      break;
  }
  return ok({
    field,
    op: op as ConditionOp,
    ...(value !== undefined && { value: value }),
  });
}

function same(a: unknown, b: Scalar): boolean {
  if (b === null) return a === null || a === undefined;
  return a === b;
}

function ordered(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

/** Evaluates the tree on the flow's context (the event envelope and its extras). */
export function evaluateCondition(c: Condition, context: unknown): boolean {
  if ('and' in c) return c.and.every((x) => evaluateCondition(x, context));
  if ('or' in c) return c.or.some((x) => evaluateCondition(x, context));
  if ('not' in c) return !evaluateCondition(c.not, context);
  const v = readPath(context, splitPath(c.field));
  const value = c.value;
  switch (c.op) {
    case 'exists':
      return v !== undefined && v !== null;
    case 'eq':
      return same(v, value as Scalar);
    case 'ne':
      return !same(v, value as Scalar);
    case 'in':
      return (value as Scalar[]).some((x) => same(v, x));
    case 'contains':
      if (typeof v === 'string') return v.includes(String(value));
      return Array.isArray(v) && v.some((x) => same(x, value as Scalar));
    case 'startsWith':
      return typeof v === 'string' && v.startsWith(value as string);
    case 'endsWith':
      return typeof v === 'string' && v.endsWith(value as string);
    default: {
      const d = ordered(v, value);
      if (d === undefined) return false;
      return c.op === 'gt' ? d > 0 : c.op === 'ge' ? d >= 0 : c.op === 'lt' ? d < 0 : d <= 0;
    }
  }
}

/**
 * Validation of segment definitions. `validateSegment` checks the shape of the whole tree without
 * any data (what `apply` can check before the first refresh); `checkSegment` checks columns, types,
 * activity types and references against the warehouse and the other definitions. Every error names
 * the path of the offending node, e.g. `/segments/2/rule/and/0/op`.
 */
import {
  checkAttribute,
  checkComparison,
  checkComparisonShape,
  type Comparison,
  checkWindow,
  customerTable,
  activityTable,
  invalid,
  type Catalog,
  type ColumnCategory,
} from '../conditions/index.js';
import { AttributeCondition } from '../conditions/index.js';
import { err, ok, type Result } from '../errors/index.js';
import { valueCategory, type MeasureDefinition } from '../measures/index.js';
import { validate, type TSchema } from '../schema/index.js';
import {
  ActivityCondition,
  MeasureCondition,
  SegmentCondition,
  SegmentShape,
  type Rule,
  type SegmentDefinition,
} from './segment.schema.js';

const maxDepth = 32;
const maxNodes = 500;
const groupOps = ['and', 'or', 'union', 'intersect', 'except'] as const;
const leafSchemas: [string, TSchema][] = [
  ['attribute', AttributeCondition],
  ['activity', ActivityCondition],
  ['measure', MeasureCondition],
  ['inSegment', SegmentCondition],
];
const nodeKeys = [...groupOps, 'not', ...leafSchemas.map(([k]) => k)].join(', ');

/** A leaf with the path of its node. */
export interface Located<T> {
  node: T;
  path: string;
}

function walkShape(node: unknown, path: string, depth: number, seen: { n: number }): Result<void> {
  if (++seen.n > maxNodes) return err(invalid(path, `a rule has at most ${maxNodes} nodes`));
  if (depth > maxDepth) return err(invalid(path, `a rule is at most ${maxDepth} levels deep`));
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    return err(invalid(path, `a rule node is an object with one of: ${nodeKeys}`));
  }
  const keys = Object.keys(node);
  const rec = node as Record<string, unknown>;
  const group = groupOps.find((op) => op in rec) ?? ('not' in rec ? 'not' : undefined);
  if (group !== undefined) {
    const extra = keys.find((k) => k !== group);
    if (extra !== undefined)
      return err(invalid(`${path}/${extra}`, `unknown field beside "${group}"`));
    if (group === 'not') return walkShape(rec.not, `${path}/not`, depth + 1, seen);
    const children = rec[group];
    const min = group === 'and' || group === 'or' ? 1 : 2;
    if (!Array.isArray(children) || children.length < min) {
      return err(
        invalid(
          `${path}/${group}`,
          `"${group}" needs a list of at least ${min} rule${min > 1 ? 's' : ''}`,
        ),
      );
    }
    for (const [i, child] of children.entries()) {
      const r = walkShape(child, `${path}/${group}/${i}`, depth + 1, seen);
      if (!r.ok) return r;
    }
    return ok(undefined);
  }
  const leaf = leafSchemas.find(([k]) => k in rec);
  if (!leaf) return err(invalid(path, `a rule node needs one of: ${nodeKeys}`));
  const v = validate(leaf[1], node, path);
  if (!v.ok) return v;
  const within = (rec as { within?: unknown }).within;
  if (within !== undefined) {
    const w = checkWindow(within as never, `${path}/within`);
    if (!w.ok) return w;
  }
  if (leaf[0] === 'inSegment') return ok(undefined);
  const shape = checkComparisonShape(node as Comparison, path);
  if (!shape.ok) return shape;
  for (const [i, c] of ((rec as { where?: Comparison[] }).where ?? []).entries()) {
    const r = checkComparisonShape(c, `${path}/where/${i}`);
    if (!r.ok) return r;
  }
  return ok(undefined);
}

/** Checks the definition's shape, including every node of the rule tree. */
export function validateSegment(body: unknown, base = ''): Result<SegmentDefinition> {
  const shape = validate(SegmentShape, body, base);
  if (!shape.ok) return shape;
  const r = walkShape(shape.value.rule, `${base}/rule`, 0, { n: 0 });
  return r.ok ? ok(shape.value as SegmentDefinition) : r;
}

/** Visits every leaf of a (validated) rule with its path. */
export function visitLeaves(
  rule: Rule,
  path: string,
  visit: (leaf: Rule, path: string) => void,
): void {
  const rec = rule as Record<string, unknown>;
  for (const op of groupOps) {
    if (op in rec) {
      (rec[op] as Rule[]).forEach((c, i) => visitLeaves(c, `${path}/${op}/${i}`, visit));
      return;
    }
  }
  if ('not' in rec) return visitLeaves(rec.not as Rule, `${path}/not`, visit);
  visit(rule, path);
}

export function segmentRefs(def: SegmentDefinition, base = ''): Located<string>[] {
  const out: Located<string>[] = [];
  visitLeaves(def.rule, `${base}/rule`, (leaf, path) => {
    if ('inSegment' in leaf) out.push({ node: leaf.inSegment, path: `${path}/inSegment` });
  });
  return out;
}

export function measureRefs(def: SegmentDefinition): string[] {
  const out: string[] = [];
  visitLeaves(def.rule, '', (leaf) => {
    if ('measure' in leaf) out.push(leaf.measure);
  });
  return out;
}

/** A cycle through `start` in the segment graph (names along it, start repeated at the end). */
export function findCycle(
  graph: ReadonlyMap<string, string[]>,
  start: string,
): string[] | undefined {
  const stack: string[] = [];
  const done = new Set<string>();
  const visit = (n: string): string[] | undefined => {
    if (stack.includes(n)) return n === start ? [...stack, n] : undefined;
    if (done.has(n)) return undefined;
    stack.push(n);
    for (const next of graph.get(n) ?? []) {
      const c = visit(next);
      if (c) return c;
    }
    stack.pop();
    done.add(n);
    return undefined;
  };
  return visit(start);
}

export interface SegmentContext {
  catalog: Catalog;
  measures: ReadonlyMap<string, MeasureDefinition>;
  /** Every segment of the instance, with the segments each one reads (this one included). */
  graph: ReadonlyMap<string, string[]>;
  /** Unknown activity types are rejected at the API boundary, not when a refresh runs. */
  activityTypes: boolean;
}

function activityCategory(node: ActivityCondition, catalog: Catalog): ColumnCategory {
  if ((node.aggregate ?? 'count') !== 'last') return 'number';
  return catalog.activity?.get('Timestamp') ?? 'timestamp';
}

function checkLeaf(leaf: Rule, path: string, ctx: SegmentContext): Result<void> {
  const { catalog } = ctx;
  if ('attribute' in leaf) {
    return catalog.customer
      ? checkAttribute(leaf, catalog.customer, customerTable, path)
      : ok(undefined);
  }
  if ('activity' in leaf) {
    const types = catalog.activityTypes;
    if (ctx.activityTypes && types && !types.has(leaf.activity)) {
      return err(
        invalid(
          `${path}/activity`,
          `unknown activity type "${leaf.activity}"; known: ${[...types].join(', ') || 'none'}`,
        ),
      );
    }
    const aggregate = leaf.aggregate ?? 'count';
    if (leaf.field !== undefined && aggregate !== 'sum') {
      return err(invalid(`${path}/field`, 'field applies to aggregate "sum" only'));
    }
    if (catalog.activity) {
      for (const [i, c] of (leaf.where ?? []).entries()) {
        const r = checkAttribute(c, catalog.activity, activityTable, `${path}/where/${i}`);
        if (!r.ok) return r;
      }
      if (aggregate === 'sum') {
        const field = leaf.field ?? 'Amount';
        const cat = catalog.activity.get(field);
        if (cat !== 'number') {
          return err(
            invalid(
              `${path}/field`,
              cat === undefined
                ? `unknown column "${field}" of UnifiedActivity`
                : `type mismatch: sum needs a number column; "${field}" is ${cat}`,
            ),
          );
        }
      }
    }
    return checkComparison(leaf, activityCategory(leaf, catalog), path);
  }
  if ('measure' in leaf) {
    const m = ctx.measures.get(leaf.measure);
    if (!m) {
      return err(
        invalid(
          `${path}/measure`,
          `unknown measure "${leaf.measure}"; known: ${[...ctx.measures.keys()].join(', ') || 'none'}`,
        ),
      );
    }
    if (!m.perCustomer) {
      return err(
        invalid(`${path}/measure`, `measure "${leaf.measure}" is not customer-level (perCustomer)`),
      );
    }
    return checkComparison(leaf, valueCategory(m, catalog), path);
  }
  if ('inSegment' in leaf && !ctx.graph.has(leaf.inSegment)) {
    return err(invalid(`${path}/inSegment`, `unknown segment "${leaf.inSegment}"`));
  }
  return ok(undefined);
}

/** Checks every leaf against the warehouse and the other definitions, then rejects a cycle. */
export function checkSegment(def: SegmentDefinition, ctx: SegmentContext, base = ''): Result<void> {
  let failure: Result<void> | undefined;
  visitLeaves(def.rule, `${base}/rule`, (leaf, path) => {
    if (failure) return;
    const r = checkLeaf(leaf, path, ctx);
    if (!r.ok) failure = r;
  });
  if (failure) return failure;
  const cycle = findCycle(ctx.graph, def.name);
  if (cycle) {
    const first = segmentRefs(def, base).find((r) => r.node === cycle[1]);
    return err(
      invalid(first?.path ?? `${base}/rule`, `segments form a cycle: ${cycle.join(' → ')}`),
    );
  }
  return ok(undefined);
}

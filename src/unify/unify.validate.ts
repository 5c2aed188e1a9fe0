/**
 * Validates a unification definition against the instance's data sources and resolves it into a
 * UnifyPlan. Every error names its path in the definition (prefixed by `base`, e.g.
 * `/unification/rules/2/conditions/0/attribute`). Warehouse columns are checked later, by the
 * match task, because a table may not have been ingested yet when the definition is applied.
 */
import { ok, type Result } from '../errors/index.js';
import { failAt } from './unify.errors.js';
import { validate } from '../schema/index.js';
import { primaryKeyColumns, type SourceDefinition } from '../sources/index.js';
import {
  DEFAULT_BLOCKING,
  DEFAULT_MAX_ITERATIONS,
  DEFAULT_RANDOM_PAIRS,
  DEFAULT_RULES,
  DEFAULT_THRESHOLD,
  defaultAttributeName,
  defaultNormalization,
} from './unify.defaults.js';
import type {
  PlanAttribute,
  PlanMergeGroup,
  PlanRule,
  PlanTable,
  RecordRef,
  UnifyPlan,
} from './unify.plan.js';
import {
  SemanticTypes,
  UnificationDefinition,
  type CustomerTable,
  type RecordPair,
  type SemanticType,
} from './unify.schema.js';

const NAME_PARTS = ['FirstName', 'LastName'];

export function resolveUnification(
  raw: unknown,
  sources: SourceDefinition[],
  base = '',
): Result<UnifyPlan> {
  const shape = validate(UnificationDefinition, raw, base);
  if (!shape.ok) return shape;
  const def = shape.value;
  const keys = new Map<string, string[]>();
  for (const s of sources) {
    for (const t of s.tables) keys.set(`${s.name}.${t.name}`, primaryKeyColumns(t.primaryKey));
  }

  const attributes = new Map<string, PlanAttribute>();
  const tables: PlanTable[] = [];
  for (const [i, t] of def.customers.entries()) {
    const r = resolveTable(t, i, keys, attributes, tables, `${base}/customers/${i}`);
    if (!r.ok) return r;
    tables.push(r.value);
  }
  // FullName can be derived from FirstName and LastName (see records.stage.ts).
  const hasNameParts = NAME_PARTS.every((a) => attributes.has(a));
  const derivable = new Set(attributes.keys());
  if (hasNameParts || attributes.has('FullName')) derivable.add('FullName');
  const mappedBy = (attr: string): PlanTable[] =>
    tables.filter((t) => {
      const names = new Set(t.columns.map((c) => c.attribute));
      return names.has(attr) || (attr === 'FullName' && NAME_PARTS.every((a) => names.has(a)));
    });

  const rules = resolveRules(def, attributes, derivable, mappedBy, base);
  if (!rules.ok) return rules;
  const prob = resolveProbabilistic(def, attributes, derivable, base);
  if (!prob.ok) return prob;

  const activities: UnifyPlan['activities'] = [];
  for (const [i, a] of (def.activities ?? []).entries()) {
    const at = `${base}/activities/${i}`;
    const key = keys.get(`${a.source}.${a.table}`);
    if (!key) return failAt(`${at}/table`, `no table "${a.table}" in source "${a.source}"`);
    const customerRef = `${a.customer.source}.${a.customer.table}`;
    if (!tables.some((t) => t.ref === customerRef)) {
      return failAt(`${at}/customer`, `"${customerRef}" is not one of the customer tables`);
    }
    activities.push({
      source: a.source,
      table: a.table,
      warehouseTable: `${a.source}_${a.table}`,
      keyColumns: key,
      customerRef,
      customerKey: a.customer.key,
      type: a.type,
      timestamp: a.timestamp,
      amount: a.amount ?? null,
      fields: Object.entries(a.fields ?? {}).map(([attribute, column]) => ({ attribute, column })),
    });
  }

  const overrides = {
    alwaysMatch: [] as UnifyPlan['alwaysMatch'],
    neverMatch: [] as UnifyPlan['neverMatch'],
  };
  for (const kind of ['alwaysMatch', 'neverMatch'] as const) {
    for (const [i, p] of (def.overrides?.[kind] ?? []).entries()) {
      const r = resolvePair(p, tables, `${base}/overrides/${kind}/${i}`);
      if (!r.ok) return r;
      overrides[kind].push(r.value);
    }
  }

  const merge = resolveMerge(def, attributes, base);
  if (!merge.ok) return merge;
  return ok({
    mode: def.mode ?? 'rules',
    tables,
    attributes: [...attributes.values()],
    rules: rules.value,
    probabilistic: prob.value,
    activities,
    ...overrides,
    mergeGroups: merge.value,
  });
}

function resolveTable(
  t: CustomerTable,
  order: number,
  keys: Map<string, string[]>,
  attributes: Map<string, PlanAttribute>,
  done: PlanTable[],
  at: string,
): Result<PlanTable> {
  const ref = `${t.source}.${t.table}`;
  const keyColumns = keys.get(ref);
  if (!keyColumns) return failAt(`${at}/table`, `no table "${t.table}" in source "${t.source}"`);
  if (done.some((d) => d.ref === ref)) return failAt(`${at}/table`, `"${ref}" is listed twice`);
  const columns: PlanTable['columns'] = [];
  const seen = new Set<string>();
  for (const [column, mapping] of Object.entries(t.columns)) {
    const field = `${at}/columns/${column}`;
    const m = typeof mapping === 'string' ? { type: mapping } : mapping;
    let type: SemanticType | null = null;
    if (m.type !== undefined && !m.type.startsWith('Custom.')) {
      if (!(SemanticTypes as readonly string[]).includes(m.type)) {
        return failAt(
          field,
          `unknown semantic type "${m.type}" (one of ${SemanticTypes.join(', ')}, or Custom.<Name>)`,
        );
      }
      type = m.type as SemanticType;
    }
    const attribute = m.attribute ?? (m.type ? defaultAttributeName(m.type) : undefined);
    if (!attribute || !/^[A-Za-z][A-Za-z0-9_]*$/.test(attribute)) {
      return failAt(field, 'give a semantic type or an attribute name');
    }
    if (seen.has(attribute))
      return failAt(field, `attribute "${attribute}" is mapped twice in this table`);
    seen.add(attribute);
    const known = attributes.get(attribute);
    if (known && known.type !== type) {
      return failAt(
        field,
        `attribute "${attribute}" has type ${known.type ?? 'custom'} in another table, not ${type ?? 'custom'}`,
      );
    }
    attributes.set(attribute, { name: attribute, type });
    columns.push({ column, attribute });
  }
  if (columns.length === 0) return failAt(`${at}/columns`, 'map at least one column');
  return ok({
    ref,
    source: t.source,
    table: t.table,
    warehouseTable: `${t.source}_${t.table}`,
    order,
    keyColumns,
    recency: t.recency ?? null,
    dedup: t.dedup ?? true,
    columns,
  });
}

function resolveRules(
  def: UnificationDefinition,
  attributes: Map<string, PlanAttribute>,
  derivable: Set<string>,
  mappedBy: (attr: string) => PlanTable[],
  base: string,
): Result<PlanRule[]> {
  const given = def.rules;
  const source =
    given ?? DEFAULT_RULES.filter((r) => r.conditions.every((c) => derivable.has(c.attribute)));
  const rules: PlanRule[] = [];
  const names = new Set<string>();
  for (const [i, r] of source.entries()) {
    const at = `${base}/rules/${i}`;
    if (names.has(r.name)) return failAt(`${at}/name`, `duplicate rule name "${r.name}"`);
    names.add(r.name);
    const conditions: PlanRule['conditions'] = [];
    for (const [j, c] of r.conditions.entries()) {
      if (!derivable.has(c.attribute)) {
        return failAt(
          `${at}/conditions/${j}/attribute`,
          `attribute "${c.attribute}" is not mapped in any customer table`,
        );
      }
      const full = c as {
        attribute: string;
        precision?: number;
        normalize?: PlanRule['conditions'][0]['normalize'];
        algorithm?: 'editDistance' | 'jaroWinkler';
      };
      const type =
        c.attribute === 'FullName'
          ? 'Person.FullName'
          : (attributes.get(c.attribute)?.type ?? null);
      conditions.push({
        attribute: c.attribute,
        normalize: full.normalize ?? defaultNormalization(type),
        precision: full.precision ?? 1,
        algorithm: full.algorithm ?? 'editDistance',
      });
    }
    const scope = (r as { scope?: PlanRule['scope'] }).scope ?? 'all';
    // The tables able to satisfy every condition decide whether the rule can ever match.
    const able = r.conditions
      .map((c) => new Set(mappedBy(c.attribute).map((t) => t.ref)))
      .reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
    const ableTables = mappedBy(r.conditions[0]!.attribute).filter((t) => able.has(t.ref));
    const across = ableTables.length >= 2;
    const within = ableTables.some((t) => t.dedup);
    const possible =
      scope === 'acrossTables' ? across : scope === 'withinTable' ? within : across || within;
    if (given && !possible) {
      return failAt(
        at,
        `rule "${r.name}" can never match: no ${scope === 'withinTable' ? 'deduplicated table' : 'two tables'} map all of its attributes`,
      );
    }
    if (possible) rules.push({ name: r.name, conditions, scope });
  }
  if (given && given.length === 0 && def.mode !== 'probabilistic') {
    return failAt(
      `${base}/rules`,
      'give at least one rule, or leave rules out to use the defaults',
    );
  }
  return ok(rules);
}

function resolveProbabilistic(
  def: UnificationDefinition,
  attributes: Map<string, PlanAttribute>,
  derivable: Set<string>,
  base: string,
): Result<UnifyPlan['probabilistic']> {
  const p = def.probabilistic ?? {};
  const at = `${base}/probabilistic`;
  const semantic = [...derivable].filter((a) => a === 'FullName' || attributes.get(a)?.type);
  for (const [i, attr] of (p.comparisons ?? []).entries()) {
    if (!semantic.includes(attr)) {
      return failAt(
        `${at}/comparisons/${i}`,
        `"${attr}" is not a mapped attribute with a semantic type`,
      );
    }
  }
  for (const [i, rule] of (p.blocking ?? []).entries()) {
    for (const [j, attr] of rule.entries()) {
      if (!derivable.has(attr))
        return failAt(`${at}/blocking/${i}/${j}`, `attribute "${attr}" is not mapped`);
    }
  }
  // Names are compared either as first and last name or as one full name, never both: the
  // Fellegi–Sunter weights assume the comparisons are independent.
  const splitNames = NAME_PARTS.every((a) => attributes.has(a)) && !attributes.has('FullName');
  // Location fields are strongly correlated (same postal code nearly implies same city and country,
  // and neighbours share streets); counted separately they would add up to a match on their own.
  // With a postal code, it alone speaks for the location.
  const location = semantic.includes('PostalCode') ? ['City', 'Country', 'Address'] : [];
  const comparisons =
    p.comparisons ??
    semantic.filter(
      (a) => (splitNames ? a !== 'FullName' : !NAME_PARTS.includes(a)) && !location.includes(a),
    );
  return ok({
    threshold: p.threshold ?? DEFAULT_THRESHOLD,
    blocking: p.blocking ?? DEFAULT_BLOCKING.filter((r) => r.every((a) => derivable.has(a))),
    defaultBlocking: p.blocking === undefined,
    comparisons,
    randomPairs: p.randomPairs ?? DEFAULT_RANDOM_PAIRS,
    maxIterations: p.maxIterations ?? DEFAULT_MAX_ITERATIONS,
  });
}

function resolvePair(
  p: RecordPair,
  tables: PlanTable[],
  at: string,
): Result<{ left: RecordRef; right: RecordRef }> {
  const refs: RecordRef[] = [];
  for (const side of ['left', 'right'] as const) {
    const text = p[side];
    const colon = text.indexOf(':');
    const ref = text.slice(0, colon);
    const t = tables.find((x) => x.ref === ref);
    if (!t) return failAt(`${at}/${side}`, `"${ref}" is not one of the customer tables`);
    refs.push({ table: t.warehouseTable, key: text.slice(colon + 1) });
  }
  return ok({ left: refs[0]!, right: refs[1]! });
}

function resolveMerge(
  def: UnificationDefinition,
  attributes: Map<string, PlanAttribute>,
  base: string,
): Result<PlanMergeGroup[]> {
  const fallback = def.merge?.default ?? 'tableImportance';
  const grouped = new Set<string>();
  const groups: PlanMergeGroup[] = [];
  for (const [i, g] of (def.merge?.fields ?? []).entries()) {
    for (const [j, attr] of g.attributes.entries()) {
      const field = `${base}/merge/fields/${i}/attributes/${j}`;
      if (!attributes.has(attr)) return failAt(field, `attribute "${attr}" is not mapped`);
      if (grouped.has(attr))
        return failAt(field, `attribute "${attr}" is already in another group`);
      grouped.add(attr);
    }
    groups.push({ attributes: g.attributes, policy: g.policy });
  }
  for (const a of attributes.keys()) {
    if (!grouped.has(a)) groups.push({ attributes: [a], policy: fallback });
  }
  return ok(groups);
}

/**
 * The segment rule tree as the builder sees it: which trees the form can show (`fitsForm`), edits
 * by path (`replaceAt`), typed values from text boxes (`parseValue`), and new conditions.
 */
export type RuleNode = Record<string, unknown>;
export type Path = number[];

export const ops = [
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
  'in',
  'contains',
  'startsWith',
  'endsWith',
  'exists',
];
export const opLabels: Record<string, string> = {
  eq: '=',
  ne: '≠',
  gt: '>',
  ge: '≥',
  lt: '<',
  le: '≤',
  in: 'is one of',
  contains: 'contains',
  startsWith: 'starts with',
  endsWith: 'ends with',
  exists: 'has a value',
};
export const numericOps = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];
export const units = ['day', 'week', 'month', 'year'];
export const leafKinds = ['attribute', 'activity', 'measure', 'inSegment'] as const;
export type LeafKind = (typeof leafKinds)[number];
export const leafLabels: Record<LeafKind, string> = {
  attribute: 'Profile attribute',
  activity: 'Activity',
  measure: 'Measure',
  inSegment: 'In segment',
};

export interface BuilderContext {
  /** Customer columns with their types, from Get entities. */
  columns: { name: string; type: string }[];
  segments: string[];
  measures: string[];
}

export const isObject = (v: unknown): v is RuleNode =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const isScalar = (v: unknown): boolean => ['string', 'number', 'boolean'].includes(typeof v);

export function leafKind(node: RuleNode): LeafKind | null {
  return leafKinds.find((k) => k in node) ?? null;
}

/** Whether the form can show and edit this tree without losing anything. */
export function fitsForm(node: unknown): boolean {
  if (!isObject(node)) return false;
  if (Array.isArray(node.and) || Array.isArray(node.or)) {
    return Object.keys(node).length === 1 && ((node.and ?? node.or) as unknown[]).every(fitsForm);
  }
  if ('not' in node)
    return (
      Object.keys(node).length === 1 && fitsForm(node.not) && !('not' in (node.not as RuleNode))
    );
  const kind = leafKind(node);
  if (kind === 'inSegment') return Object.keys(node).length === 1;
  if (kind === null || node.window !== undefined || node.where !== undefined) return false;
  if (
    kind === 'activity' &&
    (node.field !== undefined || !['count', 'sum', undefined].includes(node.aggregate as string))
  ) {
    return false;
  }
  const value = node.value;
  const valueOk =
    value === undefined || isScalar(value) || (Array.isArray(value) && value.every(isScalar));
  if (!valueOk || typeof node.op !== 'string' || !ops.includes(node.op)) return false;
  if (kind === 'activity' && node.within !== undefined) {
    const w = node.within as RuleNode;
    return Object.keys(w).every((k) => k === 'last' || k === 'unit') && typeof w.last === 'number';
  }
  return true;
}

export function childrenOf(node: RuleNode): unknown[] {
  return (node.and ?? node.or) as unknown[];
}

/** A copy of `root` with the node at `path` replaced (or removed, given null). */
export function replaceAt(root: RuleNode, path: Path, next: RuleNode | null): RuleNode {
  if (path.length === 0) return next ?? { and: [] };
  // A negated group: the path continues inside the `not`.
  if ('not' in root) return { not: replaceAt(root.not as RuleNode, path, next) };
  const [i, ...rest] = path as [number, ...number[]];
  const key = 'and' in root ? 'and' : 'or';
  const kids = [...childrenOf(root)] as RuleNode[];
  if (rest.length === 0) {
    if (next === null) kids.splice(i, 1);
    else kids[i] = next;
  } else {
    kids[i] = replaceAt(kids[i]!, rest, next);
  }
  return { [key]: kids };
}

export function isNumericType(type: string): boolean {
  return /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/i.test(type);
}

/** The typed value for a text box: numbers for numeric columns and aggregates, booleans, lists for `in`. */
export function parseValue(text: string, op: string, type: string): unknown {
  const one = (s: string): unknown => {
    const t = s.trim();
    if (/BOOL/i.test(type)) return t === 'true';
    if (isNumericType(type) && t !== '' && Number.isFinite(Number(t))) return Number(t);
    return t;
  };
  if (op === 'in')
    return text
      .split(',')
      .map(one)
      .filter((v) => v !== '');
  return one(text);
}

/** The text of a scalar field of a node ('' for anything else). */
export function str(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

export function valueText(value: unknown): string {
  return Array.isArray(value) ? value.map(str).join(', ') : str(value);
}

export function newLeaf(kind: LeafKind, ctx: BuilderContext): RuleNode {
  switch (kind) {
    case 'attribute':
      return {
        attribute: ctx.columns.find((c) => c.name !== 'CustomerId')?.name ?? 'City',
        op: 'eq',
        value: '',
      };
    case 'activity':
      return { activity: 'Purchase', op: 'ge', value: 1 };
    case 'measure':
      return { measure: ctx.measures[0] ?? '', op: 'ge', value: 0 };
    case 'inSegment':
      return { inSegment: ctx.segments[0] ?? '' };
  }
}

/**
 * A form for a segment's rule tree (docs/concepts.md "Segments"): groups of "all of" (and) or
 * "any of" (or), each child optionally negated (not), over attribute, activity, measure and
 * segment-membership conditions. Trees the form cannot show (set operators, relative dates,
 * activity filters) are edited as raw JSON, which is always available.
 */
import { useEffect, useState } from 'preact/hooks';

export type RuleNode = Record<string, unknown>;
type Path = number[];

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
const opLabels: Record<string, string> = {
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
const numericOps = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];
const units = ['day', 'week', 'month', 'year'];
const leafKinds = ['attribute', 'activity', 'measure', 'inSegment'] as const;
type LeafKind = (typeof leafKinds)[number];
const leafLabels: Record<LeafKind, string> = {
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

const isObject = (v: unknown): v is RuleNode =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): boolean => ['string', 'number', 'boolean'].includes(typeof v);

function leafKind(node: RuleNode): LeafKind | null {
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

function childrenOf(node: RuleNode): unknown[] {
  return (node.and ?? node.or) as unknown[];
}

/** A copy of `root` with the node at `path` replaced (or removed, given null). */
export function replaceAt(root: RuleNode, path: Path, next: RuleNode | null): RuleNode {
  if (path.length === 0) return next ?? { and: [] };
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

function isNumericType(type: string): boolean {
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
function str(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

function valueText(value: unknown): string {
  return Array.isArray(value) ? value.map(str).join(', ') : str(value);
}

function newLeaf(kind: LeafKind, ctx: BuilderContext): RuleNode {
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

interface NodeProps {
  node: RuleNode;
  path: Path;
  ctx: BuilderContext;
  onChange: (path: Path, next: RuleNode | null) => void;
}

function Leaf({ node, path, ctx, onChange }: NodeProps) {
  const kind = leafKind(node)!;
  const id = `rule-${path.join('-')}`;
  const set = (patch: RuleNode): void => onChange(path, { ...node, ...patch });
  const op = str(node.op ?? 'eq');
  const column = ctx.columns.find((c) => c.name === node.attribute);
  const type = kind === 'attribute' ? (column?.type ?? 'VARCHAR') : 'DOUBLE';
  const opChoices = kind === 'attribute' ? ops : numericOps;
  const within = node.within as { last?: number; unit?: string } | undefined;
  return (
    <div
      class="rule-leaf"
      role="group"
      aria-label={`Condition ${path.map((i) => i + 1).join('.')}`}
    >
      <select
        aria-label="Condition type"
        value={kind}
        onChange={(e) => onChange(path, newLeaf(e.currentTarget.value as LeafKind, ctx))}
      >
        {leafKinds.map((k) => (
          <option key={k} value={k}>
            {leafLabels[k]}
          </option>
        ))}
      </select>
      {kind === 'attribute' && (
        <select
          aria-label="Attribute"
          value={str(node.attribute)}
          onChange={(e) => set({ attribute: e.currentTarget.value })}
        >
          {!column && <option value={str(node.attribute)}>{str(node.attribute)}</option>}
          {ctx.columns.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
      )}
      {kind === 'activity' && (
        <>
          <select
            aria-label="Aggregate"
            value={str(node.aggregate ?? 'count')}
            onChange={(e) =>
              set({
                aggregate: e.currentTarget.value,
                ...(e.currentTarget.value === 'count' && { field: undefined }),
              })
            }
          >
            <option value="count">count of</option>
            <option value="sum">sum of Amount of</option>
          </select>
          <input
            aria-label="Activity type"
            class="input-short"
            value={str(node.activity)}
            onInput={(e) => set({ activity: e.currentTarget.value })}
          />
        </>
      )}
      {kind === 'measure' && (
        <select
          aria-label="Measure"
          value={str(node.measure)}
          onChange={(e) => set({ measure: e.currentTarget.value })}
        >
          {!ctx.measures.includes(str(node.measure)) && (
            <option value={str(node.measure)}>{str(node.measure) || '(choose)'}</option>
          )}
          {ctx.measures.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      )}
      {kind === 'inSegment' && (
        <select
          aria-label="Segment"
          value={str(node.inSegment)}
          onChange={(e) => onChange(path, { inSegment: e.currentTarget.value })}
        >
          {!ctx.segments.includes(str(node.inSegment)) && (
            <option value={str(node.inSegment)}>{str(node.inSegment) || '(choose)'}</option>
          )}
          {ctx.segments.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      )}
      {kind !== 'inSegment' && (
        <>
          <select
            aria-label="Operator"
            value={op}
            onChange={(e) => {
              const next = e.currentTarget.value;
              const { value: _v, ...rest } = node;
              onChange(
                path,
                next === 'exists'
                  ? { ...rest, op: next }
                  : { ...rest, op: next, value: parseValue(valueText(node.value), next, type) },
              );
            }}
          >
            {opChoices.map((o) => (
              <option key={o} value={o}>
                {opLabels[o]}
              </option>
            ))}
          </select>
          {op !== 'exists' && (
            <input
              id={id}
              aria-label={op === 'in' ? 'Values, separated by commas' : 'Value'}
              class="input-short"
              value={valueText(node.value)}
              inputMode={isNumericType(type) ? 'decimal' : undefined}
              onInput={(e) => set({ value: parseValue(e.currentTarget.value, op, type) })}
            />
          )}
          {kind === 'attribute' && !isNumericType(type) && op !== 'exists' && (
            <label class="check">
              <input
                type="checkbox"
                checked={node.ignoreCase === true}
                onChange={(e) => set({ ignoreCase: e.currentTarget.checked || undefined })}
              />
              any case
            </label>
          )}
        </>
      )}
      {kind === 'activity' && (
        <label class="check">
          <input
            type="checkbox"
            checked={within !== undefined}
            onChange={(e) =>
              set({ within: e.currentTarget.checked ? { last: 30, unit: 'day' } : undefined })
            }
          />
          in the last
          {within && (
            <>
              <input
                aria-label="Window length"
                class="input-tiny"
                type="number"
                min={1}
                value={within.last}
                onInput={(e) =>
                  set({ within: { ...within, last: Number(e.currentTarget.value) || 1 } })
                }
              />
              <select
                aria-label="Window unit"
                value={within.unit ?? 'day'}
                onChange={(e) => set({ within: { ...within, unit: e.currentTarget.value } })}
              >
                {units.map((u) => (
                  <option key={u} value={u}>
                    {u}s
                  </option>
                ))}
              </select>
            </>
          )}
        </label>
      )}
    </div>
  );
}

function Node({ node, path, ctx, onChange }: NodeProps) {
  const negated = 'not' in node;
  const inner = negated ? (node.not as RuleNode) : node;
  const isGroup = 'and' in inner || 'or' in inner;
  const setInner = (p: Path, next: RuleNode | null): void => {
    if (p.length === path.length && negated) onChange(path, next === null ? null : { not: next });
    else onChange(p, next);
  };
  return (
    <li class={`rule-item${negated ? ' is-negated' : ''}`}>
      <div class="rule-item-tools">
        <label class="check">
          <input
            type="checkbox"
            checked={negated}
            onChange={() => onChange(path, negated ? inner : { not: inner })}
          />
          not
        </label>
        <button
          type="button"
          class="button button-small button-quiet"
          aria-label={`Remove ${isGroup ? 'group' : 'condition'} ${path.map((i) => i + 1).join('.')}`}
          onClick={() => onChange(path, null)}
        >
          ✕
        </button>
      </div>
      {isGroup ? (
        <Group node={inner} path={path} ctx={ctx} onChange={setInner} />
      ) : (
        <Leaf node={inner} path={path} ctx={ctx} onChange={setInner} />
      )}
    </li>
  );
}

function Group({ node, path, ctx, onChange }: NodeProps) {
  const key = 'and' in node ? 'and' : 'or';
  const kids = childrenOf(node) as RuleNode[];
  return (
    <fieldset class="rule-group">
      <legend class="sr-only">Group {path.length ? path.map((i) => i + 1).join('.') : ''}</legend>
      <div class="rule-group-head">
        <select
          aria-label="Combine"
          value={key}
          onChange={(e) => onChange(path, { [e.currentTarget.value]: kids })}
        >
          <option value="and">All of these (and)</option>
          <option value="or">Any of these (or)</option>
        </select>
      </div>
      {kids.length === 0 && <p class="muted small">No condition yet: every profile matches.</p>}
      <ol class="rule-list">
        {kids.map((k, i) => (
          <Node key={i} node={k} path={[...path, i]} ctx={ctx} onChange={onChange} />
        ))}
      </ol>
      <div class="rule-add">
        <button
          type="button"
          class="button button-small"
          onClick={() => onChange(path, { [key]: [...kids, newLeaf('attribute', ctx)] })}
        >
          Add condition
        </button>
        <button
          type="button"
          class="button button-small"
          onClick={() =>
            onChange(path, {
              [key]: [...kids, { [key === 'and' ? 'or' : 'and']: [newLeaf('attribute', ctx)] }],
            })
          }
        >
          Add group
        </button>
      </div>
    </fieldset>
  );
}

/** The builder with its raw-JSON fallback; `rule` is the tree, `onChange` receives every edit. */
export function RuleBuilder({
  rule,
  ctx,
  onChange,
}: {
  rule: unknown;
  ctx: BuilderContext;
  onChange: (rule: unknown) => void;
}) {
  const formable = fitsForm(rule) || fitsForm({ and: [rule] });
  const [mode, setMode] = useState<'form' | 'json'>(formable ? 'form' : 'json');
  const [text, setText] = useState(JSON.stringify(rule, null, 2));
  const [parseError, setParseError] = useState<string | null>(null);
  useEffect(() => {
    if (mode === 'form') setText(JSON.stringify(rule, null, 2));
  }, [rule, mode]);
  // The form edits a group at the top; a single condition is shown inside an "all of" group.
  const root: RuleNode =
    isObject(rule) && ('and' in rule || 'or' in rule)
      ? rule
      : { and: isObject(rule) ? [rule] : [] };
  const change = (path: Path, next: RuleNode | null): void => onChange(replaceAt(root, path, next));

  return (
    <div class="rule-builder">
      <div class="segmented" role="group" aria-label="Edit the rule as">
        <button
          type="button"
          class={`segmented-item${mode === 'form' ? ' is-active' : ''}`}
          aria-pressed={mode === 'form'}
          disabled={!formable && mode === 'json'}
          onClick={() => setMode('form')}
        >
          Form
        </button>
        <button
          type="button"
          class={`segmented-item${mode === 'json' ? ' is-active' : ''}`}
          aria-pressed={mode === 'json'}
          onClick={() => setMode('json')}
        >
          JSON
        </button>
      </div>
      {!formable && (
        <p class="field-hint">
          This rule uses parts the form does not edit (set operators, relative dates or activity
          filters); edit it as JSON.
        </p>
      )}
      {mode === 'form' && formable ? (
        <Group node={root} path={[]} ctx={ctx} onChange={change} />
      ) : (
        <div class="field">
          <label class="field-label" for="rule-json">
            Rule (JSON)
          </label>
          <textarea
            id="rule-json"
            class="code-input"
            rows={12}
            spellcheck={false}
            value={text}
            aria-invalid={parseError !== null}
            aria-describedby="rule-json-error"
            onInput={(e) => {
              const t = e.currentTarget.value;
              setText(t);
              try {
                onChange(JSON.parse(t) as unknown);
                setParseError(null);
              } catch (err) {
                setParseError((err as Error).message);
              }
            }}
          />
          {parseError && (
            <p class="field-error" id="rule-json-error">
              Not valid JSON: {parseError}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

/** One condition of the rule builder: its type, field, operator, value and options. */
import {
  leafKind,
  leafKinds,
  leafLabels,
  newLeaf,
  numericOps,
  opLabels,
  ops,
  isNumericType,
  parseValue,
  str,
  units,
  valueText,
  type BuilderContext,
  type LeafKind,
  type Path,
  type RuleNode,
} from './rule.model';

export interface NodeProps {
  node: RuleNode;
  path: Path;
  ctx: BuilderContext;
  onChange: (path: Path, next: RuleNode | null) => void;
}

export function Leaf({ node, path, ctx, onChange }: NodeProps) {
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

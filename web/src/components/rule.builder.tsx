/**
 * A form for a segment's rule tree (docs/concepts.md "Segments"): groups of "all of" (and) or
 * "any of" (or), each child optionally negated (not), over attribute, activity, measure and
 * segment-membership conditions. Trees the form cannot show (set operators, relative dates,
 * activity filters) are edited as raw JSON, which is always available.
 */
import { useEffect, useState } from 'preact/hooks';
import { Leaf, type NodeProps } from './rule.leaf';
import {
  childrenOf,
  fitsForm,
  isObject,
  newLeaf,
  replaceAt,
  type BuilderContext,
  type Path,
  type RuleNode,
} from './rule.model';

export type { BuilderContext } from './rule.model';
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
      {isGroup ? (
        <Group node={inner} path={path} ctx={ctx} onChange={setInner} />
      ) : (
        <Leaf node={inner} path={path} ctx={ctx} onChange={setInner} />
      )}
      <div class="rule-item-tools">
        <label class="check">
          <input
            type="checkbox"
            checked={negated}
            aria-label={`Negate ${isGroup ? 'group' : 'condition'} ${path.map((i) => i + 1).join('.')}`}
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

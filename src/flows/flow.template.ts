/**
 * Logic-less templates (a Mustache subset) for every text field of a flow's actions:
 * `{{data.segment}}` inserts a value, `{{#data.tasks}}…{{/data.tasks}}` repeats for each item of a
 * list (or shows once for a present, non-empty value), `{{^x}}…{{/x}}` shows when `x` is empty,
 * `{{.}}` is the current item, `{{! note }}` is a comment. Values are always escaped for the
 * target (there is no raw `{{{x}}}`); the literal text is the author's and is kept as written.
 * Every field is checked against the event type's schema at save time.
 */
import { ErrorCode, err, makeError, ok, type Result } from '../errors/index.js';
import type { TSchema } from '../schema/index.js';
import { itemsOf, kindsOf, readPath, resolvePath, splitPath } from './payload.fields.js';

/** How values are escaped: HTML (email bodies), Markdown (Teams), Slack mrkdwn, or not at all. */
export type Escape = 'html' | 'markdown' | 'slack' | 'none';

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'var'; path: string; at: number }
  | { kind: 'section'; path: string; at: number; inverted: boolean; children: Node[] };

export interface Template {
  source: string;
  nodes: Node[];
}

const namePattern = /^(\.|[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)$/;

const fail = (field: string, message: string) =>
  err(makeError(ErrorCode.validation, 'user', `${field}: ${message}`, field));

/** Parses a template; errors name the field and the character position (from 1). */
export function parseTemplate(source: string, field: string): Result<Template> {
  const root: Node[] = [];
  const open: { node: Extract<Node, { kind: 'section' }>; parent: Node[] }[] = [];
  let out = root;
  let i = 0;
  while (i < source.length) {
    const start = source.indexOf('{{', i);
    if (start < 0) {
      out.push({ kind: 'text', text: source.slice(i) });
      break;
    }
    if (start > i) out.push({ kind: 'text', text: source.slice(i, start) });
    const at = start + 1;
    if (source.startsWith('{{{', start)) {
      return fail(
        field,
        `raw output {{{…}}} at character ${at} is not supported: values are always escaped`,
      );
    }
    const end = source.indexOf('}}', start + 2);
    if (end < 0) return fail(field, `unclosed tag at character ${at}`);
    const tag = source.slice(start + 2, end).trim();
    i = end + 2;
    const sigil = tag[0];
    if (sigil === '!') continue;
    const name = sigil === '#' || sigil === '^' || sigil === '/' ? tag.slice(1).trim() : tag;
    if (!namePattern.test(name)) {
      return fail(field, `"${tag}" at character ${at} is not a field path (like data.source)`);
    }
    if (sigil === '#' || sigil === '^') {
      const node: Node = { kind: 'section', path: name, at, inverted: sigil === '^', children: [] };
      out.push(node);
      open.push({ node, parent: out });
      out = node.children;
    } else if (sigil === '/') {
      const top = open.pop();
      if (!top || top.node.path !== name) {
        return fail(
          field,
          `{{/${name}}} at character ${at} closes ${top ? `{{#${top.node.path}}}` : 'no section'}`,
        );
      }
      out = top.parent;
    } else {
      out.push({ kind: 'var', path: name, at });
    }
  }
  const unclosed = open.pop();
  if (unclosed) {
    return fail(
      field,
      `section {{#${unclosed.node.path}}} at character ${unclosed.node.at} is not closed`,
    );
  }
  return ok({ source, nodes: root });
}

/**
 * Checks every field the template reads against `schema` (Mustache lookup: innermost section
 * first, then outwards). An unknown field is an error naming it and what is known there.
 */
export function checkTemplate(t: Template, schema: TSchema, field: string): Result<void> {
  const walk = (nodes: Node[], scopes: TSchema[]): Result<void> => {
    for (const n of nodes) {
      if (n.kind === 'text') continue;
      const found = lookupSchema(n.path, scopes);
      if (!found.ok) {
        return fail(
          field,
          `unknown field "${n.path}" at character ${n.at}${found.known.length > 0 ? ` (known there: ${found.known.join(', ')})` : ''}`,
        );
      }
      if (n.kind === 'section') {
        const items = kindsOf(found.schema).has('array') ? itemsOf(found.schema) : undefined;
        const inner = n.inverted ? scopes : [...scopes, items ?? found.schema];
        const r = walk(n.children, inner);
        if (!r.ok) return r;
      }
    }
    return ok(undefined);
  };
  return walk(t.nodes, [schema]);
}

function lookupSchema(
  path: string,
  scopes: TSchema[],
): { ok: true; schema: TSchema } | { ok: false; known: string[] } {
  const segs = splitPath(path);
  if (segs.length === 0) return { ok: true, schema: scopes[scopes.length - 1]! };
  let deepest: { ok: false; at: number; known: string[] } | undefined;
  for (const scope of [...scopes].reverse()) {
    const r = resolvePath(scope, segs);
    if (r.ok) return r;
    // A scope that has the first segment decides (Mustache does not fall back past it).
    if (r.at > 0) return { ok: false, known: r.known };
    deepest ??= r;
  }
  return { ok: false, known: deepest?.known ?? [] };
}

/** Parses and checks in one step. */
export function compileTemplate(source: string, schema: TSchema, field: string): Result<Template> {
  const t = parseTemplate(source, field);
  if (!t.ok) return t;
  const checked = checkTemplate(t.value, schema, field);
  return checked.ok ? t : checked;
}

function isEmpty(v: unknown): boolean {
  return (
    v === undefined || v === null || v === false || v === '' || (Array.isArray(v) && v.length === 0)
  );
}

function lookupValue(path: string, scopes: unknown[]): unknown {
  const segs = splitPath(path);
  if (segs.length === 0) return scopes[scopes.length - 1];
  for (const scope of [...scopes].reverse()) {
    if (scope !== null && typeof scope === 'object' && !Array.isArray(scope) && segs[0]! in scope) {
      return readPath(scope, segs);
    }
  }
  return undefined;
}

/** A value as text: lists joined with ", ", objects as JSON, null and absent as nothing. */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(formatValue).join(', ');
  return JSON.stringify(v);
}

const htmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes a value for its target; the escaped text shows the value literally there. */
export function escapeFor(escape: Escape, text: string): string {
  switch (escape) {
    case 'html':
      return text.replace(/[&<>"']/g, (c) => htmlEntities[c]!);
    case 'markdown':
      return text.replace(/[\\`*_[\]~]/g, (c) => `\\${c}`);
    case 'slack':
      // Slack's documented escaping for message text: only these three are control characters.
      return text.replace(/[&<>]/g, (c) => htmlEntities[c]!);
    case 'none':
      return text;
  }
}

export function renderTemplate(t: Template, context: unknown, escape: Escape): string {
  const render = (nodes: Node[], scopes: unknown[]): string => {
    let out = '';
    for (const n of nodes) {
      if (n.kind === 'text') out += n.text;
      else if (n.kind === 'var') out += escapeFor(escape, formatValue(lookupValue(n.path, scopes)));
      else {
        const v = lookupValue(n.path, scopes);
        if (n.inverted) {
          if (isEmpty(v)) out += render(n.children, scopes);
        } else if (Array.isArray(v)) {
          for (const item of v) out += render(n.children, [...scopes, item]);
        } else if (!isEmpty(v)) {
          out += render(n.children, [...scopes, v]);
        }
      }
    }
    return out;
  };
  return render(t.nodes, [context]);
}

/**
 * Tokenizer for OData `$filter` text. Literal forms are recognised by shape before identifiers and
 * numbers (a GUID or a date may start with digits). Positions are 1-based.
 */
import type { FilterError } from './filter.ast.js';

export type TokenKind =
  | 'ident'
  | 'string'
  | 'number'
  | 'date'
  | 'datetime'
  | 'guid'
  | '('
  | ')'
  | ','
  | '/'
  | ':'
  | 'end';

export interface Token {
  kind: TokenKind;
  text: string;
  /** For strings: the unescaped value. */
  value: string;
  pos: number;
}

const guid =
  /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![\w-])/;
const dateTime =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,12})?)?(Z|[+-]\d{2}:\d{2})(?![\w:.-])/;
const date = /^\d{4}-\d{2}-\d{2}(?![\w:.-])/;
const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?(?![\w.])/;
const ident = /^[A-Za-z_][A-Za-z0-9_]*/;

function isValidDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const probe = new Date(Date.UTC(y, m - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
}

export function tokenize(
  src: string,
): { ok: true; tokens: Token[] } | { ok: false; error: FilterError } {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (message: string): { ok: false; error: FilterError } => ({
    ok: false,
    error: { position: i + 1, message },
  });
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const pos = i + 1;
    if ('(),/:'.includes(c)) {
      tokens.push({ kind: c as TokenKind, text: c, value: c, pos });
      i++;
      continue;
    }
    if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= src.length) return fail('unterminated string literal: expected a closing quote');
        if (src[j] === "'") {
          if (src[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += src[j];
        j++;
      }
      tokens.push({ kind: 'string', text: src.slice(i, j + 1), value, pos });
      i = j + 1;
      continue;
    }
    const rest = src.slice(i, i + 64);
    const g = guid.exec(rest);
    const dt = g ? null : dateTime.exec(rest);
    const d = g || dt ? null : date.exec(rest);
    const literal = g ? 'guid' : dt ? 'datetime' : d ? 'date' : null;
    const m = g ?? dt ?? d;
    if (literal && m) {
      if (literal !== 'guid' && (!isValidDate(m[0]) || Number.isNaN(Date.parse(m[0])))) {
        return fail(`invalid ${literal} literal "${m[0]}"`);
      }
      tokens.push({ kind: literal, text: m[0], value: m[0], pos });
      i += m[0].length;
      continue;
    }
    const n = number.exec(rest);
    if (n) {
      tokens.push({ kind: 'number', text: n[0], value: n[0], pos });
      i += n[0].length;
      continue;
    }
    const id = ident.exec(rest);
    if (id) {
      tokens.push({ kind: 'ident', text: id[0], value: id[0], pos });
      i += id[0].length;
      continue;
    }
    return fail(`unexpected character ${JSON.stringify(c)}`);
  }
  tokens.push({ kind: 'end', text: '', value: '', pos: src.length + 1 });
  return { ok: true, tokens };
}

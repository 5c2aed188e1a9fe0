/**
 * Normalization steps as DuckDB SQL expressions. Each step maps a VARCHAR expression to another;
 * the chain always ends with trim and empty-to-NULL, so a value that normalizes to nothing never
 * matches anything (SQL equality and similarity on NULL are never true).
 *
 * User-given values (alias maps) travel as statement parameters through `SqlParams`, never as text.
 */
import type { Normalization } from './unify.schema.js';

/** Collects positional parameters for one statement; `add` returns the placeholder. */
export class SqlParams {
  readonly values: string[] = [];
  add(value: string): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const TITLES = ['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'madam'];
const ROMAN = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x', 'xi', 'xii'];
const ADDRESS_WORDS: [string, string][] = [
  ['street', 'st'],
  ['road', 'rd'],
  ['avenue', 'ave'],
  ['drive', 'dr'],
  ['lane', 'ln'],
  ['boulevard', 'blvd'],
  ['court', 'ct'],
  ['place', 'pl'],
  ['square', 'sq'],
  ['apartment', 'apt'],
  ['flat', 'apt'],
  ['north', 'n'],
  ['south', 's'],
  ['east', 'e'],
  ['west', 'w'],
  ['strasse', 'str'],
];

const sqlList = (items: string[]): string => `[${items.map((s) => `'${s}'`).join(', ')}]`;

/** Letters outside what strip_accents handles, folded to ASCII. */
function foldLetters(x: string): string {
  const pairs: [string, string][] = [
    ['ß', 'ss'],
    ['æ', 'ae'],
    ['Æ', 'AE'],
    ['œ', 'oe'],
    ['Œ', 'OE'],
    ['ø', 'o'],
    ['Ø', 'O'],
    ['ł', 'l'],
    ['Ł', 'L'],
    ['đ', 'd'],
    ['Đ', 'D'],
    ['þ', 'th'],
    ['Þ', 'TH'],
  ];
  return pairs.reduce(
    (e, [from, to]) => `replace(${e}, '${from}', '${to}')`,
    `strip_accents(${x})`,
  );
}

/** Maps each space-separated token through a fixed table (our constants, not user values). */
function mapTokens(x: string, table: [string, string][]): string {
  const cases = table.map(([from, to]) => `WHEN '${from}' THEN '${to}'`).join(' ');
  return `array_to_string(list_transform(string_split(${x}, ' '), t -> CASE t ${cases} ELSE t END), ' ')`;
}

const collapse = (x: string): string => `trim(regexp_replace(${x}, '\\s+', ' ', 'g'))`;
const lettersOnly = (x: string): string => `regexp_replace(${x}, '[^a-z0-9\\s]', ' ', 'g')`;

function step(x: string, s: Normalization, params: SqlParams): string {
  if (typeof s === 'object') {
    const keys = params.add(JSON.stringify(Object.keys(s.alias)));
    const values = params.add(JSON.stringify(Object.values(s.alias)));
    return `coalesce(from_json(${values}, '["VARCHAR"]')[list_position(from_json(${keys}, '["VARCHAR"]'), ${x})], ${x})`;
  }
  switch (s) {
    case 'lowercase':
      return `lower(${x})`;
    case 'whitespace':
      return `regexp_replace(${x}, '\\s+', '', 'g')`;
    case 'symbols':
      return `regexp_replace(${x}, '[^\\p{L}\\p{N}\\s]', '', 'g')`;
    case 'numerals':
      return mapTokens(
        `lower(${x})`,
        ROMAN.map((r, i) => [r, String(i + 1)]),
      );
    case 'unicodeToAscii':
      return foldLetters(x);
    case 'phone': {
      // The national significant number: the last nine digits, so +44 20 7946 0018,
      // 0044 20 7946 0018 and (020) 7946 0018 agree. Fewer than six digits is not a phone number.
      const digits = `regexp_replace(${x}, '[^0-9]', '', 'g')`;
      return `CASE WHEN length(${digits}) >= 6 THEN right(${digits}, 9) END`;
    }
    case 'email':
      return `CASE WHEN contains(${x}, '@') THEN lower(trim(${x})) END`;
    case 'emailNoTag':
      return `CASE WHEN contains(${x}, '@') THEN regexp_replace(lower(trim(${x})), '\\+[^@]*@', '@') END`;
    case 'name': {
      // Accents folded, punctuation dropped, titles removed, tokens sorted: "Smith, John",
      // "JOHN SMITH" and "Mr John Smith" all become "john smith".
      const tokens = `string_split(${collapse(lettersOnly(`lower(${foldLetters(x)})`))}, ' ')`;
      return `array_to_string(list_sort(list_filter(${tokens}, t -> t <> '' AND NOT list_contains(${sqlList(TITLES)}, t))), ' ')`;
    }
    case 'address':
      return mapTokens(collapse(lettersOnly(`lower(${foldLetters(x)})`)), ADDRESS_WORDS);
  }
}

/** The normalized form of `column` (any type; cast to VARCHAR first) after `steps`, in order. */
export function normalizeSql(column: string, steps: Normalization[], params: SqlParams): string {
  const body = steps.reduce((x, s) => step(x, s, params), `CAST(${column} AS VARCHAR)`);
  return `nullif(trim(${body}), '')`;
}

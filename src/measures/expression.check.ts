/**
 * Type checking of a parsed measure expression against the columns of the measured table. A bare
 * column keeps its own category (so `countDistinct CustomerId` or `max SignupDate` still work);
 * anything computed is a number, and every column inside it must be a number column.
 */
import { invalid, type ColumnCategory, type Columns } from '../conditions/index.js';
import { err, ok, type Result } from '../errors/index.js';
import { parseExpression, type Expr } from './expression.parser.js';

/** Parses `text`; a syntax error names `path` and the position. */
export function parseAt(text: string, path: string): Result<Expr> {
  const parsed = parseExpression(text);
  return parsed.ok ? parsed : err(invalid(path, parsed.error.message));
}

function columnsOf(e: Expr): Extract<Expr, { kind: 'column' }>[] {
  switch (e.kind) {
    case 'number':
      return [];
    case 'column':
      return [e];
    case 'negate':
      return columnsOf(e.operand);
    case 'binary':
      return [...columnsOf(e.left), ...columnsOf(e.right)];
    case 'call':
      return e.args.flatMap(columnsOf);
  }
}

/**
 * The category of the expression's values; an unknown column, or a non-number column inside
 * arithmetic or a function, is an error naming `path` and the column's position.
 */
export function checkExpression(
  e: Expr,
  columns: Columns,
  table: string,
  path: string,
): Result<ColumnCategory> {
  for (const c of columnsOf(e)) {
    const category = columns.get(c.name);
    if (category === undefined) {
      return err(
        invalid(
          path,
          `unknown column "${c.name}" of ${table} at position ${c.pos}; columns: ${[...columns.keys()].join(', ')}`,
        ),
      );
    }
    if (e.kind === 'column') return ok(category);
    if (category !== 'number') {
      return err(
        invalid(
          path,
          `type mismatch: arithmetic needs number columns; "${c.name}" at position ${c.pos} is ${category}`,
        ),
      );
    }
  }
  return ok('number');
}

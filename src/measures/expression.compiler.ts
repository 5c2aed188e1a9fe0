/**
 * Compiles a checked measure expression to DuckDB SQL. Column names come from the checked catalog
 * and are quoted; number literals travel as parameters. A bare column is used as it is (a sum of a
 * DECIMAL column stays exact); computed values are DOUBLE, and a division by zero is NULL.
 */
import type { SqlParams } from '../conditions/index.js';
import { quoteIdent } from '../warehouse/index.js';
import type { Expr } from './expression.parser.js';

function compileNumeric(e: Expr, alias: string, params: SqlParams): string {
  const sub = (x: Expr): string => compileNumeric(x, alias, params);
  switch (e.kind) {
    case 'number':
      return `CAST(${params.add(e.value)} AS DOUBLE)`;
    case 'column':
      return `CAST(${alias}.${quoteIdent(e.name)} AS DOUBLE)`;
    case 'negate':
      return `(-${sub(e.operand)})`;
    case 'binary':
      return e.op === '/'
        ? `(${sub(e.left)} / NULLIF(${sub(e.right)}, 0))`
        : `(${sub(e.left)} ${e.op} ${sub(e.right)})`;
    case 'call':
      if (e.fn === 'round' && e.args.length === 2) {
        const decimals = e.args[1] as Extract<Expr, { kind: 'number' }>;
        return `round(${sub(e.args[0]!)}, CAST(${params.add(decimals.value)} AS INTEGER))`;
      }
      return `${e.fn}(${e.args.map(sub).join(', ')})`;
  }
}

/** SQL for `e` over the table aliased `alias`. */
export function compileExpression(e: Expr, alias: string, params: SqlParams): string {
  return e.kind === 'column' ? `${alias}.${quoteIdent(e.name)}` : compileNumeric(e, alias, params);
}

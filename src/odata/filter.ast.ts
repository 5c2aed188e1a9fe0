/** The typed AST of an OData `$filter` expression. `pos` is the 1-based character position. */
export type LiteralType = 'string' | 'number' | 'boolean' | 'null' | 'date' | 'datetime' | 'guid';
export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type StringFunction = 'contains' | 'startswith' | 'endswith' | 'tolower' | 'toupper';

export type FilterExpr =
  | { kind: 'literal'; type: LiteralType; value: string | number | boolean | null; pos: number }
  | { kind: 'member'; name: string; pos: number }
  | { kind: 'compare'; op: CompareOp; left: FilterExpr; right: FilterExpr; pos: number }
  | { kind: 'logical'; op: 'and' | 'or'; left: FilterExpr; right: FilterExpr; pos: number }
  | { kind: 'not'; operand: FilterExpr; pos: number }
  | { kind: 'in'; operand: FilterExpr; list: FilterExpr[]; pos: number }
  | { kind: 'call'; name: StringFunction; args: FilterExpr[]; pos: number }
  /** `Collection/any(v: body)`; `any()` without a lambda means "the collection is not empty". */
  | {
      kind: 'any';
      collection: string;
      variable: string | null;
      body: FilterExpr | null;
      pos: number;
    };

/** A syntax or type error: where (1-based) and what was expected. */
export interface FilterError {
  position: number;
  message: string;
}

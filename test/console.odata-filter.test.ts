/**
 * The `$filter` text the console writes (web/src/odata.filter.ts), parsed by the server's own
 * OData parser: any search text, quotes included, stays one string literal and never becomes
 * filter syntax.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter, type FilterExpr } from '../src/odata/index.js';
import { customerSearchFilter, odataString, searchableColumns } from '../web/src/odata.filter.js';

function literals(e: FilterExpr): unknown[] {
  switch (e.kind) {
    case 'literal':
      return [e.value];
    case 'compare':
    case 'logical':
      return [...literals(e.left), ...literals(e.right)];
    case 'call':
      return e.args.flatMap(literals);
    case 'not':
      return literals(e.operand);
    default:
      return [];
  }
}

void describe('console $filter text', () => {
  void it('keeps any search text as string literals the server parses back unchanged', () => {
    const text = fc.string({ maxLength: 60 }).filter((s) => s.trim().length > 0);
    const columns = fc.subarray(searchableColumns);
    fc.assert(
      fc.property(text, columns, (t, cols) => {
        const parsed = parseFilter(customerSearchFilter(t, cols));
        assert.ok(parsed.ok, JSON.stringify(parsed));
        const values = literals(parsed.expr);
        assert.deepEqual(values, [t.trim(), ...cols.map(() => t.trim().toLowerCase())]);
      }),
    );
  });

  void it('doubles quotes in a literal', () => {
    assert.equal(odataString("O'Neil"), "'O''Neil'");
    assert.equal(
      customerSearchFilter(" o'neil ", ['Email']),
      "CustomerId eq 'o''neil' or contains(tolower(Email), 'o''neil')",
    );
  });
});

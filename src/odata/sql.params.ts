/** Collects query parameters and hands out their numbered placeholders (`$1`, `$2`, …). */
import type { SqlValue } from '../warehouse/index.js';

export class SqlParams {
  readonly values: SqlValue[] = [];

  add(value: SqlValue): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

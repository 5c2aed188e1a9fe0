/** Validates a source definition, choosing the schema by `kind` so errors name the real field. */
import { ErrorCode, err, makeError, type Result } from '../errors/index.js';
import { validate } from '../schema/index.js';
import { FileSource, PostgresSource, type SourceDefinition } from './source.schema.js';

export function validateSource(value: unknown, base = ''): Result<SourceDefinition> {
  const kind =
    typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
  if (kind === 'postgres') {
    const r = validate(PostgresSource, value, base);
    if (!r.ok) return r;
    const bad = r.value.tables.findIndex(
      (t) => (t.table === undefined) === (t.query === undefined),
    );
    if (bad >= 0) {
      const field = `${base}/tables/${bad}`;
      return err(
        makeError(
          ErrorCode.validation,
          'user',
          `${field}: give exactly one of "table" or "query"`,
          field,
        ),
      );
    }
    return r;
  }
  if (kind !== undefined && kind !== 'files') {
    const field = `${base}/kind`;
    return err(
      makeError(ErrorCode.validation, 'user', `${field}: must be one of files, postgres`, field),
    );
  }
  return validate(FileSource, value, base);
}

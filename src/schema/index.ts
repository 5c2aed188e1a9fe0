/**
 * Runtime schemas shared by every boundary (HTTP, project file, CLI). TypeBox schemas are plain
 * JSON Schema, so the same object validates input and documents the OpenAPI contract.
 */
import { Type, type TSchema, type TUnsafe, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { ErrorCode, err, makeError, ok, type Result } from '../errors/index.js';

export { Type, type Static, type TSchema };

/** A string enum rendered as `{type:'string', enum}`: Swagger 2.0 rejects `anyOf` of literals. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: object = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export const Identifier = Type.String({
  pattern: '^[A-Za-z][A-Za-z0-9_]{0,62}$',
  description: 'letters, digits and underscores, starting with a letter',
});

export const Email = Type.String({
  pattern: '^[^@\\s]+@[^@\\s]+$',
  description: 'an email address',
});

interface ValidationIssue {
  instancePath: string;
  message: string;
  keyword: string;
  params: Record<string, unknown>;
}

function describeIssue(issue: ValidationIssue): string {
  if (issue.keyword === 'additionalProperties') {
    const extra = issue.params.additionalProperties;
    return `unknown field ${JSON.stringify(Array.isArray(extra) ? extra[0] : extra)}`;
  }
  if (issue.keyword === 'required') {
    const missing = issue.params.requiredProperties ?? issue.params.missingProperty;
    return `missing required field ${JSON.stringify(Array.isArray(missing) ? missing[0] : missing)}`;
  }
  if (issue.keyword === 'enum') {
    const allowed = issue.params.allowedValues;
    return `must be one of ${Array.isArray(allowed) ? allowed.join(', ') : String(allowed)}`;
  }
  return issue.message;
}

/**
 * Validates `value`, answering the most specific issue with its path (e.g. `/sources/0/tables/1/path`).
 * `base` prefixes the path so callers can point into a larger document.
 */
export function validate<S extends TSchema>(
  schema: S,
  value: unknown,
  base = '',
): Result<Static<S>> {
  if (Value.Check(schema, value)) return ok(value);
  const issues = [...Value.Errors(schema, value)] as unknown as ValidationIssue[];
  // Deepest path first: it names the real culprit rather than the enclosing union or object.
  const ranked = issues
    .filter((i) => i.keyword !== 'boolean' && i.keyword !== 'anyOf')
    .sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length);
  const issue = ranked[0] ?? issues[0];
  if (!issue) return err(makeError(ErrorCode.validation, 'user', 'invalid value', base || '/'));
  let path = base + issue.instancePath;
  if (issue.keyword === 'additionalProperties') {
    const extra = issue.params.additionalProperties;
    path += `/${String(Array.isArray(extra) ? extra[0] : extra)}`;
  }
  if (issue.keyword === 'required') {
    const missing = issue.params.requiredProperties ?? issue.params.missingProperty;
    path += `/${String(Array.isArray(missing) ? missing[0] : missing)}`;
  }
  return err(
    makeError(ErrorCode.validation, 'user', `${path || '/'}: ${describeIssue(issue)}`, path || '/'),
  );
}

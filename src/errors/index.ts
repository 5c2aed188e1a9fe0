/**
 * Error catalog. Expected failures travel as values (`Result`); bugs are thrown.
 * `fault` decides retry and HTTP mapping: only the API layer turns a fault into a status code.
 */
export type Fault = 'user' | 'notFound' | 'conflict' | 'transient' | 'timeout' | 'unexpected';

export const ErrorCode = {
  validation: 'TRIB_ERR_VALIDATION',
  notFound: 'TRIB_ERR_NOT_FOUND',
  conflict: 'TRIB_ERR_CONFLICT',
  unauthorized: 'TRIB_ERR_UNAUTHORIZED',
  forbidden: 'TRIB_ERR_FORBIDDEN',
  rateLimited: 'TRIB_ERR_RATE_LIMITED',
  filter: 'TRIB_ERR_FILTER',
  sourceMissing: 'TRIB_ERR_SOURCE_MISSING',
  sourceMalformed: 'TRIB_ERR_SOURCE_MALFORMED',
  sourceUnreachable: 'TRIB_ERR_SOURCE_UNREACHABLE',
  primaryKey: 'TRIB_ERR_PRIMARY_KEY',
  corruptRatio: 'TRIB_ERR_CORRUPT_RATIO',
  taskTimeout: 'TRIB_ERR_TASK_TIMEOUT',
  canceled: 'TRIB_ERR_CANCELED',
  upstream: 'TRIB_ERR_UPSTREAM',
  tableMissing: 'TRIB_ERR_TABLE_MISSING',
  internal: 'TRIB_ERR_INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface AppError {
  code: ErrorCode;
  fault: Fault;
  message: string;
  /** JSON-pointer-like path of the offending field, e.g. `/sources/0/tables/1/path`. */
  field?: string;
}

export type Result<T, E = AppError> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function err<E = AppError>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}

export function makeError(
  code: ErrorCode,
  fault: Fault,
  message: string,
  field?: string,
): AppError {
  return field === undefined ? { code, fault, message } : { code, fault, message, field };
}

export function describeUnknown(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === 'string' ? e : JSON.stringify(e);
}

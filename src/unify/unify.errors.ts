/** A user error about one place in the unification definition (`field` is its path). */
import { ErrorCode, err, makeError, type AppError } from '../errors/index.js';

export function failAt(field: string, message: string): { ok: false; error: AppError } {
  return err(makeError(ErrorCode.validation, 'user', `${field}: ${message}`, field));
}

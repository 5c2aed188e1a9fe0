/** The only place faults become HTTP: RFC 9457 problem+json with a stable `code` and the field. */
import type { FastifyError, FastifyReply } from 'fastify';
import { ErrorCode, type AppError, type Fault } from '../errors/index.js';
import { Type } from '../schema/index.js';

const statusByFault: Record<Fault, number> = {
  user: 400,
  notFound: 404,
  conflict: 409,
  transient: 503,
  timeout: 504,
  unexpected: 500,
};

export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  code: Type.String(),
  field: Type.Optional(Type.String()),
});

export function sendProblem(
  reply: FastifyReply,
  error: AppError,
  status = statusByFault[error.fault],
): FastifyReply {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `https://tributary.dev/problems/${error.code.toLowerCase()}`,
      title: error.code,
      status,
      detail: error.message,
      code: error.code,
      ...(error.field === undefined ? {} : { field: error.field }),
    });
}

/** Fastify's schema-validation errors, re-worded to name the field the way our own validation does. */
export function problemFromFastify(error: FastifyError): { status: number; error: AppError } {
  if (error.validation && error.validation.length > 0) {
    const v = error.validation[0]!;
    const where = error.validationContext ?? 'body';
    const params = v.params;
    let path = v.instancePath || '';
    if (v.keyword === 'required' && typeof params.missingProperty === 'string')
      path += `/${params.missingProperty}`;
    if (v.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      path += `/${params.additionalProperty}`;
    }
    const field = `${where}${path}`;
    const message =
      v.keyword === 'additionalProperties' ? 'unknown field' : (v.message ?? 'invalid');
    return {
      status: 400,
      error: { code: ErrorCode.validation, fault: 'user', message: `${field}: ${message}`, field },
    };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return { status, error: { code: ErrorCode.validation, fault: 'user', message: error.message } };
  }
  return {
    status: 500,
    error: { code: ErrorCode.internal, fault: 'unexpected', message: 'internal error' },
  };
}

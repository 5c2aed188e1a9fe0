/**
 * The request guard, run on every /v1 and /v2 route but the public ones: authenticate, count the
 * call against the connection's sliding-log limit, hide instances the key may not use (404, so
 * instance names do not leak), then check the route's scope.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, makeError } from '../errors/index.js';
import type { Scope, StateStore } from '../state/index.js';
import {
  createAuthenticator,
  principalAllows,
  principalSeesInstance,
  readPresentedKey,
} from './auth.js';
import { sendProblem } from './http.errors.js';
import { formatRateHeaders, SlidingLogLimiter } from './rate.limiter.js';
import './http.types.js';

/** Paths that need no key and are not counted. */
export const publicPaths = new Set([
  '/healthz',
  '/v1/openapi.json',
  '/v1/connector/powerautomate',
  '/v1/connector/powerautomate/{file}',
]);

function defaultScope(method: string, path: string): Scope {
  if (path.includes('/subscriptions')) return 'subscribe';
  return method === 'GET' || method === 'HEAD' ? 'read' : 'manage';
}

export function notFoundInstance(instance: string): ReturnType<typeof makeError> {
  return makeError(ErrorCode.notFound, 'notFound', `no instance "${instance}"`, 'instance');
}

export function createGuard(opts: {
  state: StateStore;
  adminKey: string;
  adminRateLimit: number;
  now: () => Date;
}): (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  const authenticate = createAuthenticator(opts);
  const limiter = new SlidingLogLimiter();
  return async (req, reply) => {
    // The matched route pattern, not the raw URL: the router decodes %-escapes (`/%761/instances`
    // routes to /v1/instances), so a check on the raw URL could be bypassed.
    const path = req.routeOptions.url ?? req.url.split('?')[0]!;
    const pattern = path.replace(/:([A-Za-z]+)/g, '{$1}');
    if (publicPaths.has(pattern) || !/^\/v[12]\//.test(path)) return undefined;
    const principal = await authenticate(readPresentedKey(req));
    if (!principal) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(
        reply,
        makeError(
          ErrorCode.unauthorized,
          'user',
          'a valid API key is required (Authorization: Bearer <key> or Ocp-Apim-Subscription-Key)',
        ),
        401,
      );
    }
    req.principal = principal;
    const config = req.routeOptions.config;
    if (config.counted !== false) {
      const d = limiter.take(
        principal.id,
        principal.rateLimit,
        principal.rateWindowSeconds,
        opts.now().getTime(),
      );
      const h = formatRateHeaders(d);
      reply.header('ratelimit-policy', h.policy).header('ratelimit', h.state);
      if (!d.allowed) {
        reply.header('retry-after', String(d.resetSeconds));
        return sendProblem(
          reply,
          makeError(
            ErrorCode.rateLimited,
            'user',
            `rate limit of ${d.limit} calls per ${d.windowSeconds} s reached for connection "${principal.name}"; retry after ${d.resetSeconds} s`,
          ),
          429,
        );
      }
    }
    const instance = (req.params as { instance?: string } | undefined)?.instance;
    if (instance !== undefined && !principalSeesInstance(principal, instance)) {
      return sendProblem(reply, notFoundInstance(instance));
    }
    const scope = config.scope ?? defaultScope(req.method, path);
    if (!principalAllows(principal, scope)) {
      return sendProblem(
        reply,
        makeError(
          ErrorCode.forbidden,
          'user',
          `this connection lacks the "${scope}" scope needed for ${req.method} ${path}`,
        ),
        403,
      );
    }
    return undefined;
  };
}

/** Fastify type augmentation: route-level auth options and the authenticated principal. */
import type { Scope } from '../state/index.js';
import type { Principal } from './auth.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Scope a caller needs; defaults to `read` for GET and `manage` for other methods. */
    scope?: Scope;
    /**
     * False for a route that forwards to another route in-process (which counts the call), so one
     * client call is counted once.
     */
    counted?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

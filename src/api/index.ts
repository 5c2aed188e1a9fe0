export { buildHttpApp } from './http.app.js';
export { resolveAdminKey, type AdminKey } from './auth.js';
export type { ApiDeps } from './api.deps.js';

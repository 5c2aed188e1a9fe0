/**
 * The console's only way to the server: the public /v1 API with `Authorization: Bearer <key>`.
 * Failures arrive as RFC 9457 problems and are thrown as `ApiError` (status, code, detail, field);
 * a 401 also signs the user out, since the key is no longer good.
 */
import { signOut, session } from './session.state';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

interface ProblemBody {
  code?: string;
  detail?: string;
  title?: string;
  field?: string;
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: ProblemBody = {};
  try {
    body = (await res.json()) as ProblemBody;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  return new ApiError(
    res.status,
    body.code ?? `HTTP_${res.status}`,
    body.detail ?? body.title ?? `${res.status} ${res.statusText}`,
    body.field,
  );
}

/** One API call with an explicit key; used by sign-in before the key is kept. */
export async function callApi<T>(
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Is Tributary running?');
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const key = session.value.key;
  if (key === null) throw new ApiError(401, 'TRIB_ERR_UNAUTHORIZED', 'Not signed in');
  try {
    return await callApi<T>(method, path, key, body);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      signOut('The server no longer accepts this key. Sign in again.');
    }
    throw e;
  }
}

export const api = {
  get: <T>(path: string): Promise<T> => call<T>('GET', path),
  post: <T>(path: string, body?: unknown): Promise<T> => call<T>('POST', path, body),
  put: <T>(path: string, body: unknown): Promise<T> => call<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown): Promise<T> => call<T>('PATCH', path, body),
  delete: (path: string): Promise<void> => call<void>('DELETE', path),
};

/** `/v1/instances/{instance}` with the name escaped. */
export function instancePath(instance: string, rest: string): string {
  return `/v1/instances/${encodeURIComponent(instance)}${rest}`;
}

export function query(params: Record<string, string | number | string[] | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) q.append(k, String(one));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Hash routing: `#/<instance>/<page path>`, e.g. `#/default/jobs/1f2e…`. The server serves one
 * index.html, and a hash URL survives a reload or a bookmark without any server-side fallback.
 * Pages are declared in app.routes.tsx; this file only parses and matches.
 */
import { signal } from '@preact/signals';

export interface RouteLocation {
  instance: string | null;
  /** Path segments after the instance, decoded. */
  segments: string[];
}

export function parseHash(hash: string): RouteLocation {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p.length > 0)
    .map((p) => decodeURIComponent(p));
  const [instance, ...segments] = parts;
  return { instance: instance ?? null, segments };
}

export const route = signal<RouteLocation>(parseHash(window.location.hash));

window.addEventListener('hashchange', () => {
  route.value = parseHash(window.location.hash);
});

/** The href of a page of an instance: `href('default', 'jobs', id)`. */
export function href(instance: string, ...segments: string[]): string {
  return `#/${[instance, ...segments].map((s) => encodeURIComponent(s)).join('/')}`;
}

export function navigate(to: string): void {
  window.location.hash = to;
}

/**
 * Matches segments against a pattern such as `jobs/:jobId`; returns the parameters, or null.
 * The empty pattern matches the instance's home.
 */
export function matchPattern(pattern: string, segments: string[]): Record<string, string> | null {
  const parts = pattern === '' ? [] : pattern.split('/');
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const seg = segments[i]!;
    if (part.startsWith(':')) params[part.slice(1)] = seg;
    else if (part !== seg) return null;
  }
  return params;
}

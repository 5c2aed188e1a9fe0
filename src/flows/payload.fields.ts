/**
 * The fields a flow can read: the event envelope (`id`, `type`, `timestamp`, `instance`, `data`)
 * plus `flow.name` and `links.console`. Conditions and templates are checked at save time against
 * the event type's JSON schema from the triggers' catalog, and read at run time with the same paths.
 */
import { Type, type TSchema } from '../schema/index.js';
import { eventDataSchemas, type EventType } from '../triggers/index.js';

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
}

/** The schema of what a flow of `event` sees. */
export function contextSchemaOf(event: EventType): TSchema {
  return Type.Object({
    id: Type.String(),
    type: Type.String(),
    timestamp: Type.String(),
    instance: Type.String(),
    data: eventDataSchemas[event],
    flow: Type.Object({ name: Type.String() }),
    links: Type.Object({
      console: Type.String({ description: 'the console page of what the event is about' }),
    }),
  });
}

/** The alternatives of a schema (a nullable field is `anyOf [X, null]`). */
function variants(s: JsonSchema): JsonSchema[] {
  return s.anyOf ? s.anyOf.flatMap(variants) : [s];
}

/** The JSON types a schema admits: string, number, integer, boolean, object, array, null. */
export function kindsOf(schema: TSchema): Set<string> {
  const out = new Set<string>();
  for (const v of variants(schema)) {
    const t = v.type ?? (v.properties ? 'object' : undefined);
    for (const k of Array.isArray(t) ? t : t ? [t] : []) out.add(k);
  }
  return out;
}

/** The schema of property `key` of an object schema, or undefined when it has none. */
export function propertyOf(schema: TSchema, key: string): TSchema | undefined {
  for (const v of variants(schema)) {
    const p = v.properties?.[key];
    if (p) return p;
  }
  return undefined;
}

/** The item schema of an array schema. */
export function itemsOf(schema: TSchema): TSchema | undefined {
  for (const v of variants(schema)) if (v.items) return v.items;
  return undefined;
}

export function propertyNames(schema: TSchema): string[] {
  return variants(schema as JsonSchema).flatMap((v) => Object.keys(v.properties ?? {}));
}

/** `a.b.c` → segments; `.` alone is the current item of a section. */
export function splitPath(path: string): string[] {
  return path === '.' ? [] : path.split('.');
}

export type Resolved = { ok: true; schema: TSchema } | { ok: false; at: number; known: string[] };

/** Follows `segments` through `schema`; on failure, the index of the unknown segment. */
export function resolvePath(schema: TSchema, segments: string[]): Resolved {
  let cur = schema;
  for (const [i, seg] of segments.entries()) {
    const next = propertyOf(cur, seg);
    if (!next) return { ok: false, at: i, known: propertyNames(cur) };
    cur = next;
  }
  return { ok: true, schema: cur };
}

/** The value at `segments` (undefined when any step is missing or not an object). */
export function readPath(value: unknown, segments: string[]): unknown {
  let cur = value;
  for (const seg of segments) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/**
 * The declarative project file (YAML): an instance's sources, schedule, segments, measures and flows. Validation errors name the path inside the file, e.g. `/sources/1/tables/0/path`.
 * Relative table paths resolve against the file's directory so a project travels with its data.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ErrorCode, err, makeError, ok, type Result } from '../errors/index.js';
import { validateSchedule, type ScheduleBody } from '../refresh/index.js';
import { Identifier, Type, validate } from '../schema/index.js';
import { FlowShape } from '../flows/index.js';
import { validateMeasure, type MeasureDefinition } from '../measures/index.js';
import {
  findCycle,
  segmentRefs,
  validateSegment,
  type SegmentDefinition,
} from '../segments/index.js';
import { validateSource, type SourceDefinition } from '../sources/index.js';
import { resolveUnification } from '../unify/index.js';

export interface Project {
  instance: string;
  sources: SourceDefinition[];
  schedule: ScheduleBody | undefined;
  /** The unification definition as written (validated against the project's sources). */
  unification: unknown;
  /** Segments in an order where each comes after the segments of this file it reads. */
  segments: SegmentDefinition[];
  measures: MeasureDefinition[];
  /** Built-in flows as written; the server checks them against the event catalog when applied. */
  flows: { name: string }[];
  /** Names in file order, to point errors at `/segments/<index>`. */
  order: { segments: string[]; measures: string[]; flows: string[] };
}

const ProjectShape = Type.Object(
  {
    instance: Type.Optional(Identifier),
    sources: Type.Optional(Type.Array(Type.Unknown())),
    schedule: Type.Optional(Type.Unknown()),
    unification: Type.Optional(Type.Unknown()),
    segments: Type.Optional(Type.Array(Type.Unknown())),
    measures: Type.Optional(Type.Array(Type.Unknown())),
    flows: Type.Optional(Type.Array(Type.Unknown())),
  },
  { additionalProperties: false },
);

export function parseProject(text: string, baseDir: string, fileLabel: string): Result<Project> {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = e.linePos?.[0];
    const where = at ? `${fileLabel}:${at.line}:${at.col}` : fileLabel;
    return err(
      makeError(
        ErrorCode.validation,
        'user',
        `${where}: YAML syntax error: ${e.message.split('\n')[0]}`,
      ),
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  const shape = validate(ProjectShape, raw);
  if (!shape.ok) return err({ ...shape.error, message: `${fileLabel}: ${shape.error.message}` });
  const sources: SourceDefinition[] = [];
  const names = new Set<string>();
  for (const [i, s] of (shape.value.sources ?? []).entries()) {
    const v = validateSource(s, `/sources/${i}`);
    if (!v.ok) return err({ ...v.error, message: `${fileLabel}: ${v.error.message}` });
    if (names.has(v.value.name)) {
      return err(
        makeError(
          ErrorCode.validation,
          'user',
          `${fileLabel}: /sources/${i}/name: duplicate source name "${v.value.name}"`,
          `/sources/${i}/name`,
        ),
      );
    }
    names.add(v.value.name);
    sources.push(resolvePaths(v.value, baseDir));
  }
  let schedule: ScheduleBody | undefined;
  if (shape.value.schedule !== undefined) {
    const v = validateSchedule(shape.value.schedule, '/schedule');
    if (!v.ok) return err({ ...v.error, message: `${fileLabel}: ${v.error.message}` });
    schedule = v.value;
  }
  if (shape.value.unification !== undefined) {
    const v = resolveUnification(shape.value.unification, sources, '/unification');
    if (!v.ok) return err({ ...v.error, message: `${fileLabel}: ${v.error.message}` });
  }
  const measures = parseNamed(shape.value.measures ?? [], 'measures', validateMeasure);
  if (!measures.ok)
    return err({ ...measures.error, message: `${fileLabel}: ${measures.error.message}` });
  const flows = parseNamed(shape.value.flows ?? [], 'flows', (f, at) => validate(FlowShape, f, at));
  if (!flows.ok) return err({ ...flows.error, message: `${fileLabel}: ${flows.error.message}` });
  const segments = parseSegments(shape.value.segments ?? []);
  if (!segments.ok)
    return err({ ...segments.error, message: `${fileLabel}: ${segments.error.message}` });
  return ok({
    instance: shape.value.instance ?? 'default',
    sources,
    schedule,
    unification: shape.value.unification,
    segments: segments.value,
    measures: measures.value,
    flows: flows.value,
    order: {
      segments: (shape.value.segments ?? []).map((x) => String((x as { name?: unknown }).name)),
      measures: measures.value.map((m) => m.name),
      flows: flows.value.map((f) => f.name),
    },
  });
}

function parseNamed<T extends { name: string }>(
  items: unknown[],
  section: string,
  check: (body: unknown, base: string) => Result<T>,
): Result<T[]> {
  const out: T[] = [];
  for (const [i, item] of items.entries()) {
    const v = check(item, `/${section}/${i}`);
    if (!v.ok) return v;
    if (out.some((x) => x.name === v.value.name)) {
      const path = `/${section}/${i}/name`;
      return err(
        makeError(ErrorCode.validation, 'user', `${path}: duplicate name "${v.value.name}"`, path),
      );
    }
    out.push(v.value);
  }
  return ok(out);
}

/**
 * Segments checked one by one, then as a graph: a cycle among them is rejected here, and they are
 * ordered so `apply` saves each after the segments it reads (which the server checks exist).
 */
function parseSegments(items: unknown[]): Result<SegmentDefinition[]> {
  const parsed = parseNamed(items, 'segments', validateSegment);
  if (!parsed.ok) return parsed;
  const defs = parsed.value;
  const graph = new Map(defs.map((d) => [d.name, segmentRefs(d).map((r) => r.node)]));
  for (const [i, d] of defs.entries()) {
    const cycle = findCycle(graph, d.name);
    if (cycle) {
      const ref = segmentRefs(d, `/segments/${i}`).find((r) => r.node === cycle[1]);
      const path = ref?.path ?? `/segments/${i}/rule`;
      return err(
        makeError(
          ErrorCode.validation,
          'user',
          `${path}: segments form a cycle: ${cycle.join(' → ')}`,
          path,
        ),
      );
    }
  }
  const ordered: SegmentDefinition[] = [];
  const placed = new Set<string>();
  const place = (d: SegmentDefinition): void => {
    if (placed.has(d.name)) return;
    placed.add(d.name);
    for (const n of graph.get(d.name) ?? []) {
      const dep = defs.find((x) => x.name === n);
      if (dep) place(dep);
    }
    ordered.push(d);
  };
  defs.forEach(place);
  return ok(ordered);
}

export function readProjectFile(file: string): Result<Project> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return err(
      makeError(
        ErrorCode.validation,
        'user',
        `cannot read project file ${file}: ${(e as Error).message}`,
      ),
    );
  }
  return parseProject(text, dirname(resolve(file)), file);
}

function resolvePaths(s: SourceDefinition, baseDir: string): SourceDefinition {
  if (s.kind === 'postgres') return s;
  return {
    ...s,
    tables: s.tables.map((t) => ({
      ...t,
      path: isAbsolute(t.path) ? t.path : resolve(baseDir, t.path),
    })),
  };
}

/**
 * The declarative project file (YAML): an instance's sources and schedule (later: unification,
 * segments, measures). Validation errors name the path inside the file, e.g. `/sources/1/tables/0/path`.
 * Relative table paths resolve against the file's directory so a project travels with its data.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ErrorCode, err, makeError, ok, type Result } from '../errors/index.js';
import { validateSchedule, type ScheduleBody } from '../refresh/index.js';
import { Identifier, Type, validate } from '../schema/index.js';
import { validateSource, type SourceDefinition } from '../sources/index.js';
import { resolveUnification } from '../unify/index.js';

export interface Project {
  instance: string;
  sources: SourceDefinition[];
  schedule: ScheduleBody | undefined;
  /** The unification definition as written (validated against the project's sources). */
  unification: unknown;
}

const ProjectShape = Type.Object(
  {
    instance: Type.Optional(Identifier),
    sources: Type.Optional(Type.Array(Type.Unknown())),
    schedule: Type.Optional(Type.Unknown()),
    unification: Type.Optional(Type.Unknown()),
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
  return ok({
    instance: shape.value.instance ?? 'default',
    sources,
    schedule,
    unification: shape.value.unification,
  });
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

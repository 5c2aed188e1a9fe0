import type { FastifyInstance } from 'fastify';
import { ErrorCode, err, makeError, ok } from '../../errors/index.js';
import { measureKind, type MeasureDefinition } from '../../measures/index.js';
import type { ApiDeps } from '../api.deps.js';
import { registerDefinitionRoutes } from './definitions.routes.js';

/** `…/manage/measures[/{name}]`, its value history, dry run and by-hand evaluation. */
export function registerMeasureRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { segments, measures } = deps;
  registerDefinitionRoutes<MeasureDefinition>(
    app,
    {
      plural: 'measures',
      singular: 'measure',
      listOperationId: 'ListMeasures',
      listFilters: {
        scalar: {
          description:
            'true: only business measures without dimensions (the measure trigger takes these); false: only the others',
          test: (d) => measureKind(d) === 'scalar',
        },
      },
      list: (i) => measures.list(i),
      get: (i, n) => measures.get(i, n),
      save: (i, b, base, now) => measures.save(i, b, base, now),
      async remove(i, n) {
        const users = await segments.usersOf(i, 'measure', n);
        if (users.length > 0) {
          return err(
            makeError(
              ErrorCode.conflict,
              'conflict',
              `measure "${n}" is read by segments: ${users.join(', ')}`,
            ),
          );
        }
        return ok(await measures.remove(i, n));
      },
      preview: (i, b, base, now) => measures.preview(i, b, base, now),
      evaluate: (i, n, now) => measures.evaluate(i, n, { jobId: null, now }),
      history: (i, n, limit) => measures.history(i, n, limit),
      toHistoryEntry: (r) => ({
        time: r.observedAt,
        value: r.value,
        ...(r.details?.values !== undefined && { values: r.details.values }),
        jobId: r.jobId,
      }),
    },
    deps.now,
  );
}

export {
  createUnifyTaskKinds,
  loadPlan,
  UNIFICATION_KIND,
  UNIFICATION_NAME,
  type UnifyTaskDeps,
} from './unify.tasks.js';
export { resolveUnification } from './unify.validate.js';
export { UnificationDefinition, SemanticTypes, NormalizationNames } from './unify.schema.js';
export type { UnifyPlan } from './unify.plan.js';
export { runEm, matchProbability, type Pattern, type FsModel } from './em.js';

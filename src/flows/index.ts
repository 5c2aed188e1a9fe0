export { createFlows, type Flows, type FlowsDeps } from './flows.factory.js';
export { FlowService, type FlowView } from './flow.service.js';
export { FlowRunner, settledActions, flowDefinitionKind } from './flow.runner.js';
export {
  checkCondition,
  evaluateCondition,
  ConditionOps,
  type Condition,
} from './flow.condition.js';
export {
  compileTemplate,
  parseTemplate,
  checkTemplate,
  renderTemplate,
  escapeFor,
  type Escape,
} from './flow.template.js';
export { contextSchemaOf } from './payload.fields.js';
export { buildContext, type FlowContext, type FlowEnvelope } from './flow.context.js';
export { flowTemplates, instantiateTemplate, type FlowTemplate } from './flow.templates.js';
export { buildAdaptiveCard, buildMessageCard } from './teams.card.js';
export { WebhookPacer } from './webhook.pacer.js';
export { FlowShape, ActionTypes, type FlowDefinition, type FlowAction } from './flow.schema.js';
export type { ActionRun } from './action.run.js';

export { DeliveryWorker, type WorkerDeps, type WorkerOptions } from './delivery.worker.js';
export { WebhookSender, type SenderOptions } from './http.sender.js';
export { decideNext, parseRetryAfter, type RetrySchedule } from './retry.policy.js';
export {
  validateCallbackUrl,
  isPrivateAddress,
  redactUrl,
  type TargetPolicy,
} from './url.safety.js';
export { buildWebhookHeaders, newSecret, signPayload } from './webhook.signing.js';
export {
  flowNameOf,
  flowUrlOf,
  isInternalUrl,
  type InternalOutcome,
  type InternalTarget,
} from './internal.target.js';
export type { SendRequest, SendResult } from './http.sender.js';
export {
  SubscriptionBody,
  TriggerBody,
  checkTrigger,
  findFlowSubscription,
  subscribeFlow,
  type CheckedTrigger,
  SubscriptionPatchBody,
  createSubscription,
  deleteSubscription,
  findSubscription,
  matchKeyOf,
  recoverDeliveries,
  resendDelivery,
  updateSubscription,
  type SubscriptionDeps,
} from './subscription.service.js';

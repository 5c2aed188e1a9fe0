/**
 * Builds the flows domain for `createApp`: the runner (the delivery worker's internal target), the
 * service, the mailer (only when an SMTP host is configured) and the Slack pacer.
 */
import type { Config } from '../config/index.js';
import type { TargetPolicy, WebhookSender } from '../delivery/index.js';
import type { Result } from '../errors/index.js';
import type { SubmitRequest, SubmitResponse } from '../refresh/index.js';
import type { StateStore } from '../state/index.js';
import { SmtpMailer } from './email.sender.js';
import { FlowRunner } from './flow.runner.js';
import { FlowService } from './flow.service.js';
import { WebhookPacer, sleep } from './webhook.pacer.js';

export interface FlowsDeps {
  state: StateStore;
  config: Pick<Config, 'publicUrl' | 'smtp'>;
  policy: TargetPolicy;
  /** The delivery worker's sender: the same agent, timeouts and address guard. */
  sender: WebhookSender;
  /** Starts a refresh job (the refresh service's `submit`). */
  submitRefresh: (req: SubmitRequest) => Promise<Result<SubmitResponse>>;
}

export interface Flows {
  service: FlowService;
  runner: FlowRunner;
  close(): void;
}

export function createFlows(deps: FlowsDeps): Flows {
  const { smtp, publicUrl } = deps.config;
  const mailer = smtp.host === undefined ? undefined : new SmtpMailer({ ...smtp, host: smtp.host });
  const runner = new FlowRunner({
    state: deps.state,
    publicUrl,
    env: {
      sender: deps.sender,
      mailer,
      submitRefresh: deps.submitRefresh,
      // Slack: one message per second per incoming webhook.
      pacer: new WebhookPacer({ intervalMs: 1000, clock: () => performance.now(), sleep }),
    },
  });
  const service = new FlowService({
    state: deps.state,
    policy: deps.policy,
    emailConfigured: mailer !== undefined,
    publicUrl,
    runner,
  });
  return { service, runner, close: () => mailer?.close() };
}

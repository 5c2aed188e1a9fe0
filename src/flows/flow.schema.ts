/**
 * A built-in flow (design §1): a name, an enabled flag, a trigger (an event type with the same
 * parameters as a subscription), an optional condition on the event, and an ordered list of
 * actions. Every text field of an action is a template (flow.template.ts).
 */
import type { TriggerBody } from '../delivery/index.js';
import { Identifier, StringEnum, Type, type Static } from '../schema/index.js';
import type { Condition } from './flow.condition.js';

/** Stricter than the shared Email: a dot in the domain, no list separators or brackets. */
export const emailPattern = '^[^@\\s<>,;"]+@[^@\\s<>,;".]+(\\.[^@\\s<>,;".]+)+$';

export const FlowEmail = Type.String({
  pattern: emailPattern,
  description: 'an email address (name@example.com)',
});

const template = (description: string, required = false) =>
  Type.String({ ...(required && { minLength: 1 }), description: `${description} (template)` });

const WebhookUrl = (description: string) => Type.String({ minLength: 1, description });

const Fact = Type.Object(
  { name: template('label', true), value: template('value') },
  { additionalProperties: false },
);

export const TeamsAction = Type.Object(
  {
    type: StringEnum(['teams'] as const),
    url: WebhookUrl(
      'the Teams Workflows webhook url ("Post to a channel when a webhook request is received")',
    ),
    format: Type.Optional(
      StringEnum(['adaptiveCard', 'messageCard'] as const, {
        description:
          'adaptiveCard (default, Teams Workflows) or the legacy Office 365 connector MessageCard',
      }),
    ),
    title: template('the card title', true),
    text: Type.Optional(template('the text under the title (Markdown)')),
    facts: Type.Optional(Type.Array(Fact, { maxItems: 20 })),
    link: Type.Optional(template('the button url (default: {{links.console}})')),
    linkTitle: Type.Optional(template('the button label (default: Open in Tributary)')),
  },
  { additionalProperties: false },
);
export type TeamsAction = Static<typeof TeamsAction>;

export const SlackAction = Type.Object(
  {
    type: StringEnum(['slack'] as const),
    url: WebhookUrl('the Slack incoming-webhook url'),
    title: Type.Optional(template('a header line')),
    text: template('the message (Slack mrkdwn)', true),
    fields: Type.Optional(Type.Array(Fact, { maxItems: 10 })),
    link: Type.Optional(template('a link under the message (default: {{links.console}})')),
  },
  { additionalProperties: false },
);
export type SlackAction = Static<typeof SlackAction>;

export const EmailAction = Type.Object(
  {
    type: StringEnum(['email'] as const),
    to: Type.Optional(Type.Array(FlowEmail, { maxItems: 50, description: 'literal recipients' })),
    owners: Type.Optional(
      Type.Boolean({
        description: "also send to the owners of the event's data source, segment or measure",
      }),
    ),
    subject: template('the subject', true),
    text: template('the plain-text body', true),
    html: Type.Optional(template('the HTML body (values are HTML-escaped)')),
  },
  { additionalProperties: false },
);
export type EmailAction = Static<typeof EmailAction>;

export const HttpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const HttpAction = Type.Object(
  {
    type: StringEnum(['http'] as const),
    method: Type.Optional(StringEnum(HttpMethods, { description: 'default POST' })),
    url: WebhookUrl('the target url (https; the same rules as subscription urls)'),
    headers: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }), template('header value')),
    ),
    body: Type.Optional(
      Type.Unknown({
        description:
          'a JSON value; its strings are templates (a string that is exactly one {{field}} takes the value as is)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type HttpAction = Static<typeof HttpAction>;

export const RefreshAction = Type.Object(
  {
    type: StringEnum(['refresh'] as const),
    sources: Type.Optional(
      Type.Array(template('a data source name'), {
        maxItems: 100,
        description:
          'a scoped refresh of these sources and their dependents; absent: a full refresh',
      }),
    ),
    operation: Type.Optional(
      StringEnum(['all', 'ingestion'] as const, {
        description: 'all (default): the whole DAG downstream; ingestion: only the ingest tasks',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RefreshAction = Static<typeof RefreshAction>;

export const ActionTypes = ['teams', 'slack', 'email', 'http', 'refresh'] as const;
export type ActionType = (typeof ActionTypes)[number];
export type FlowAction = TeamsAction | SlackAction | EmailAction | HttpAction | RefreshAction;

export const actionSchemas = {
  teams: TeamsAction,
  slack: SlackAction,
  email: EmailAction,
  http: HttpAction,
  refresh: RefreshAction,
} as const;

/** The shape around the parts checked one by one (trigger, condition, each action by its type). */
export const FlowShape = Type.Object(
  {
    name: Identifier,
    description: Type.Optional(Type.String()),
    enabled: Type.Optional(Type.Boolean({ description: 'default true' })),
    trigger: Type.Unknown({
      description:
        'the event type and its parameters, as a subscription: {event, source?, segment?, measure?, threshold?, rearmBelow?}',
    }),
    condition: Type.Optional(
      Type.Unknown({ description: '{and}, {or}, {not} or {field, op, value} (docs/flows.md)' }),
    ),
    actions: Type.Array(Type.Unknown(), {
      minItems: 1,
      maxItems: 10,
      description: 'run in order on each event; each is retried on its own',
    }),
  },
  { additionalProperties: false },
);

export interface FlowDefinition {
  name: string;
  description?: string;
  enabled: boolean;
  trigger: TriggerBody;
  condition?: Condition;
  actions: FlowAction[];
}

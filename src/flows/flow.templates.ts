/**
 * Ready-made flows a user instantiates in one call (`POST …/flows?template=<name>` with its few
 * parameters, `tributary flows create --template <name>`). Each builds an ordinary flow definition,
 * which is then checked and saved like any other.
 */
import { ErrorCode, err, makeError, ok, type Result } from '../errors/index.js';
import { Identifier, StringEnum, Type, validate, type TSchema } from '../schema/index.js';
import { FlowEmail } from './flow.schema.js';

export interface TemplateParameter {
  name: string;
  title: string;
  type: 'string' | 'url' | 'number' | 'emails' | 'choice';
  required: boolean;
  description: string;
  choices?: string[];
  default?: string | number;
}

export interface FlowTemplate {
  name: string;
  title: string;
  description: string;
  event: string;
  parameters: TemplateParameter[];
  build(p: Record<string, unknown>): Record<string, unknown>;
}

const flowName = (d: string): TemplateParameter => ({
  name: 'name',
  title: 'Flow name',
  type: 'string',
  required: false,
  default: d,
  description: 'letters, digits and underscores',
});

const teamsRefreshFailed: FlowTemplate = {
  name: 'teams-refresh-failed',
  title: 'Post to Teams when a data source refresh fails',
  description:
    'An Adaptive Card in a Teams channel with the source, the error, the attempts and a link to the source in the console.',
  event: 'datasource.refresh.failed',
  parameters: [
    {
      name: 'webhookUrl',
      title: 'Teams Workflows webhook url',
      type: 'url',
      required: true,
      description: 'from the Teams workflow "Post to a channel when a webhook request is received"',
    },
    {
      name: 'source',
      title: 'Data source',
      type: 'string',
      required: false,
      description: 'only this source (default: every source)',
    },
    {
      name: 'format',
      title: 'Card format',
      type: 'choice',
      choices: ['adaptiveCard', 'messageCard'],
      required: false,
      default: 'adaptiveCard',
      description: 'messageCard for a legacy Office 365 connector url',
    },
    flowName('TeamsRefreshFailed'),
  ],
  build: (p) => ({
    name: p.name,
    trigger: {
      event: 'datasource.refresh.failed',
      ...(p.source !== undefined && { source: p.source }),
    },
    actions: [
      {
        type: 'teams',
        url: p.webhookUrl,
        format: p.format,
        title: 'Refresh of {{data.source}} failed',
        text: '{{#data.error}}{{message}}{{/data.error}}{{^data.error}}The refresh failed.{{/data.error}}',
        facts: [
          { name: 'Source', value: '{{data.source}}' },
          { name: 'Tables', value: '{{data.tables}}' },
          { name: 'Error code', value: '{{data.error.code}}' },
          { name: 'Attempts', value: '{{data.attempts}}' },
          { name: 'Run', value: '{{data.submissionKind}}, job {{data.jobId}}' },
          { name: 'Ended', value: '{{data.endedAt}}' },
          { name: 'Owners', value: '{{data.owners}}' },
        ],
      },
    ],
  }),
};

const emailSegmentThreshold: FlowTemplate = {
  name: 'email-segment-threshold',
  title: 'Email the data owners when a segment crosses a threshold',
  description:
    "An email to the segment's owners (and any extra recipients) with the threshold, the previous and the current member count.",
  event: 'segment.threshold.crossed',
  parameters: [
    {
      name: 'segment',
      title: 'Segment',
      type: 'string',
      required: true,
      description: 'the segment to watch',
    },
    {
      name: 'threshold',
      title: 'Threshold',
      type: 'number',
      required: true,
      description: 'fires when the member count goes from at most this to above it',
    },
    {
      name: 'to',
      title: 'Extra recipients',
      type: 'emails',
      required: false,
      description: "besides the segment's owners",
    },
    flowName('EmailSegmentThreshold'),
  ],
  build: (p) => ({
    name: p.name,
    trigger: { event: 'segment.threshold.crossed', segment: p.segment, threshold: p.threshold },
    actions: [
      {
        type: 'email',
        owners: true,
        ...(Array.isArray(p.to) && p.to.length > 0 && { to: p.to }),
        subject:
          '{{data.segment}} crossed {{data.threshold}} ({{data.previousCount}} → {{data.currentCount}})',
        text: [
          'The segment {{data.segment}} now has {{data.currentCount}} members (before: {{data.previousCount}}; threshold: {{data.threshold}}).',
          '{{#data.added}}Added since the previous evaluation: {{data.added}}.{{/data.added}}{{#data.removed}} Removed: {{data.removed}}.{{/data.removed}}',
          '',
          'Open it in Tributary: {{links.console}}',
        ].join('\n'),
        html: [
          '<p>The segment <b>{{data.segment}}</b> now has <b>{{data.currentCount}}</b> members (before: {{data.previousCount}}; threshold: {{data.threshold}}).</p>',
          '<p>{{#data.added}}Added since the previous evaluation: {{data.added}}.{{/data.added}}{{#data.removed}} Removed: {{data.removed}}.{{/data.removed}}</p>',
          '<p><a href="{{links.console}}">Open it in Tributary</a></p>',
        ].join('\n'),
      },
    ],
  }),
};

const slackUnification: FlowTemplate = {
  name: 'slack-unification-completed',
  title: 'Slack message when unification completes',
  description: 'A Slack message with the profile counts after each successful merge.',
  event: 'unification.completed',
  parameters: [
    {
      name: 'webhookUrl',
      title: 'Slack incoming-webhook url',
      type: 'url',
      required: true,
      description: 'https://hooks.slack.com/services/…',
    },
    flowName('SlackUnificationCompleted'),
  ],
  build: (p) => ({
    name: p.name,
    trigger: { event: 'unification.completed' },
    actions: [
      {
        type: 'slack',
        url: p.webhookUrl,
        title: 'Unification completed',
        text: '{{data.profiles.total}} customer profiles after job {{data.jobId}} ({{data.submissionKind}}).',
        fields: [
          { name: 'Created', value: '{{data.profiles.created}}' },
          { name: 'Merged', value: '{{data.profiles.merged}}' },
          { name: 'Split', value: '{{data.profiles.split}}' },
          { name: 'Kept', value: '{{data.profiles.kept}}' },
        ],
      },
    ],
  }),
};

const emailScheduledSummary: FlowTemplate = {
  name: 'email-scheduled-summary',
  title: 'Email a summary after each scheduled refresh',
  description: 'An email with the final status, the duration and every task of the scheduled job.',
  event: 'refresh.scheduled.completed',
  parameters: [
    {
      name: 'to',
      title: 'Recipients',
      type: 'emails',
      required: true,
      description: 'who receives the summary',
    },
    flowName('EmailScheduledSummary'),
  ],
  build: (p) => ({
    name: p.name,
    trigger: { event: 'refresh.scheduled.completed' },
    actions: [
      {
        type: 'email',
        to: p.to,
        subject: 'Scheduled refresh {{data.status}} ({{data.durationMs}} ms)',
        text: [
          'The scheduled refresh job {{data.jobId}} ended {{data.status}} at {{data.endedAt}}.',
          '',
          '{{#data.tasks}}- {{kind}} {{target}}: {{status}} ({{attempts}} attempt(s), {{durationMs}} ms){{#error}} {{code}}: {{message}}{{/error}}',
          '{{/data.tasks}}',
          'Open the job: {{links.console}}',
        ].join('\n'),
        html: [
          '<p>The scheduled refresh job <a href="{{links.console}}">{{data.jobId}}</a> ended <b>{{data.status}}</b> at {{data.endedAt}}.</p>',
          '<table><tr><th>Task</th><th>Target</th><th>Status</th><th>Attempts</th><th>ms</th><th>Error</th></tr>',
          '{{#data.tasks}}<tr><td>{{kind}}</td><td>{{target}}</td><td>{{status}}</td><td>{{attempts}}</td><td>{{durationMs}}</td><td>{{#error}}{{code}}: {{message}}{{/error}}</td></tr>',
          '{{/data.tasks}}</table>',
        ].join('\n'),
      },
    ],
  }),
};

export const flowTemplates: FlowTemplate[] = [
  teamsRefreshFailed,
  emailSegmentThreshold,
  slackUnification,
  emailScheduledSummary,
];

function schemaOf(p: TemplateParameter): TSchema {
  switch (p.type) {
    case 'url':
      return Type.String({ minLength: 1 });
    case 'number':
      return Type.Number();
    case 'emails':
      return Type.Array(FlowEmail, { minItems: p.required ? 1 : 0, maxItems: 50 });
    case 'choice':
      return StringEnum(p.choices ?? []);
    case 'string':
      return p.name === 'name' ? Identifier : Type.String({ minLength: 1 });
  }
}

/** Validates the parameters (paths under `base`) and builds the flow body. */
export function instantiateTemplate(
  name: string,
  params: unknown,
  base: string,
): Result<Record<string, unknown>> {
  const t = flowTemplates.find((x) => x.name === name);
  if (!t) {
    return err(
      makeError(
        ErrorCode.validation,
        'user',
        `template: unknown template "${name}"; known: ${flowTemplates.map((x) => x.name).join(', ')}`,
        'template',
      ),
    );
  }
  const shape = Type.Object(
    Object.fromEntries(
      t.parameters.map((p) => [p.name, p.required ? schemaOf(p) : Type.Optional(schemaOf(p))]),
    ),
    { additionalProperties: false },
  );
  const v = validate(shape, params ?? {}, base);
  if (!v.ok) return v;
  const given = v.value as Record<string, unknown>;
  const withDefaults = Object.fromEntries(
    t.parameters.map((p) => [p.name, given[p.name] ?? p.default]),
  );
  return ok(JSON.parse(JSON.stringify(t.build(withDefaults))) as Record<string, unknown>);
}

/**
 * A flow's save-time checks, each answered with the path of what is wrong (unknown event, field or
 * template field, refused url, bad address, email without SMTP, owners on an event without them, a
 * required field rendering empty on the sample), and the list of ready-made flows.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auth, startTestApp, type TestApp } from './support/app.js';
import { rejectFlow } from './support/flows.js';
import { Receiver } from './support/receiver.js';
import { SmtpSink } from './support/smtp.sink.js';

let app: TestApp;
let rx: Receiver;
let smtp: SmtpSink;

function teams(path: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'teams', url: rx.url(path), title: '{{data.source}} failed', ...extra };
}

before(async () => {
  smtp = await SmtpSink.start();
  rx = await Receiver.start();
  app = await startTestApp({ TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'true', ...smtp.env() });
});
after(async () => {
  await app.dispose();
  await rx.close();
  await smtp.close();
});

void describe('flow save-time checks', () => {
  void it('rejects bad flows with the path of what is wrong', async () => {
    const base = { name: 'Bad', trigger: { event: 'datasource.refresh.failed' } };
    const cases: [unknown, RegExp][] = [
      [
        { ...base, trigger: { event: 'datasource.refreshed' }, actions: [teams('/x')] },
        /^body\/trigger\/event: must be one of/,
      ],
      [
        {
          ...base,
          trigger: { event: 'segment.threshold.crossed', segment: 'Nope', threshold: 1 },
          actions: [teams('/x')],
        },
        /^body\/trigger\/segment: unknown segment "Nope"/,
      ],
      [
        {
          ...base,
          condition: { field: 'data.sorce', op: 'eq', value: 'x' },
          actions: [teams('/x')],
        },
        /^body\/condition\/field: unknown field "data.sorce"/,
      ],
      [
        { ...base, actions: [teams('/x', { title: 'Failed: {{data.sourc}}' })] },
        /^body\/actions\/0\/title: unknown field "data.sourc" at character 9/,
      ],
      [
        { ...base, actions: [teams('/x', { title: '{{data.rowsRead}}' })] },
        /^body\/actions\/0\/title: renders empty on the sample datasource.refresh.failed event/,
      ],
      [
        { ...base, actions: [{ type: 'teams', url: 'http://example.com/hook', title: 'x' }] },
        /^body\/actions\/0\/url: the scheme must be https/,
      ],
      [
        { ...base, actions: [{ type: 'email', to: ['not-an-email'], subject: 's', text: 't' }] },
        /^body\/actions\/0\/to\/0: /,
      ],
      [
        { ...base, actions: [{ type: 'email', subject: 's', text: 't' }] },
        /^body\/actions\/0\/to: give recipients/,
      ],
      [
        {
          ...base,
          trigger: { event: 'unification.completed' },
          actions: [{ type: 'email', owners: true, subject: 's', text: 't' }],
        },
        /^body\/actions\/0\/owners: unification.completed events carry no owners/,
      ],
      [
        { ...base, actions: [{ type: 'sms', to: '1' }] },
        /^body\/actions\/0\/type: must be one of teams, slack, email, http, refresh/,
      ],
      [
        { ...base, actions: [{ type: 'refresh', sources: ['nope'] }] },
        /^body\/actions\/0\/sources\/0: unknown data source "nope"/,
      ],
      [{ ...base, actions: [] }, /^body\/actions: /],
    ];
    for (const [body, message] of cases) assert.match(await rejectFlow(app, body), message);
    assert.match(
      await rejectFlow(app, {}, 'teams-refresh-failed'),
      /^body\/webhookUrl: missing required field/,
    );
    assert.match(
      await rejectFlow(app, { to: ['a@b.org'] }, 'no-such-template'),
      /unknown template "no-such-template"; known: teams-refresh-failed/,
    );
    const dup = await app.http.inject({
      method: 'POST',
      url: '/v1/instances/default/flows',
      headers: auth,
      payload: { ...base, actions: [teams('/x')] },
    });
    assert.equal(dup.statusCode, 201);
    assert.equal(
      (
        await app.http.inject({
          method: 'POST',
          url: '/v1/instances/default/flows',
          headers: auth,
          payload: { ...base, actions: [teams('/x')] },
        })
      ).statusCode,
      409,
    );

    const noSmtp = await startTestApp();
    try {
      assert.match(
        await rejectFlow(noSmtp, {
          ...base,
          actions: [{ type: 'email', to: ['a@b.org'], subject: 's', text: 't' }],
        }),
        /^body\/actions\/0\/type: email is not configured on this server \(TRIBUTARY_SMTP_HOST\)/,
      );
      assert.match(
        await rejectFlow(noSmtp, {
          ...base,
          actions: [{ type: 'teams', url: 'https://127.0.0.1/hook', title: 'x' }],
        }),
        /^body\/actions\/0\/url: private, loopback and link-local targets are refused/,
      );
    } finally {
      await noSmtp.dispose();
    }
  });

  void it('lists the four ready-made flows with their parameters', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/v1/flow-templates', headers: auth });
    const names = res.json<{
      value: { name: string; parameters: { name: string; required: boolean }[] }[];
    }>().value;
    assert.deepEqual(
      names.map((t) => t.name),
      [
        'teams-refresh-failed',
        'email-segment-threshold',
        'slack-unification-completed',
        'email-scheduled-summary',
      ],
    );
    for (const t of names) assert.ok(t.parameters.some((p) => p.name === 'name' && !p.required));
  });
});

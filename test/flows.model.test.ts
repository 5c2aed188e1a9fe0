/**
 * The flow language without a server: conditions (fast-check properties against the event
 * catalog's schemas), templates (escaping per target, sections, unknown fields with their
 * position), the Teams card builders (parsed with the `adaptivecards` library) and the Slack pacer.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  WebhookPacer,
  buildAdaptiveCard,
  buildContext,
  checkCondition,
  compileTemplate,
  contextSchemaOf,
  evaluateCondition,
  renderTemplate,
  settledActions,
  type ActionRun,
  type Condition,
  type FlowEnvelope,
} from '../src/flows/index.js';
import type { FlowRunRow } from '../src/state/index.js';
import { sampleEvent } from '../src/triggers/index.js';
import { parseAdaptiveCard } from './support/flows.js';

const schema = contextSchemaOf('datasource.refresh.failed');
const sample = sampleEvent('datasource.refresh.failed') as unknown as FlowEnvelope;

/** Events of datasource.refresh.failed with open-ended values in the fields conditions read. */
const eventArb = fc.record({
  source: fc.constantFrom('shop', 'crm', 'erp', ''),
  attempts: fc.integer({ min: 0, max: 5 }),
  rowsRead: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }),
  status: fc.constantFrom('failed', 'successful'),
  owners: fc.array(fc.constantFrom('a@x.org', 'b@x.org'), { maxLength: 2 }),
});
const contextOf = (d: Record<string, unknown>) =>
  buildContext({ ...sample, data: { ...sample.data, ...d } }, 'F', 'https://t.example');

const leafArb: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    field: fc.constant('data.attempts'),
    op: fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le'),
    value: fc.integer({ min: 0, max: 5 }),
  }) as fc.Arbitrary<Condition>,
  fc
    .record({
      field: fc.constant('data.rowsRead'),
      op: fc.constantFrom('gt', 'le', 'exists'),
      value: fc.integer({ min: 0, max: 1000 }),
    })
    .map((c) => (c.op === 'exists' ? { field: c.field, op: c.op } : c)) as fc.Arbitrary<Condition>,
  fc.record({
    field: fc.constant('data.source'),
    op: fc.constantFrom('eq', 'ne', 'startsWith', 'endsWith', 'contains'),
    value: fc.constantFrom('shop', 'cr', 'p', ''),
  }) as fc.Arbitrary<Condition>,
  fc.record({
    field: fc.constant('data.owners'),
    op: fc.constant('contains'),
    value: fc.constantFrom('a@x.org', 'c@x.org'),
  }) as fc.Arbitrary<Condition>,
  fc.record({
    field: fc.constant('data.status'),
    op: fc.constant('in'),
    value: fc.subarray(['failed', 'successful', 'skipped'], { minLength: 1 }),
  }) as fc.Arbitrary<Condition>,
);
const { tree } = fc.letrec<{ tree: Condition }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((and) => ({ and })),
    fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((or) => ({ or })),
    tie('tree').map((not) => ({ not })),
  ),
}));

void describe('flow conditions', () => {
  void it('accepts every well-typed tree over known fields, unchanged', () => {
    fc.assert(
      fc.property(tree, (c) => {
        const r = checkCondition(c, schema, '/condition');
        assert.ok(r.ok, r.ok ? '' : r.error.message);
        assert.deepEqual(r.value, JSON.parse(JSON.stringify(c)));
      }),
    );
  });

  void it('evaluates and/or/not as boolean algebra and each comparison like its definition', () => {
    fc.assert(
      fc.property(tree, tree, eventArb, (a, b, d) => {
        const ctx = contextOf(d);
        const ev = (c: Condition) => evaluateCondition(c, ctx);
        assert.equal(ev({ not: a }), !ev(a));
        assert.equal(ev({ and: [a, b] }), ev(a) && ev(b));
        assert.equal(ev({ or: [a, b] }), ev(a) || ev(b));
        assert.equal(ev({ not: { and: [a, b] } }), ev({ or: [{ not: a }, { not: b }] }));
      }),
    );
    fc.assert(
      fc.property(eventArb, fc.integer({ min: -1, max: 6 }), (d, v) => {
        const ctx = contextOf(d);
        const cmp = (op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le') =>
          evaluateCondition({ field: 'data.attempts', op, value: v }, ctx);
        assert.equal(cmp('eq'), d.attempts === v);
        assert.equal(cmp('ne'), d.attempts !== v);
        assert.equal(cmp('gt'), d.attempts > v);
        assert.equal(cmp('ge'), d.attempts >= v);
        assert.equal(cmp('lt'), d.attempts < v);
        assert.equal(cmp('le'), d.attempts <= v);
        // A null field satisfies no ordering and `exists` is false for it.
        const rows = (op: 'gt' | 'le') =>
          evaluateCondition({ field: 'data.rowsRead', op, value: v }, ctx);
        if (d.rowsRead === null) {
          assert.equal(rows('gt') || rows('le'), false);
          assert.equal(evaluateCondition({ field: 'data.rowsRead', op: 'exists' }, ctx), false);
        } else assert.equal(rows('gt'), !rows('le'));
      }),
    );
  });

  void it('rejects an unknown field anywhere in the tree, naming its path and what is known', () => {
    fc.assert(
      fc.property(
        tree,
        fc.nat(),
        fc.constantFrom('data.sourc', 'data.error.cod', 'payload'),
        (c, k, bad) => {
          // Replace the k-th leaf's field with an unknown one.
          let i = 0;
          let at = '';
          const swap = (n: Condition, path: string): Condition => {
            if ('and' in n) return { and: n.and.map((x, j) => swap(x, `${path}/and/${j}`)) };
            if ('or' in n) return { or: n.or.map((x, j) => swap(x, `${path}/or/${j}`)) };
            if ('not' in n) return { not: swap(n.not, `${path}/not`) };
            if (i++ !== k % countLeaves(c) || at) return n;
            at = `${path}/field`;
            return { ...n, field: bad };
          };
          const r = checkCondition(swap(c, '/condition'), schema, '/condition');
          assert.ok(!r.ok);
          assert.equal(r.error.field, at);
          assert.match(r.error.message, /unknown field "[a-z.]+" \(known there: /);
        },
      ),
    );
  });

  void it('rejects values of the wrong type and malformed nodes with their path', () => {
    const bad: [unknown, string, RegExp][] = [
      [{ field: 'data.attempts', op: 'gt', value: 'three' }, '/c/value', /compares data.attempts/],
      [{ field: 'data.source', op: 'eq', value: 3 }, '/c/value', /does not fit data.source/],
      [{ field: 'data.source', op: 'like', value: 'x' }, '/c/op', /must be one of/],
      [{ field: 'data.rowsRead', op: 'exists', value: 1 }, '/c/value', /takes no value/],
      [{ and: [] }, '/c/and', /non-empty list/],
      [
        { or: [{ field: 'data.source', op: 'eq', value: 'a', extra: 1 }] },
        '/c/or/0/extra',
        /unknown field/,
      ],
      [{ not: { field: 'data.attempts', op: 'in', value: [] } }, '/c/not/value', /non-empty list/],
      ['data.source == "x"', '/c', /must be an object/],
    ];
    for (const [input, path, message] of bad) {
      const r = checkCondition(input, schema, '/c');
      assert.ok(!r.ok, JSON.stringify(input));
      assert.equal(r.error.field, path, JSON.stringify(input));
      assert.match(r.error.message, message);
    }
  });
});

function countLeaves(c: Condition): number {
  if ('and' in c) return c.and.reduce((s, x) => s + countLeaves(x), 0);
  if ('or' in c) return c.or.reduce((s, x) => s + countLeaves(x), 0);
  if ('not' in c) return countLeaves(c.not);
  return 1;
}

void describe('flow templates', () => {
  const ctx = contextOf({
    source: 'a<b>&"c\'',
    error: { code: 'E_1', message: '*bold* [x](http://evil)' },
    tables: ['t1', 't2'],
  });
  const render = (src: string, escape: Parameters<typeof renderTemplate>[2]) => {
    const t = compileTemplate(src, schema, '/t');
    assert.ok(t.ok, t.ok ? '' : t.error.message);
    return renderTemplate(t.value, ctx, escape);
  };

  void it('escapes values for the target and keeps the literal text as written', () => {
    assert.equal(render('<b>{{data.source}}</b>', 'html'), '<b>a&lt;b&gt;&amp;&quot;c&#39;</b>');
    assert.equal(
      render('*{{data.error.message}}*', 'markdown'),
      '*\\*bold\\* \\[x\\](http://evil)*',
    );
    assert.equal(render('{{data.source}}', 'slack'), 'a&lt;b&gt;&amp;"c\'');
    assert.equal(render('{{data.source}}', 'none'), 'a<b>&"c\'');
    // A card is an object serialized once: any value round-trips through JSON.
    fc.assert(
      fc.property(fc.string(), (s) => {
        const card = buildAdaptiveCard({
          title: s || 'x',
          text: s,
          facts: [{ name: 'n', value: s }],
          link: '',
          linkTitle: '',
        });
        assert.deepEqual(JSON.parse(JSON.stringify(card)), card);
      }),
    );
  });

  void it('renders lists, sections, inverted sections and comments', () => {
    assert.equal(render('{{data.tables}}', 'none'), 't1, t2');
    assert.equal(render('{{#data.tables}}[{{.}}]{{/data.tables}}', 'none'), '[t1][t2]');
    assert.equal(
      render('{{#data.error}}{{code}}: {{message}}{{/data.error}}', 'none'),
      'E_1: *bold* [x](http://evil)',
    );
    assert.equal(
      render('{{^data.rowsRead}}none read{{/data.rowsRead}}{{! a note }}', 'none'),
      'none read',
    );
    assert.equal(
      render('{{flow.name}} {{links.console}}', 'none'),
      "F https://t.example/#/default/sources/a%3Cb%3E%26%22c'",
    );
    const tasks = contextSchemaOf('refresh.scheduled.completed');
    const t = compileTemplate(
      '{{#data.tasks}}{{kind}}:{{status}}{{#error}} {{code}}{{/error}};{{/data.tasks}}',
      tasks,
      '/t',
    );
    assert.ok(t.ok);
    const sched = sampleEvent('refresh.scheduled.completed') as unknown as FlowEnvelope;
    assert.equal(
      renderTemplate(t.value, buildContext(sched, 'F', ''), 'none'),
      'ingest:completedWithWarnings;ingest:successful;merge:successful;',
    );
  });

  void it('rejects unknown fields and malformed tags with the field and the position', () => {
    const cases: [string, RegExp][] = [
      [
        'Failed: {{data.sourc}}',
        /^\/t: unknown field "data.sourc" at character 9 \(known there: source, tables/,
      ],
      ['{{#data.tables}}{{nme}}{{/data.tables}}', /unknown field "nme" at character 17/],
      ['{{data.error.cod}}', /unknown field "data.error.cod".*known there: code, message/],
      ['{{{data.source}}}', /raw output/],
      ['{{#data.tables}}x', /section \{\{#data.tables\}\} at character 1 is not closed/],
      ['{{#data.tables}}x{{/data.owners}}', /closes \{\{#data.tables\}\}/],
      ['{{data.source', /unclosed tag at character 1/],
      ['{{data source}}', /is not a field path/],
    ];
    for (const [src, message] of cases) {
      const r = compileTemplate(src, schema, '/t');
      assert.ok(!r.ok, src);
      assert.equal(r.error.field, '/t');
      assert.match(r.error.message, message, src);
    }
  });
});

void describe('Teams cards and the Slack pacer', () => {
  void it('builds an Adaptive Card the adaptivecards library parses and validates', () => {
    const card = parseAdaptiveCard(
      (
        buildAdaptiveCard({
          title: 'Refresh of "shop" failed',
          text: 'no file',
          facts: [{ name: 'Source', value: 'shop' }],
          link: 'https://t.example/#/default',
          linkTitle: 'Open',
        }).attachments as { content: unknown }[]
      )[0]!.content,
    );
    assert.equal(card.title, 'Refresh of "shop" failed');
    assert.deepEqual(card.facts, { Source: 'shop' });
    assert.equal(card.openUrl, 'https://t.example/#/default');
  });

  void it('spaces messages to one webhook by the interval and leaves other webhooks alone', async () => {
    let now = 0;
    const slept: number[] = [];
    const pacer = new WebhookPacer({
      intervalMs: 1000,
      clock: () => now,
      sleep: (ms) => {
        slept.push(ms);
        return Promise.resolve();
      },
    });
    const signal = new AbortController().signal;
    assert.equal(await pacer.wait('https://hooks.slack.com/a', signal), 0);
    assert.equal(await pacer.wait('https://hooks.slack.com/a', signal), 1000);
    assert.equal(await pacer.wait('https://hooks.slack.com/b', signal), 0);
    now = 400;
    assert.equal(await pacer.wait('https://hooks.slack.com/a', signal), 1600);
    now = 5000;
    assert.equal(await pacer.wait('https://hooks.slack.com/a', signal), 0);
    assert.deepEqual(slept, [1000, 1600]);
  });
});

void describe('what earlier runs of a delivery settled', () => {
  const action = (
    index: number,
    type: string,
    status: string,
    transient = false,
    accepted?: string[],
  ) =>
    ({
      index,
      type,
      status,
      transient,
      request: null,
      response: accepted ? { accepted } : null,
      statusCode: null,
      latencyMs: 1,
      error: status === 'failed' ? 'x' : null,
      retryAfterMs: null,
    }) as ActionRun;
  const run = (attempt: number, status: FlowRunRow['status'], actions: ActionRun[]) =>
    ({ attempt, status, actions }) as FlowRunRow;

  void it("keeps successes and this series' permanent failures, until a run completes", () => {
    // Newest first, as listed: attempt 3 (series 2) after attempts 1 and 2 (series 1).
    const runs = [
      run(3, 'failed', [
        action(0, 'teams', 'done'),
        action(1, 'http', 'failed', true),
        action(2, 'email', 'failed', true, ['a@x.org']),
      ]),
      run(2, 'failed', [
        action(0, 'teams', 'succeeded'),
        action(1, 'http', 'failed', false),
        action(2, 'email', 'failed', true),
      ]),
      run(1, 'failed', [action(0, 'teams', 'failed', true), action(1, 'http', 'failed', true)]),
    ];
    const s = settledActions(runs, 2);
    assert.deepEqual([...s.done], [[0, 'teams']]);
    assert.deepEqual(
      [...s.permanent.keys()],
      [],
      'the permanent failure of attempt 2 belongs to the previous series',
    );
    assert.deepEqual([...s.sentTo], [[2, ['a@x.org']]]);
    assert.deepEqual([...settledActions(runs, 1).permanent.keys()], [1]);
    // A run that completed (succeeded or skipped) settles everything: a replay runs all again.
    const after = [
      run(4, 'succeeded', [action(0, 'teams', 'done'), action(1, 'http', 'succeeded')]),
      ...runs,
    ];
    const t = settledActions(after, 0);
    assert.equal(t.done.size + t.permanent.size + t.sentTo.size, 0);
  });
});

/** The project file's `segments:` and `measures:` sections: paths in errors, cycles, order. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseProject, readProjectFile } from '../src/cli/project.file.js';

const parse = (yaml: string) => parseProject(yaml, '/tmp', 'p.yaml');

void describe('project file: segments and measures', () => {
  void it('parses the demo project and orders segments after the segments they read', () => {
    const p = readProjectFile('examples/demo-project.yaml');
    assert.ok(p.ok, p.ok ? '' : p.error.message);
    const names = p.value.segments.map((s) => s.name);
    assert.ok(names.length >= 10 && p.value.measures.length >= 5);
    assert.ok(names.indexOf('HighValue') < names.indexOf('VipLondon'));
    const reordered = parse(`segments:
  - { name: b, rule: { inSegment: a } }
  - { name: a, rule: { attribute: City, op: exists } }`);
    assert.ok(reordered.ok);
    assert.deepEqual(
      reordered.value.segments.map((s) => s.name),
      ['a', 'b'],
    );
    assert.deepEqual(reordered.value.order.segments, ['b', 'a']);
  });

  void it('names the path of a bad node, a cycle, a duplicate and an unknown aggregation', () => {
    const cases: [string, string][] = [
      [
        `segments:\n  - { name: a, rule: { and: [{ attribute: City, op: eq, value: X }, { attribute: City, op: in, value: [] }] } }`,
        '/segments/0/rule/and/1/value',
      ],
      [
        `segments:\n  - { name: a, rule: { inSegment: b } }\n  - { name: b, rule: { not: { inSegment: a } } }`,
        '/segments/0/rule/inSegment',
      ],
      [
        `segments:\n  - { name: a, rule: { attribute: City, op: exists } }\n  - { name: a, rule: { attribute: City, op: exists } }`,
        '/segments/1/name',
      ],
      [
        `measures:\n  - { name: m, aggregate: median, expression: Amount }`,
        '/measures/0/aggregate',
      ],
      [
        `measures:\n  - { name: m, aggregate: sum, perCustomer: true, dimensions: [Channel], expression: Amount }`,
        '/measures/0/dimensions',
      ],
    ];
    for (const [yaml, field] of cases) {
      const r = parse(yaml);
      assert.equal(r.ok, false, yaml);
      if (!r.ok) {
        assert.equal(r.error.field, field, r.error.message);
        assert.ok(r.error.message.startsWith(`p.yaml: ${field}: `), r.error.message);
      }
    }
  });
});

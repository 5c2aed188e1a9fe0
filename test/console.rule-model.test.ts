/**
 * The console's rule-builder model (web/src/components/rule.model.ts): which segment rules the form
 * can edit without losing anything, edits by path, and typed values from text boxes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  childrenOf,
  fitsForm,
  parseValue,
  replaceAt,
  type Path,
  type RuleNode,
} from '../web/src/components/rule.model.js';

const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean());
const leaf: fc.Arbitrary<RuleNode> = fc.oneof(
  fc.record({
    attribute: fc.constantFrom('City', 'Email', 'LoyaltyPoints'),
    op: fc.constantFrom('eq', 'ne', 'ge', 'contains'),
    value: scalar,
  }),
  fc.record({
    attribute: fc.constant('City'),
    op: fc.constant('in'),
    value: fc.array(scalar, { minLength: 1 }),
  }),
  fc.record(
    {
      activity: fc.constantFrom('Purchase', 'Refund'),
      aggregate: fc.constantFrom('count', 'sum'),
      op: fc.constantFrom('ge', 'lt'),
      value: fc.integer({ min: 0, max: 10 }),
      within: fc.record({
        last: fc.integer({ min: 1, max: 90 }),
        unit: fc.constantFrom('day', 'month'),
      }),
    },
    { requiredKeys: ['activity', 'op', 'value'] },
  ),
  fc.record({ measure: fc.constant('LifetimeValue'), op: fc.constant('ge'), value: fc.integer() }),
  fc.record({ inSegment: fc.constantFrom('HighValue', 'Reachable') }),
);

/** Trees in the form's language: and/or groups, each child possibly negated once. */
const formTree: fc.Arbitrary<RuleNode> = fc.letrec<{ node: RuleNode; group: RuleNode }>((tie) => ({
  group: fc
    .tuple(fc.constantFrom('and', 'or'), fc.array(tie('node'), { maxLength: 4 }))
    .map(([k, kids]) => ({ [k]: kids })),
  node: fc
    .tuple(fc.boolean(), fc.oneof({ depthSize: 'small' }, leaf, tie('group')))
    .map(([not, n]) => (not ? { not: n } : n)),
})).group;

/** Every path in a tree that the builder addresses (children of groups, through a `not`). */
function paths(node: RuleNode, prefix: Path = []): Path[] {
  const inner = 'not' in node ? (node.not as RuleNode) : node;
  if (!('and' in inner || 'or' in inner)) return [];
  return childrenOf(inner).flatMap((kid, i) => [
    [...prefix, i],
    ...paths(kid as RuleNode, [...prefix, i]),
  ]);
}

function nodeAt(root: RuleNode, path: Path): RuleNode {
  return path.reduce<RuleNode>((n, i) => {
    const inner = 'not' in n ? (n.not as RuleNode) : n;
    return childrenOf(inner)[i] as RuleNode;
  }, root);
}

function countNodes(node: RuleNode): number {
  return 1 + paths(node).length;
}

void describe('console rule builder model', () => {
  void it('accepts every tree of the form language', () => {
    fc.assert(fc.property(formTree, (tree) => fitsForm(tree)));
  });

  void it('sends set operators, relative dates, filters and double negation to the JSON editor', () => {
    assert.equal(fitsForm({ union: [{ inSegment: 'A' }, { inSegment: 'B' }] }), false);
    assert.equal(
      fitsForm({ attribute: 'SignupDate', op: 'gt', value: { ago: 6, unit: 'month' } }),
      false,
    );
    assert.equal(
      fitsForm({
        activity: 'Purchase',
        op: 'ge',
        value: 1,
        where: [{ attribute: 'Channel', op: 'eq', value: 'web' }],
      }),
      false,
    );
    assert.equal(
      fitsForm({ activity: 'Purchase', aggregate: 'last', op: 'lt', value: '2026-01-01' }),
      false,
    );
    assert.equal(fitsForm({ not: { not: { inSegment: 'A' } } }), false);
    assert.equal(fitsForm({ and: [{ attribute: 'City', op: 'within', value: 'x' }] }), false);
  });

  void it('replacing a node by itself changes nothing; removing it drops exactly its subtree', () => {
    const withPath = formTree.chain((tree): fc.Arbitrary<{ tree: RuleNode; path: Path | null }> => {
      const ps = paths(tree);
      return ps.length === 0
        ? fc.constant({ tree, path: null })
        : fc.constantFrom(...ps).map((path) => ({ tree, path }));
    });
    fc.assert(
      fc.property(withPath, ({ tree, path }) => {
        if (path === null) return;
        const node = nodeAt(tree, path);
        assert.deepEqual(replaceAt(tree, path, node), tree);
        const removed = replaceAt(tree, path, null);
        assert.equal(countNodes(removed), countNodes(tree) - countNodes(node));
        assert.ok(fitsForm(removed));
      }),
    );
  });

  void it('edits inside a negated group keep the negation', () => {
    const tree = { and: [{ not: { or: [{ inSegment: 'A' }, { inSegment: 'B' }] } }] };
    assert.deepEqual(replaceAt(tree, [0, 1], { inSegment: 'C' }), {
      and: [{ not: { or: [{ inSegment: 'A' }, { inSegment: 'C' }] } }],
    });
  });

  void it('types values by the column: numbers, booleans, text, lists for "in"', () => {
    assert.equal(parseValue('1000', 'ge', 'BIGINT'), 1000);
    assert.equal(parseValue('20012', 'eq', 'VARCHAR'), '20012');
    assert.equal(parseValue('true', 'eq', 'BOOLEAN'), true);
    assert.deepEqual(parseValue('gold, platinum', 'in', 'VARCHAR'), ['gold', 'platinum']);
    assert.deepEqual(parseValue('1, 2,', 'in', 'INTEGER'), [1, 2]);
    // A half-typed number stays text, so the server names the node instead of the form guessing.
    assert.equal(parseValue('12a', 'ge', 'DOUBLE'), '12a');
  });
});

import { fc, it as itProp } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatPath } from '../src/errors.js';
import { lintConnectionRules } from '../src/rules/lint.js';
import { loadConnectionRules } from '../src/rules/load-rules.js';
import { createRouter } from '../src/routing/router.js';
import { connectionRulesArbitrary, routingFactsArbitrary } from '../src/testing/arbitraries/routing.js';

const target = { type: 'agent', params: { agent: 'a' } };
const rule = (name: string, conditions: unknown, priority = 1) => ({ name, priority, conditions, event: target });
const lines = (json: unknown) => lintConnectionRules(json).map((f) => `${formatPath(f.path)} ${f.code}: ${f.message}`);

describe('lintConnectionRules', () => {
  it('finds impossible conditions, shadowed rules and an unreachable default', () => {
    const json = {
      rules: [
        rule('voice', { all: [{ fact: 'channel', operator: 'equal', value: 'voice' }] }, 5),
        rule('voice-vip', { all: [{ fact: 'channel', operator: 'equal', value: 'voice' }, { fact: 'tier', operator: 'exists' }] }, 5),
        rule('voice-and-chat', { all: [{ fact: 'channel', operator: 'equal', value: 'voice' }, { fact: 'channel', operator: 'equal', value: 'chat' }] }),
        rule('dead-branch', {
          any: [
            { fact: 'score', operator: 'lessThan', value: 5 },
            { all: [{ fact: 'score', operator: 'greaterThan', value: 10 }, { fact: 'score', operator: 'lessThan', value: 3 }] },
          ],
        }),
        rule('low-score', { all: [{ fact: 'score', operator: 'lessThan', value: 2 }] }),
        rule('gold', { all: [{ fact: 'customer', path: '$.tier', operator: 'in', value: ['gold'] }] }, 9),
        rule('gold-or-nothing', { any: [{ fact: 'customer', path: "$['tier']", operator: 'equal', value: 'gold' }, { fact: 'q', operator: 'in', value: [] }] }, 8),
        rule('has-memo', { not: { fact: 'memo', operator: 'notExists' } }),
        rule('memo-a', { all: [{ fact: 'memo', operator: 'exists' }, { fact: 'memo', path: '$.a', operator: 'equal', value: 1 }] }),
        rule('always', { all: [] }),
        rule('after-always', { all: [{ fact: 'k', operator: 'equal', value: 1 }] }),
      ],
      default: target,
    };
    expect(lines(json)).toMatchInlineSnapshot(`
      [
        "$.default default-unreachable: The default can never be used: rule "always" ($.rules[9]) always holds",
        "$.rules[1] shadowed: Rule "voice-vip" can never win: whenever it holds, rule "voice" ($.rules[0]) holds too and comes earlier in the file with the same priority",
        "$.rules[2].conditions never-holds: The conditions of rule "voice-and-chat" can never hold: no single value satisfies these conditions together ($.rules[2].conditions.all[0], $.rules[2].conditions.all[1])",
        "$.rules[3].conditions.any[1] never-holds: This condition can never hold: the numeric bounds leave no number ($.rules[3].conditions.any[1].all[0], $.rules[3].conditions.any[1].all[1])",
        "$.rules[4] shadowed: Rule "low-score" can never win: whenever it holds, rule "dead-branch" ($.rules[3]) holds too and comes earlier in the file with the same priority",
        "$.rules[6] shadowed: Rule "gold-or-nothing" can never win: whenever it holds, rule "gold" ($.rules[5]) holds too and has a higher priority (9 > 8)",
        "$.rules[6].conditions.any[1] never-holds: This condition can never hold: "in" an empty list never holds ($.rules[6].conditions.any[1])",
        "$.rules[8] shadowed: Rule "memo-a" can never win: whenever it holds, rule "has-memo" ($.rules[7]) holds too and comes earlier in the file with the same priority",
        "$.rules[10] shadowed: Rule "after-always" can never win: whenever it holds, rule "always" ($.rules[9]) holds too and comes earlier in the file with the same priority",
      ]
    `);
  });

  it('reports nothing it cannot prove, and misses what needs reasoning across paths', () => {
    const json = {
      rules: [
        rule('gold-tier', { all: [{ fact: 'customer', path: '$.tier', operator: 'equal', value: 'gold' }] }),
        // Truly never wins: a customer that is the string "gold" is seen as "gold" through any
        // path (json-rules-engine follows paths only into objects). The linter reasons per path,
        // so it does not see this one: a miss, never a false finding.
        rule('gold-string', { all: [{ fact: 'customer', operator: 'equal', value: 'gold' }] }),
        // contains and doesNotContain are both false on a non-array, so their negations hold together.
        rule('not-an-array', { all: [{ not: { fact: 'tags', operator: 'contains', value: 'a' } }, { not: { fact: 'tags', operator: 'doesNotContain', value: 'a' } }] }),
        rule('two-paths', { all: [{ fact: 'c', path: '$.a', operator: 'equal', value: 1 }, { fact: 'c', path: '$.b', operator: 'equal', value: 2 }] }),
        // "3" passes greaterThan 1 but is not equal to 3: this is not shadowed by "range".
        rule('range', { all: [{ fact: 's', operator: 'greaterThan', value: 1 }] }, 2),
        rule('text-three', { all: [{ fact: 's', operator: 'in', value: ['3', 'x'] }] }),
      ],
      default: target,
    };
    expect(lintConnectionRules(json)).toEqual([]);
  });

  it('reports schema errors as findings with their paths', () => {
    expect(lines({ rules: [rule('a', { all: [{ fact: 'x', operator: 'is', value: 1 }] })], default: target })).toMatchInlineSnapshot(`
      [
        "$.rules[0].conditions.all[0].operator invalid-rules: Unknown operator "is": expected one of equal, notEqual, in, notIn, contains, doesNotContain, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive, exists, notExists",
      ]
    `);
  });

  // Soundness: whatever the linter reports must be true of every decision. Random facts try to
  // catch a rule reported as never holding while it holds, or as shadowed while it wins.
  itProp.prop([connectionRulesArbitrary({ dynamicFacts: false, maxRules: 6 }), fc.array(routingFactsArbitrary({ dynamicFacts: false }), { minLength: 20, maxLength: 20 })])(
    'never reports a finding that a decision contradicts',
    async (json, factsList) => {
      const findings = lintConnectionRules(json);
      const rules = loadConnectionRules(json);
      const router = createRouter(rules);
      const neverHolds = new Set(findings.filter((f) => f.code === 'never-holds' && f.path.length === 3).map((f) => f.path[1]));
      const neverWins = new Set(findings.filter((f) => f.code === 'shadowed').map((f) => f.path[1]));
      const defaultUnreachable = findings.some((f) => f.code === 'default-unreachable');
      for (const facts of factsList) {
        const explanation = await router.explain(facts);
        for (const r of explanation.rules) {
          if (neverHolds.has(r.index)) expect(r.held).toBe(false);
          if (neverWins.has(r.index)) expect(r.outcome).not.toBe('won');
        }
        if (defaultUnreachable) expect(explanation.decision.rule).not.toBeNull();
      }
    },
  );
});

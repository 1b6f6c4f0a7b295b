import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConnectionRulesJson } from '../src/rules/rule-schema.js';
import { loadConnectionRules } from '../src/rules/load-rules.js';
import { createRouter } from '../src/routing/router.js';
import {
  assertAgreesWithJsonRulesEngine,
  assertEveryRuleCanWin,
  assertTotal,
  checkAgreesWithJsonRulesEngine,
  checkTotal,
  factsFor,
  findWitnesses,
  RoutingPropertyError,
  type MissingWitness,
  type WitnessReport,
} from '../src/testing/index.js';
import { connectionRulesArbitrary } from '../src/testing/arbitraries/routing.js';
import { factModel } from '../src/testing/fact-model.js';
import { conditionHolds } from '../src/testing/goals.js';

const defaultRules = loadConnectionRules(JSON.parse(readFileSync(new URL('../rules/default.json', import.meta.url), 'utf8')));

const queue = (name: string) => ({ type: 'agentTransfer', params: { queue: name } }) as const;

/** A user-style rule set that uses every operator, paths of each kind, and nested all / any / not. */
const storeRules: ConnectionRulesJson = {
  rules: [
    { name: 'blocked-user', priority: 5, conditions: { all: [{ fact: 'customer', path: '$.flags', operator: 'contains', value: 'blocked' }] }, event: { type: 'workflow', params: { workflow: 'blocked' } } },
    {
      name: 'big-refund',
      priority: 3,
      conditions: { all: [{ fact: 'parameters', path: '$.intent', operator: 'equal', value: 'refund' }, { fact: 'parameters', path: '$.amount', operator: 'greaterThan', value: 500 }] },
      event: queue('refunds-senior'),
    },
    {
      name: 'small-refund',
      priority: 2,
      conditions: { all: [{ fact: 'parameters', path: '$.intent', operator: 'equal', value: 'refund' }, { fact: 'parameters', path: '$.amount', operator: 'lessThanInclusive', value: 500 }] },
      event: queue('refunds'),
    },
    {
      name: 'not-english',
      conditions: { not: { any: [{ fact: 'language', operator: 'in', value: ['en', 'en-GB'] }, { fact: 'language', operator: 'notExists' }] } },
      event: { type: 'agent', params: { agent: 'translator' } },
    },
    {
      name: 'urgent-first',
      conditions: { all: [{ fact: 'tags', path: '$[0]', operator: 'equal', value: 'urgent' }, { fact: 'tags', operator: 'doesNotContain', value: 'spam' }] },
      event: queue('urgent'),
    },
    {
      name: 'partner',
      conditions: { all: [{ fact: 'customer', path: "$['partner-id']", operator: 'exists' }, { fact: 'customer', path: '$.tier', operator: 'notIn', value: ['free'] }] },
      event: queue('partners'),
    },
    {
      name: 'extreme-score',
      conditions: { any: [{ fact: 'score', operator: 'lessThan', value: 0.2 }, { fact: 'score', operator: 'greaterThanInclusive', value: 0.9 }] },
      event: queue('review'),
    },
    {
      name: 'open-and-not-chat',
      conditions: { all: [{ fact: 'channel', operator: 'notEqual', value: 'chat' }, { fact: 'withinBusinessHours', operator: 'equal', value: true }] },
      event: queue('phone'),
    },
  ],
  default: queue('general'),
};

/** "refund" can never win: "billing" holds whenever it does, with the same priority, earlier in the file. */
const shadowedRules: ConnectionRulesJson = {
  rules: [
    { name: 'billing', conditions: { all: [{ fact: 'intent', operator: 'in', value: ['billing', 'refund'] }] }, event: queue('billing') },
    { name: 'refund', conditions: { all: [{ fact: 'intent', operator: 'equal', value: 'refund' }] }, event: queue('refunds') },
    { name: 'voice', conditions: { all: [{ fact: 'channel', operator: 'equal', value: 'voice' }] }, event: queue('voice') },
  ],
  default: queue('general'),
};

async function decisionsOf(rules: ConnectionRulesJson | typeof defaultRules, facts: readonly Record<string, unknown>[]): Promise<Map<string | null, number>> {
  const router = createRouter(loadConnectionRules(rules));
  const counts = new Map<string | null, number>();
  for (const f of facts) {
    const { rule } = await router.route(f);
    counts.set(rule, (counts.get(rule) ?? 0) + 1);
  }
  return counts;
}

describe('factsFor', () => {
  it('reaches every rule of the default set and the default', async () => {
    const counts = await decisionsOf(defaultRules, fc.sample(factsFor(defaultRules), { numRuns: 300, seed: 1 }));
    expect([...counts.keys()].sort()).toEqual([...defaultRules.rules.map((r) => r.name), null].sort());
  });

  it('aims at one winner when asked, through paths, every operator and nested all / any / not', async () => {
    const rules = loadConnectionRules(storeRules);
    for (const winner of [...rules.rules.map((r) => r.name), null]) {
      const counts = await decisionsOf(rules, fc.sample(factsFor(rules, { winner }), { numRuns: 40, seed: 2 }));
      expect({ winner, hits: counts.get(winner) ?? 0 }).toEqual({ winner, hits: 40 });
    }
  });

  it('mixes in noise: missing facts, values of the wrong type, unknown facts', () => {
    const samples = fc.sample(factsFor(defaultRules), { numRuns: 300, seed: 3 });
    expect(samples.some((f) => !('reason' in f))).toBe(true);
    expect(samples.some((f) => 'channel' in f && typeof f.channel !== 'string')).toBe(true);
    expect(samples.some((f) => 'parameters' in f && (typeof f.parameters !== 'object' || Array.isArray(f.parameters)))).toBe(true);
    expect(samples.some((f) => 'unknownFact' in f)).toBe(true);
  });

  it('leaves the dynamic facts to the router when asked', () => {
    const samples = fc.sample(factsFor(defaultRules, { dynamicFacts: 'host' }), { numRuns: 100, seed: 4 });
    expect(samples.some((f) => 'withinBusinessHours' in f || 'agentsAvailable' in f)).toBe(false);
  });

  it('refuses a winner the rule set does not have, naming the rules', () => {
    expect(() => factsFor(shadowedRules, { winner: 'refunds' })).toThrow('factsFor: no rule named "refunds"; the rules are "billing", "refund", "voice"');
  });

  it('validates a rule set written as JSON', () => {
    expect(() => factsFor({ rules: [], default: { type: 'nowhere' } } as unknown as ConnectionRulesJson)).toThrow(expect.objectContaining({ code: 'INVALID_RULES' }));
  });
});

describe('findWitnesses and assertEveryRuleCanWin', () => {
  it('finds a shrunk witness for every rule of the default set, each one a win', async () => {
    const report = await assertEveryRuleCanWin(defaultRules, { seed: 5, numRuns: 50, includeDefault: true });
    const router = createRouter(defaultRules);
    for (const entry of report.rules) {
      if (!entry.found) throw new Error(entry.message);
      expect((await router.route(entry.facts)).rule).toBe(entry.rule);
      expect(entry.explanation.decision.rule).toBe(entry.rule);
    }
    const vip = report.rules.find((r) => r.rule === 'vip-voice');
    expect(vip?.found === true && vip.facts).toEqual({ channel: 'voice', parameters: { customerTier: 'gold' } });
    expect(report.default).toMatchObject({ found: true, facts: {} });
  });

  it('finds witnesses for every rule of a rule set with every operator and nesting', async () => {
    const report = await findWitnesses(storeRules, { seed: 6, numRuns: 50 });
    expect(report.rules.filter((r) => !r.found).map((r) => r.rule)).toEqual([]);
  });

  it('throws naming the rule that shadows another, with the linter proof and an example', async () => {
    const error = await assertEveryRuleCanWin(shadowedRules, { seed: 7, numRuns: 30 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RoutingPropertyError);
    const { message, report } = error as RoutingPropertyError<WitnessReport>;
    // The router's and the linter's own sentences are pinned by their tests; here only that they are quoted.
    const lines = message.split('\n');
    const quoted = (line: string): boolean => line.includes('The linter proves it:') || line.includes('The router explains:');
    expect(lines.filter((line) => !quoted(line)).join('\n')).toMatchInlineSnapshot(`
      "1 of 3 rule(s) never won:
      - "refund" (rules[1]) never won: no witness found in 20 runs (seed 7).
        It is shadowed by "billing" (rules[0]), which has the same priority (1) and comes earlier in the file: in all 10 runs where its conditions held, "billing" held too.
        Example facts: {"intent":"refund"}
      Replay with { seed: 7, numRuns: 30 }."
    `);
    expect(lines.find((line) => line.includes('The router explains:'))).toMatch(/^ {2}The router explains: Held, but "billing"/);
    expect(lines.find((line) => line.includes('The linter proves it:'))).toMatch(/^ {2}The linter proves it: Rule "refund" can never win: whenever it holds, rule "billing"/);
    const refund = report.rules[1] as MissingWitness;
    expect(refund).toMatchObject({ found: false, shadowedBy: 'billing', heldRuns: 10, outrankedBy: [{ rule: 'billing', count: 10 }] });
    expect(report.rules.filter((r) => r.found).map((r) => r.rule)).toEqual(['billing', 'voice']);
  });

  it('says when a rule loses to several rules, without claiming one shadows it', async () => {
    const rules: ConnectionRulesJson = {
      rules: [
        { name: 'one', priority: 2, conditions: { all: [{ fact: 'x', operator: 'equal', value: 1 }] }, event: queue('one') },
        { name: 'not-one', priority: 2, conditions: { all: [{ fact: 'x', operator: 'notEqual', value: 1 }] }, event: queue('other') },
        { name: 'y', conditions: { all: [{ fact: 'y', operator: 'equal', value: true }] }, event: queue('y') },
      ],
      default: queue('general'),
    };
    const report = await findWitnesses(rules, { seed: 8, numRuns: 40 });
    const y = report.rules[2] as MissingWitness;
    // The linter cannot prove this one (it takes two rules together), so the search runs in full.
    expect(y).toMatchObject({ found: false, runs: 80, heldRuns: 40 });
    expect(y.proof).toBeUndefined();
    expect(y.shadowedBy).toBeNull();
    expect(y.outrankedBy.map((w) => w.rule).sort()).toEqual(['not-one', 'one']);
    expect(y.message).toContain('No single rule held in all of them');
    expect(report.default.found).toBe(false);
  });

  it('requires the default to be reachable only when asked', async () => {
    const rules: ConnectionRulesJson = {
      rules: [{ name: 'everyone', conditions: { all: [] }, event: queue('general') }],
      default: queue('never-used'),
    };
    const report = await assertEveryRuleCanWin(rules, { seed: 10, numRuns: 20 });
    expect(report.default).toMatchObject({ found: false, runs: 20, proof: expect.stringContaining('"everyone"') as unknown });
    await expect(assertEveryRuleCanWin(rules, { seed: 10, numRuns: 20, includeDefault: true })).rejects.toThrow(
      /^Every rule can win, but the default was never reached: some rule held in each of the 20 runs aimed at it\. The linter proves it: .*\nReplay with \{ seed: 10, numRuns: 20 \}\.$/,
    );
  });

  it('says when a rule never held, as a bounded finding', async () => {
    const rules: ConnectionRulesJson = {
      rules: [{ name: 'both', conditions: { all: [{ fact: 'channel', operator: 'equal', value: 'voice' }, { fact: 'channel', operator: 'equal', value: 'chat' }] }, event: queue('x') }],
      default: queue('general'),
    };
    const report = await findWitnesses(rules, { seed: 9, numRuns: 20 });
    const both = report.rules[0] as MissingWitness;
    expect(both).toMatchObject({ found: false, heldRuns: 0, shadowedBy: null, runs: 20 });
    // The linter proves it, so the search is short: 10 runs aimed at a win, 10 at the conditions.
    expect(both.message).toContain('"both" (rules[0]) never won: no witness found in 20 runs (seed 9).');
    expect(both.message).toContain('Its conditions never held in 10 runs aimed at them');
    expect(both.proof).toMatch(/can never hold/);
  });
});

describe('checkTotal and assertTotal', () => {
  it('passes on the default set and counts which outcomes the runs reached', async () => {
    const report = await assertTotal(defaultRules, { seed: 10, numRuns: 150 });
    expect(report.ok).toBe(true);
    expect(report.decisions.map((d) => d.rule)).toEqual([...defaultRules.rules.map((r) => r.name), null]);
    expect(report.decisions.every((d) => d.count > 0)).toBe(true);
    expect(report.decisions.reduce((sum, d) => sum + d.count, 0)).toBe(150);
  });

  it('fails when routing throws, naming the error and the facts, with the seed to replay', async () => {
    const options = {
      seed: 11,
      numRuns: 50,
      router: {
        agentsAvailable: () => {
          throw new Error('desk offline');
        },
      },
    };
    const report = await checkTotal(defaultRules, options);
    expect(report.ok).toBe(false);
    expect(report.counterexample?.problem).toContain('route threw ADAPTER_FAILED');
    expect(report.counterexample?.facts).not.toHaveProperty('agentsAvailable');
    await expect(assertTotal(defaultRules, options)).rejects.toThrow(/The rule set is not total: after \d+ run\(s\), route threw ADAPTER_FAILED: The agentsAvailable function failed .*desk offline[^]*Facts: [^]*Replay with \{ seed: 11, path: "[\d:]+" \}/);
  });
});

describe('checkAgreesWithJsonRulesEngine and assertAgreesWithJsonRulesEngine', () => {
  it('passes on the default set and on the store rules', async () => {
    await assertAgreesWithJsonRulesEngine(defaultRules, { seed: 12, numRuns: 100 });
    await assertAgreesWithJsonRulesEngine(storeRules, { seed: 12, numRuns: 100 });
  });

  it('passes on random rule sets', async () => {
    const sets = fc.sample(connectionRulesArbitrary({ dynamicFacts: false }), { numRuns: 10, seed: 13 });
    for (const rules of sets) expect((await checkAgreesWithJsonRulesEngine(rules, { seed: 13, numRuns: 30 })).ok).toBe(true);
  });
});

describe('conditionHolds (which rules hold, read off the facts when no host computes dynamic facts)', () => {
  // findWitnesses reports shadowing from it instead of asking the router's explain, so the two must agree.
  it('agrees with the router’s explain on the default set, the store rules and random rule sets', async () => {
    const sets = [defaultRules, storeRules, ...fc.sample(connectionRulesArbitrary({ dynamicFacts: false }), { numRuns: 10, seed: 14 })].map((json) => loadConnectionRules(json));
    for (const rules of sets) {
      const router = createRouter(rules);
      const model = factModel(rules);
      await fc.assert(
        fc.asyncProperty(factsFor(rules), async (facts) => {
          const explained = (await router.explain(facts)).rules.map((r) => r.held);
          expect(rules.rules.map((rule) => conditionHolds(model, rule.conditions, facts))).toEqual(explained);
        }),
        { seed: 14, numRuns: 200 },
      );
    }
  });
});

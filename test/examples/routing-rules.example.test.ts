// A worked example: property tests for routing rules, written the way a user of the library writes
// them. It imports only the public entry points, `agent-handoff` and `agent-handoff/testing`
// (resolved through the package's `exports`, so it runs the built `dist/`).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRouter, defaultHandoffConfig, isHandoffError, loadConnectionRules } from 'agent-handoff';
import {
  assertAgreesWithJsonRulesEngine,
  assertEveryRuleCanWin,
  assertTotal,
  factsFor,
  findWitnesses,
  handoffPayloadFor,
  RoutingPropertyError,
  type RulesInput,
} from 'agent-handoff/testing';

// The rule file as it ships: parsed JSON is enough, the helpers validate it.
const defaultRules = JSON.parse(readFileSync(new URL('../../rules/default.json', import.meta.url), 'utf8')) as RulesInput;

// A small rule set of a support desk's own, rule by rule.
type Rule = RulesInput['rules'][number];

const fraud: Rule = {
  name: 'fraud',
  priority: 10,
  conditions: {
    any: [
      { fact: 'parameters', path: '$.intent', operator: 'equal', value: 'fraud' },
      { fact: 'parameters', path: '$.tags', operator: 'contains', value: 'stolen-card' },
    ],
  },
  event: { type: 'agentTransfer', params: { queue: 'fraud', priority: 0 } },
};

const largeRefund: Rule = {
  name: 'large-refund',
  priority: 5,
  conditions: {
    all: [
      { fact: 'parameters', path: '$.intent', operator: 'equal', value: 'refund' },
      { fact: 'parameters', path: '$.amount', operator: 'greaterThan', value: 1000 },
    ],
  },
  event: { type: 'agentTransfer', params: { queue: 'refunds', skills: ['senior'] } },
};

const refund: Rule = {
  name: 'refund',
  priority: 5,
  conditions: { all: [{ fact: 'parameters', path: '$.intent', operator: 'equal', value: 'refund' }] },
  event: { type: 'agentTransfer', params: { queue: 'refunds' } },
};

const german: Rule = {
  name: 'german',
  conditions: { all: [{ fact: 'language', operator: 'equal', value: 'de' }, { not: { all: [{ fact: 'channel', operator: 'equal', value: 'voice' }] } }] },
  event: { type: 'agent', params: { agent: 'german-assistant' } },
};

const supportDesk: RulesInput = {
  name: 'support desk',
  rules: [fraud, largeRefund, refund, german],
  default: { type: 'agentTransfer', params: { queue: 'general' } },
};

describe('rules/default.json', () => {
  it('routes every facts object to exactly one target', async () => {
    await assertTotal(defaultRules, { numRuns: 200 });
  });

  it('lets every rule win', async () => {
    await assertEveryRuleCanWin(defaultRules);
  });

  it('decides exactly as json-rules-engine does', async () => {
    await assertAgreesWithJsonRulesEngine(defaultRules, { numRuns: 200 });
  });

  it('never sends a refund request to the general queue, on payloads valid under our config', async () => {
    // A payload is the facts object the router decides on.
    const router = createRouter(loadConnectionRules(defaultRules));
    await fc.assert(
      fc.asyncProperty(handoffPayloadFor(defaultHandoffConfig()), async (payload) => {
        const { target } = await router.route(payload);
        if (payload.parameters.intent === 'refund') expect(target).not.toMatchObject({ params: { queue: 'general' } });
      }),
      { numRuns: 200 },
    );
  });
});

describe('a support desk rule set', () => {
  it('passes all three properties', async () => {
    await assertTotal(supportDesk);
    await assertEveryRuleCanWin(supportDesk, { includeDefault: true });
    await assertAgreesWithJsonRulesEngine(supportDesk);
  });

  it('shows a witness for each rule: the smallest facts on which it wins', async () => {
    const report = await findWitnesses(supportDesk, { seed: 42 });
    expect(report.rules.map((entry) => [entry.rule, entry.found ? entry.facts : entry.message])).toEqual([
      ['fraud', { parameters: { intent: 'fraud' } }],
      ['large-refund', { parameters: { intent: 'refund', amount: 1001 } }],
      ['refund', { parameters: { intent: 'refund' } }],
      ['german', { language: 'de' }],
    ]);
  });

  it('generates facts aimed at one rule, for properties of your own', () => {
    fc.assert(
      fc.property(factsFor(supportDesk, { winner: 'large-refund' }), (facts) => {
        // Facts aimed at `large-refund` carry a refund intent and an amount above 1000.
        const parameters = facts.parameters as { intent?: unknown; amount?: unknown };
        expect(parameters.intent).toBe('refund');
        expect(Number(parameters.amount)).toBeGreaterThan(1000);
      }),
      { numRuns: 50 },
    );
  });

  it('catches a rule that can never win, and names the rule that shadows it', async () => {
    // The catch-all refund rule moved above the large refunds: large refunds now go to the plain queue.
    const reordered: RulesInput = { ...supportDesk, rules: [fraud, refund, largeRefund, german] };
    const failure = await assertEveryRuleCanWin(reordered).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RoutingPropertyError);
    expect(String(failure)).toMatch(/"large-refund" \(rules\[2\]\) never won[^]*It is shadowed by "refund" \(rules\[1\]\)/);
  });

  it('rejects an invalid rule file before generating anything', () => {
    const broken = { ...supportDesk, rules: [{ ...fraud, conditions: { all: [{ fact: 'channel', operator: 'startsWith', value: 'v' }] } }] };
    let caught: unknown;
    try {
      factsFor(broken as unknown as RulesInput);
    } catch (error) {
      caught = error;
    }
    expect(isHandoffError(caught, 'INVALID_RULES')).toBe(true);
  });
});

import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { ConnectionRulesJson } from '../src/rules/rule-schema.js';
import { assertAgreesWithJsonRulesEngine, checkAgreesWithJsonRulesEngine, RoutingPropertyError } from '../src/testing/index.js';

// The router and json-rules-engine agree (the other suites prove it), so to see the check fail,
// json-rules-engine run directly is replaced by one that always picks the default.
vi.mock('../src/routing/json-rules-engine.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/routing/json-rules-engine.js')>();
  return {
    ...original,
    jsonRulesEngineReference: (rules: Parameters<typeof original.jsonRulesEngineReference>[0]) => ({
      decide: () => Promise.resolve({ target: rules.default, rule: null }),
    }),
  };
});

const rules: ConnectionRulesJson = {
  rules: [{ name: 'voice', conditions: { all: [{ fact: 'channel', operator: 'equal', value: 'voice' }] }, event: { type: 'agentTransfer', params: { queue: 'voice' } } }],
  default: { type: 'agentTransfer', params: { queue: 'general' } },
};

describe('checkAgreesWithJsonRulesEngine when json-rules-engine decides otherwise', () => {
  it('reports the shrunk facts, both decisions and the explanation', async () => {
    const report = await checkAgreesWithJsonRulesEngine(rules, { seed: 1, numRuns: 50 });
    expect(report.ok).toBe(false);
    expect(report.counterexample).toMatchObject({
      facts: { channel: 'voice' },
      problem: 'the router chose "voice" (rules[0]), json-rules-engine chose the default',
      router: { rule: 'voice' },
      jsonRulesEngine: { rule: null },
    });
    expect(report.counterexample?.explanation?.why).toBe('Rule "voice" won (priority 1, $.rules[0]).');
  });

  it('throws a readable RoutingPropertyError with the seed and path to replay', async () => {
    const error = await assertAgreesWithJsonRulesEngine(rules, { seed: 1, numRuns: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoutingPropertyError);
    expect((error as Error).message).toMatch(
      /^The router disagrees with json-rules-engine: after \d+ run\(s\), the router chose "voice" \(rules\[0\]\), json-rules-engine chose the default\.\n {2}Facts: \{"channel":"voice"\}\n {2}Explanation: Rule "voice" won \(priority 1, \$\.rules\[0\]\)\.\n {2}Replay with \{ seed: 1, path: "[\d:]+" \}\.$/,
    );
  });

  it('checks the facts it is given', async () => {
    const report = await checkAgreesWithJsonRulesEngine(rules, { seed: 2, numRuns: 20, facts: fc.constant({ channel: 'chat' }) });
    expect(report).toMatchObject({ ok: true, numRuns: 20, seed: 2 });
  });
});

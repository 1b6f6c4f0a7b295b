import { describe, expect, it, vi } from 'vitest';
import type { ConditionOperator } from '../src/rules/operators.js';
import { loadConnectionRules } from '../src/rules/load-rules.js';
import type { ConnectionRules, ConnectionRulesJson, FactCondition } from '../src/rules/rule-schema.js';
import { dynamicFactSources } from '../src/routing/dynamic-fact-sources.js';
import type { ConditionExplanation, RouteExplanation } from '../src/routing/explanation.js';
import { jsonRulesEngineReference } from '../src/routing/json-rules-engine.js';
import { explainWithJsonRulesEngine } from '../src/routing/reference-explanation.js';
import { createRouter } from '../src/routing/router.js';
import { catchHandoffError, rejectedHandoffError } from './support/catch-handoff-error.js';

const queue = (name: string) => ({ type: 'agentTransfer', params: { queue: name } }) as const;

function rules(...list: { name: string; priority?: number; when: FactCondition[] | { any: FactCondition[] } }[]): ConnectionRules {
  const json: ConnectionRulesJson = {
    rules: list.map(({ name, priority, when }) => ({
      name,
      ...(priority === undefined ? {} : { priority }),
      conditions: Array.isArray(when) ? { all: when } : when,
      event: queue(name),
    })),
    default: queue('general'),
  };
  return loadConnectionRules(json);
}

const eq = (fact: string, value: string | number | boolean | null, path?: string): FactCondition =>
  path === undefined ? { fact, operator: 'equal', value } : { fact, path, operator: 'equal', value };

describe('route', () => {
  it('picks the highest priority among the rules that hold, then the first in the file', async () => {
    const router = createRouter(
      rules(
        { name: 'low', when: [eq('channel', 'voice')] },
        { name: 'high-second', priority: 5, when: [eq('channel', 'voice')] },
        { name: 'high-first', priority: 5, when: { any: [eq('channel', 'voice'), eq('reason', 'policy')] } },
        { name: 'highest-but-fails', priority: 9, when: [eq('channel', 'chat')] },
      ),
    );
    expect(await router.route({ channel: 'voice' })).toEqual({ target: { type: 'agentTransfer', params: { queue: 'high-second', priority: 5, waitForAgentSeconds: 30 } }, rule: 'high-second' });
    expect((await router.route({ channel: 'email' })).rule).toBeNull();
    expect((await router.route({ channel: 'email' })).target).toMatchObject({ params: { queue: 'general' } });
  });

  it.each<[ConditionOperator, unknown, boolean]>([
    ['equal', 'x', false],
    ['notEqual', 'x', true],
    ['in', ['x'], false],
    ['notIn', ['x'], true],
    ['contains', 'x', false],
    ['doesNotContain', 'x', false],
    ['lessThan', 1, false],
    ['lessThanInclusive', 1, false],
    ['greaterThan', 1, false],
    ['greaterThanInclusive', 1, false],
    ['exists', undefined, false],
    ['notExists', undefined, true],
  ])('a missing fact is undefined for %s, as in json-rules-engine (holds: %s)', async (operator, value, expected) => {
    const condition = (value === undefined ? { fact: 'missing', operator } : { fact: 'missing', operator, value }) as FactCondition;
    const set = rules({ name: 'r', when: [condition] });
    const holds = (await createRouter(set).route({})).rule === 'r';
    expect(holds).toBe(expected);
    expect((await jsonRulesEngineReference(set).decide({})).rule === 'r').toBe(expected);
    const path = (value === undefined ? { fact: 'present', path: '$.a.b', operator } : { fact: 'present', path: '$.a.b', operator, value }) as FactCondition;
    expect((await createRouter(rules({ name: 'r', when: [path] })).route({ present: { a: {} } })).rule === 'r').toBe(expected);
  });

  it('mirrors json-rules-engine on odd values: numeric strings, non-arrays, a path into a non-object', async () => {
    const router = createRouter(
      rules(
        { name: 'numeric-string', when: [{ fact: 'score', operator: 'greaterThan', value: 2 }] },
        { name: 'contains-on-string', when: [{ fact: 'tags', operator: 'contains', value: 'vip' }] },
        { name: 'path-on-string', when: [eq('customer', 'gold', '$.tier')] },
      ),
    );
    expect((await router.route({ score: '3' })).rule).toBe('numeric-string');
    expect((await router.route({ score: '12abc' })).rule).toBeNull();
    expect((await router.route({ tags: 'vip customer' })).rule).toBeNull();
    // json-rules-engine follows a path only into objects; a string fact is seen as is.
    expect((await router.route({ customer: 'gold' })).rule).toBe('path-on-string');
  });

  it('reads own properties only, never the prototype chain', async () => {
    const router = createRouter(
      rules(
        { name: 'to-string', when: [{ fact: 'toString', operator: 'exists' }] },
        { name: 'constructor', when: [{ fact: 'customer', path: '$.constructor', operator: 'exists' }] },
      ),
    );
    expect((await router.route({ customer: {} })).rule).toBeNull();
    expect((await router.route({ toString: 'given' })).rule).toBe('to-string');
  });

  it.each([null, undefined, 'voice', 42, ['channel']])('rejects %j as facts with INVALID_FACTS, never a crash', async (facts) => {
    const router = createRouter(rules({ name: 'r', when: [eq('channel', 'voice')] }));
    const routed = router.route(facts);
    expect((await rejectedHandoffError(routed)).code).toBe('INVALID_FACTS');
    expect((await rejectedHandoffError(router.explain(facts))).code).toBe('INVALID_FACTS');
  });

  it('reports a fact value that cannot be compared as INVALID_FACTS', async () => {
    const router = createRouter(rules({ name: 'r', when: [{ fact: 'score', operator: 'lessThan', value: 3 }] }));
    const facts = { score: [Object.create(null) as object] };
    expect((await rejectedHandoffError(router.route(facts))).message).toContain('facts must be JSON data');
    expect((await rejectedHandoffError(router.explain(facts))).code).toBe('INVALID_FACTS');
  });

  it('validates rules that did not come from loadConnectionRules', () => {
    const error = catchHandoffError(() => createRouter({ rules: [], default: { type: 'nope' } } as unknown as ConnectionRules));
    expect(error.code).toBe('INVALID_RULES');
  });

  it('never reaches jsonpath-plus: paths are resolved by the library', async () => {
    // jsonpath-plus would index into the string and see "x".
    const router = createRouter(rules({ name: 'r', when: [eq('customer', 'x', '$.tags[0]')] }));
    const explanation = await router.explain({ customer: { tags: 'xyz' } });
    expect(explanation.rules[0]?.conditions.conditions[0]).toMatchObject({ seen: undefined, outcome: 'failed' });
    expect((await router.route({ customer: { tags: 'xyz' } })).rule).toBeNull();
  });
});

describe('explain', () => {
  it('gives every rule its outcome, each condition the value seen, and why the others did not win', async () => {
    const router = createRouter(
      rules(
        { name: 'vip-voice', priority: 10, when: [eq('channel', 'voice'), eq('customer', 'gold', '$.tier')] },
        { name: 'voice', when: [eq('channel', 'voice')] },
        { name: 'voice-or-reason', when: { any: [eq('channel', 'voice'), { fact: 'reason', operator: 'exists' }] } },
      ),
    );
    const explanation = await router.explain({ channel: 'voice', customer: { tier: 'silver' } });
    expect(explanation.decision).toEqual(await router.route({ channel: 'voice', customer: { tier: 'silver' } }));
    const { why, rules: explained } = explanation;
    expect({ why, rules: explained.map((r) => ({ ...r, target: r.target.type })) }).toMatchInlineSnapshot(`
      {
        "rules": [
          {
            "at": "$.rules[0]",
            "conditions": {
              "at": "$.rules[0].conditions",
              "conditions": [
                {
                  "at": "$.rules[0].conditions.all[0]",
                  "expected": "voice",
                  "fact": "channel",
                  "kind": "fact",
                  "operator": "equal",
                  "outcome": "held",
                  "seen": "voice",
                },
                {
                  "at": "$.rules[0].conditions.all[1]",
                  "expected": "gold",
                  "fact": "customer",
                  "kind": "fact",
                  "operator": "equal",
                  "outcome": "failed",
                  "path": "$.tier",
                  "seen": "silver",
                },
              ],
              "kind": "all",
              "outcome": "failed",
            },
            "held": false,
            "index": 0,
            "outcome": "did-not-hold",
            "priority": 10,
            "rule": "vip-voice",
            "target": "agentTransfer",
            "why": "Did not hold: customer $.tier equal "gold" failed, the value was "silver" ($.rules[0].conditions.all[1]).",
          },
          {
            "at": "$.rules[1]",
            "conditions": {
              "at": "$.rules[1].conditions",
              "conditions": [
                {
                  "at": "$.rules[1].conditions.all[0]",
                  "expected": "voice",
                  "fact": "channel",
                  "kind": "fact",
                  "operator": "equal",
                  "outcome": "held",
                  "seen": "voice",
                },
              ],
              "kind": "all",
              "outcome": "held",
            },
            "held": true,
            "index": 1,
            "outcome": "won",
            "priority": 1,
            "rule": "voice",
            "target": "agentTransfer",
            "why": "Won: the first rule that held, in order of priority (1) then position in the file.",
          },
          {
            "at": "$.rules[2]",
            "conditions": {
              "at": "$.rules[2].conditions",
              "conditions": [
                {
                  "at": "$.rules[2].conditions.any[0]",
                  "expected": "voice",
                  "fact": "channel",
                  "kind": "fact",
                  "operator": "equal",
                  "outcome": "held",
                  "seen": "voice",
                },
                {
                  "at": "$.rules[2].conditions.any[1]",
                  "fact": "reason",
                  "kind": "fact",
                  "operator": "exists",
                  "outcome": "failed",
                  "seen": undefined,
                },
              ],
              "kind": "any",
              "outcome": "held",
            },
            "held": true,
            "index": 2,
            "outcome": "outranked",
            "priority": 1,
            "rule": "voice-or-reason",
            "target": "agentTransfer",
            "why": "Held, but "voice" has the same priority (1) and comes earlier in the file.",
          },
        ],
        "why": "Rule "voice" won (priority 1, $.rules[1]).",
      }
    `);
  });
});

describe('explain leaves unevaluated what json-rules-engine leaves unevaluated', () => {
  // json-rules-engine splits an all/any of two or more conditions into priority sets: conditions on
  // given facts first (all of them), then nested all/any/not and dynamic facts the facts do not give,
  // only when the first set has not settled the outcome.
  const json: ConnectionRulesJson = {
    rules: [
      {
        name: 'vip-voice',
        conditions: {
          all: [
            { any: [eq('customer', 'gold', '$.tier'), eq('customer', 'platinum', '$.tier')] },
            eq('channel', 'voice'),
            { fact: 'agentsAvailable', params: { queue: 'vip' }, operator: 'equal', value: true },
            eq('reason', 'user_requested'),
          ],
        },
        event: queue('vip'),
      },
      {
        name: 'policy-or-busy',
        conditions: { any: [{ fact: 'agentsAvailable', params: { queue: 'general' }, operator: 'equal', value: false }, eq('reason', 'policy')] },
        event: queue('message'),
      },
      { name: 'not-chat', conditions: { not: eq('channel', 'chat') }, event: queue('other') },
    ],
    default: queue('general'),
  };
  // One line per condition: where it is, its outcome, and the value it saw when evaluated.
  const lines = (explanation: RouteExplanation): string[] => {
    const out: string[] = [];
    const visit = (c: ConditionExplanation): void => {
      out.push(`${c.at} ${c.outcome}${c.kind === 'fact' && c.outcome !== 'not-evaluated' ? ` saw ${c.seen === undefined ? 'undefined' : JSON.stringify(c.seen)}` : ''}`);
      if (c.kind !== 'fact') c.conditions.forEach(visit);
    };
    for (const rule of explanation.rules) visit(rule.conditions);
    return out;
  };

  it('evaluates every condition of the first set, and the rest only when it has not settled the outcome', async () => {
    const agentsAvailable = vi.fn(() => true);
    const router = createRouter(loadConnectionRules(json), { agentsAvailable });
    const facts = { channel: 'chat', reason: 'policy', customer: { tier: 'gold' } };
    const explanation = await router.explain(facts);
    expect(lines(explanation)).toEqual([
      '$.rules[0].conditions failed',
      // channel and reason run first, together; channel failed, so the rest is never asked.
      '$.rules[0].conditions.all[0] not-evaluated',
      '$.rules[0].conditions.all[0].any[0] not-evaluated',
      '$.rules[0].conditions.all[0].any[1] not-evaluated',
      '$.rules[0].conditions.all[1] failed saw "chat"',
      '$.rules[0].conditions.all[2] not-evaluated',
      '$.rules[0].conditions.all[3] failed saw "policy"',
      // reason held in the first set, so the host is not asked about the general queue.
      '$.rules[1].conditions held',
      '$.rules[1].conditions.any[0] not-evaluated',
      '$.rules[1].conditions.any[1] held saw "policy"',
      '$.rules[2].conditions failed',
      '$.rules[2].conditions.not held saw "chat"',
    ]);
    expect(agentsAvailable).not.toHaveBeenCalled();
    expect(explanation.decision.rule).toBe('policy-or-busy');
    expect(explanation.rules[0]?.why).toBe('Did not hold: channel equal "voice" failed, the value was "chat" ($.rules[0].conditions.all[1]).');
    expect(explanation).toStrictEqual(await explainWithJsonRulesEngine(loadConnectionRules(json), facts, dynamicFactSources({ agentsAvailable })));
  });

  it('moves a dynamic fact the facts give into the first set, and asks the host once the first set holds', async () => {
    const agentsAvailable = vi.fn(() => false);
    const router = createRouter(loadConnectionRules(json), { agentsAvailable });
    const given = await router.explain({ channel: 'voice', reason: 'other', agentsAvailable: true });
    expect(lines(given).slice(7, 10)).toEqual(['$.rules[1].conditions failed', '$.rules[1].conditions.any[0] failed saw true', '$.rules[1].conditions.any[1] failed saw "other"']);
    expect(agentsAvailable).not.toHaveBeenCalled();
    const asked = await router.explain({ channel: 'voice', reason: 'user_requested', customer: { tier: 'platinum' } });
    expect(lines(asked).slice(0, 7)).toEqual([
      '$.rules[0].conditions failed',
      '$.rules[0].conditions.all[0] held',
      '$.rules[0].conditions.all[0].any[0] failed saw "platinum"',
      '$.rules[0].conditions.all[0].any[1] held saw "platinum"',
      '$.rules[0].conditions.all[1] held saw "voice"',
      '$.rules[0].conditions.all[2] failed saw false',
      '$.rules[0].conditions.all[3] held saw "user_requested"',
    ]);
    expect(agentsAvailable.mock.calls).toEqual([[{ queue: 'vip' }], [{ queue: 'general' }]]);
  });
});

describe('dynamic facts', () => {
  const json: ConnectionRulesJson = {
    rules: [
      { name: 'closed', priority: 10, conditions: { all: [{ fact: 'withinBusinessHours', operator: 'equal', value: false }] }, event: queue('callback') },
      { name: 'vip', priority: 5, conditions: { all: [eq('tier', 'gold')] }, event: queue('vip') },
      {
        name: 'billing-busy',
        conditions: { all: [eq('intent', 'billing'), { fact: 'agentsAvailable', params: { queue: 'billing' }, operator: 'equal', value: false }] },
        event: queue('message'),
      },
      {
        name: 'billing',
        conditions: { all: [eq('intent', 'billing'), { fact: 'agentsAvailable', params: { queue: 'billing' }, operator: 'equal', value: true }] },
        event: queue('billing'),
      },
    ],
    default: queue('general'),
  };
  const hours = { timeZone: 'UTC', weekly: { monday: [{ from: '09:00', to: '17:00' }] } };
  const mondayNoon = Date.UTC(2025, 5, 2, 12);
  const sundayNoon = Date.UTC(2025, 5, 1, 12);

  it('asks the host only when a condition reaches the fact, once per query per decision', async () => {
    const agentsAvailable = vi.fn<(query: unknown) => Promise<boolean>>(() => Promise.resolve(true));
    const now = vi.fn(() => mondayNoon);
    const router = createRouter(loadConnectionRules(json), { businessHours: hours, agentsAvailable, now });
    expect((await router.route({ tier: 'gold' })).rule).toBe('vip');
    expect(agentsAvailable).not.toHaveBeenCalled();
    expect(now).toHaveBeenCalledTimes(1);
    expect((await router.route({ intent: 'billing' })).rule).toBe('billing');
    expect(agentsAvailable).toHaveBeenCalledTimes(1);
    expect(agentsAvailable).toHaveBeenCalledWith({ queue: 'billing' });
    expect(now).toHaveBeenCalledTimes(2);
  });

  it('routes out of hours with the injected clock', async () => {
    const router = createRouter(loadConnectionRules(json), { businessHours: hours, now: () => sundayNoon });
    expect((await router.route({ tier: 'gold' })).rule).toBe('closed');
    expect((await router.explain({ tier: 'gold' })).decision.rule).toBe('closed');
  });

  it('lets the facts give a dynamic fact directly, and leaves it undefined when nothing is configured', async () => {
    const now = vi.fn(() => sundayNoon);
    const router = createRouter(loadConnectionRules(json), { businessHours: hours, now });
    expect((await router.route({ withinBusinessHours: true, intent: 'billing', agentsAvailable: false })).rule).toBe('billing-busy');
    expect(now).not.toHaveBeenCalled();
    const bare = createRouter(loadConnectionRules(json));
    expect((await bare.route({ intent: 'billing' })).rule).toBeNull();
  });

  it.each([
    ['throws', () => { throw new Error('desk down'); }],
    ['rejects', () => Promise.reject(new Error('desk down'))],
    ['answers something else', () => 'yes' as unknown as boolean],
  ])('turns a host function that %s into ADAPTER_FAILED', async (_label, agentsAvailable) => {
    const router = createRouter(loadConnectionRules(json), { agentsAvailable });
    const facts = { withinBusinessHours: true, intent: 'billing' };
    const error = await rejectedHandoffError(router.route(facts));
    expect(error.code).toBe('ADAPTER_FAILED');
    expect(error.message).toContain('{"queue":"billing"}');
    expect((await rejectedHandoffError(router.explain(facts))).code).toBe('ADAPTER_FAILED');
  });

  it('rejects an invalid schedule with INVALID_CONFIG', () => {
    expect(catchHandoffError(() => createRouter(loadConnectionRules(json), { businessHours: { timeZone: 'Nowhere', weekly: {} } })).code).toBe('INVALID_CONFIG');
  });
});

describe('concurrency', () => {
  // Two priority levels and an async fact that answers after a different delay on each call: the
  // setting in which json-rules-engine's shared run status makes a slow run skip its
  // lower-priority rules once a faster run has finished.
  const json: ConnectionRulesJson = {
    rules: [
      { name: 'busy', priority: 10, conditions: { all: [{ fact: 'agentsAvailable', params: { queue: 'general' }, operator: 'equal', value: false }] }, event: queue('message') },
      { name: 'voice', priority: 1, conditions: { all: [eq('channel', 'voice')] }, event: queue('voice') },
    ],
    default: queue('general'),
  };
  const delays = [30, 0, 20, 5, 0, 15, 25, 0, 10, 1];
  const slowHost = () => {
    let calls = 0;
    return async () => {
      await new Promise((resolve) => setTimeout(resolve, delays[calls++ % delays.length]));
      return true;
    };
  };
  const facts = Array.from({ length: 20 }, (_, i) => ({ channel: i % 3 === 0 ? 'chat' : 'voice' }));
  const expected = facts.map((f) => (f.channel === 'voice' ? 'voice' : null));

  it('keeps concurrent decisions on one router independent, for route and explain', async () => {
    const router = createRouter(loadConnectionRules(json), { agentsAvailable: slowHost() });
    const routed = await Promise.all(facts.map((f) => router.route(f)));
    expect(routed.map((d) => d.rule)).toEqual(expected);
    const explained = await Promise.all(facts.map((f) => router.explain(f)));
    expect(explained.map((e) => e.decision.rule)).toEqual(expected);
    expect(explained.every((e) => e.rules.every((r) => r.conditions.outcome !== 'not-evaluated'))).toBe(true);
  });

  it('shows the hazard it guards against: one shared json-rules-engine Engine mixes concurrent runs', async () => {
    const engine = jsonRulesEngineReference(loadConnectionRules(json), { withinBusinessHours: undefined, agentsAvailable: slowHost() });
    const shared = await Promise.all(facts.map((f) => engine.decide(f)));
    // If json-rules-engine ever isolates concurrent runs this fails, and the guard could go.
    expect(shared.map((d) => d.rule)).not.toEqual(expected);
  });
});

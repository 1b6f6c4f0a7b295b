import { describe, expect, it } from 'vitest';
import { formatIssue, type HandoffError } from '../src/errors.js';
import { isLoadedConnectionRules, loadConnectionRules } from '../src/rules/load-rules.js';
import { conditionOperators } from '../src/rules/operators.js';
import type { ConnectionRulesJson } from '../src/rules/rule-schema.js';
import { parsePropertyPath, resolvePropertyPath } from '../src/rules/property-path.js';
import { catchHandoffError } from './support/catch-handoff-error.js';

const queue = (name: string) => ({ type: 'agentTransfer', params: { queue: name } });
const rule = (name: string, conditions: unknown, extra: Record<string, unknown> = {}) => ({ name, conditions, event: queue(name), ...extra });
const set = (...rules: unknown[]) => ({ rules, default: queue('general') });
const issues = (error: HandoffError) => error.issues.map(formatIssue);
const reject = (json: unknown) => catchHandoffError(() => loadConnectionRules(json));

describe('loadConnectionRules', () => {
  it('takes rule literals written `as const` (the type check is the test: readonly lists fit)', () => {
    const senior = {
      name: 'senior',
      conditions: { all: [{ fact: 'parameters', path: '$.amount', operator: 'greaterThan', value: 1000 }] },
      event: { type: 'agentTransfer', params: { queue: 'refunds', skills: ['senior'] } },
    } as const;
    const rules: ConnectionRulesJson = { rules: [senior], default: { type: 'agentTransfer', params: { queue: 'general', agents: ['ana'] } } as const };
    expect(loadConnectionRules(rules).rules[0]?.event).toEqual({ type: 'agentTransfer', params: { queue: 'refunds', skills: ['senior'], priority: 5, waitForAgentSeconds: 30 } });
  });

  it('accepts the documented format and applies the defaults', () => {
    const rules = loadConnectionRules({
      name: 'example',
      rules: [
        {
          name: 'vip-voice',
          priority: 10,
          conditions: {
            all: [
              { fact: 'channel', operator: 'equal', value: 'voice' },
              { fact: 'customer', path: '$.tier', operator: 'equal', value: 'gold' },
            ],
          },
          event: { type: 'agentTransfer', params: { queue: 'vip', skills: ['voice'], priority: 1 } },
        },
        rule('plain', { any: [{ fact: 'reason', operator: 'exists' }] }),
      ],
      default: queue('general'),
    });
    expect(rules.rules[1]?.priority).toBe(1);
    expect(rules.rules[0]?.event).toEqual({ type: 'agentTransfer', params: { queue: 'vip', skills: ['voice'], priority: 1, waitForAgentSeconds: 30 } });
    expect(rules.default).toEqual({ type: 'agentTransfer', params: { queue: 'general', priority: 5, waitForAgentSeconds: 30 } });
  });

  it('returns frozen rules, and returns loaded rules unchanged', () => {
    const rules = loadConnectionRules(set(rule('a', { all: [] })));
    expect(Object.isFrozen(rules.rules[0]?.conditions)).toBe(true);
    expect(isLoadedConnectionRules(rules)).toBe(true);
    expect(loadConnectionRules(rules)).toBe(rules);
    expect(isLoadedConnectionRules(set())).toBe(false);
  });

  it('reports every problem at once, each with its JSON path into the file', () => {
    const error = reject({
      rules: [
        rule('a', { all: [{ fact: 'channel', operator: 'equals', value: 'voice' }] }, { priority: 0 }),
        rule('a', { all: [{ fact: 'customer', path: '$..tier', operator: 'exists' }] }),
        { name: 'no-event', conditions: { all: [] } },
        rule('bad-target', { all: [] }, { event: { type: 'agentTransfer', params: { queue: 'q', skills: ['a'], agents: ['b'], priority: 11 } } }),
        rule('unknown-target', { all: [] }, { event: { type: 'human', params: {} } }),
      ],
    });
    expect(error.code).toBe('INVALID_RULES');
    expect(error.message).toMatchInlineSnapshot(`"Invalid connection rules: $.rules[1].name: Duplicate rule name "a", first used at $.rules[0].name: names must be unique (and 8 more)"`);
    expect(issues(error)).toMatchInlineSnapshot(`
      [
        "$.rules[1].name: Duplicate rule name "a", first used at $.rules[0].name: names must be unique",
        "$.rules[0].priority: Expected a priority: an integer >= 1 (higher runs first)",
        "$.rules[0].conditions.all[0].operator: Unknown operator "equals": expected one of equal, notEqual, in, notIn, contains, doesNotContain, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive, exists, notExists",
        "$.rules[1].conditions.all[0].path: Expected a plain property path such as $.tier, $.tags[0] or $.steps['handoff-node'].summary; filters, scripts, wildcards and recursive descent are not allowed",
        "$.rules[2].event: Expected an event: the target of the rule, such as { "type": "agentTransfer", "params": { "queue": "billing" } }",
        "$.rules[3].event.params.priority: Too big: expected number to be <=10",
        "$.rules[3].event.params.agents: Expected either skills or agents, not both: transfer by skills, or to named agents",
        "$.rules[4].event.type: Unknown target type "human": expected agentTransfer (a live-agent queue), agent (another conversational agent) or workflow",
        "$.default: Expected a default: the target used when no rule holds (the product requires a fallback)",
      ]
    `);
  });

  it('checks each operator has the value it needs', () => {
    const error = reject(
      set(
        rule('a', {
          all: [
            { fact: 'x', operator: 'exists', value: true },
            { fact: 'x', operator: 'equal' },
            { fact: 'x', operator: 'in', value: 'voice' },
            { fact: 'x', operator: 'lessThan', value: '3' },
            { fact: 'x', operator: 'equal', value: { fact: 'y' } },
            { fact: 'x', operator: 'contains', value: [1] },
          ],
        }),
      ),
    );
    expect(issues(error)).toMatchInlineSnapshot(`
      [
        "$.rules[0].conditions.all[0].value: exists takes no value: remove "value"",
        "$.rules[0].conditions.all[1].value: equal needs a value",
        "$.rules[0].conditions.all[2].value: in needs a list of strings, numbers, booleans or nulls",
        "$.rules[0].conditions.all[3].value: lessThan needs a finite number",
        "$.rules[0].conditions.all[4].value: equal needs a string, number, boolean or null",
        "$.rules[0].conditions.all[5].value: contains needs a string, number, boolean or null",
      ]
    `);
  });

  it('rejects condition shapes json-rules-engine would misread or reject at run time', () => {
    const error = reject(
      set(
        rule('root-fact', { fact: 'channel', operator: 'equal', value: 'voice' }),
        rule('empty-any', { any: [] }),
        rule('reference', { all: [{ condition: 'isVip' }] }),
        rule('not-a-condition', { all: [42, { foo: 1 }] }),
        rule('two-keys', { all: [], any: [] }),
        rule('missing-conditions', undefined),
      ),
    );
    expect(issues(error)).toMatchInlineSnapshot(`
      [
        "$.rules[0].conditions: Expected conditions with "all", "any" or "not" at the root, such as { "all": [ … ] }",
        "$.rules[1].conditions.any: An empty "any" always holds in json-rules-engine: write "all": [] for a rule that always holds",
        "$.rules[2].conditions.all[0]: Condition references ("condition": name) are not supported: write the condition inline",
        "$.rules[3].conditions.all[0]: Expected a condition: an object with "all", "any", "not", or "fact" and "operator"",
        "$.rules[3].conditions.all[1]: Expected a condition: an object with "all", "any", "not", or "fact" and "operator"",
        "$.rules[4].conditions: Unrecognized key: "any"",
        "$.rules[5].conditions: Expected conditions: { "all": [ … ] }, { "any": [ … ] } or { "not": … }",
      ]
    `);
  });

  it('checks the params of the dynamic facts', () => {
    const error = reject(
      set(
        rule('a', {
          all: [
            { fact: 'agentsAvailable', operator: 'equal', value: true },
            { fact: 'agentsAvailable', params: { queue: 'a', skills: ['b'] }, operator: 'equal', value: true },
            { fact: 'channel', params: { queue: 'a' }, operator: 'equal', value: 'voice' },
            { fact: 'withinBusinessHours', path: '$.x', operator: 'equal', value: true },
          ],
        }),
      ),
    );
    expect(issues(error)).toMatchInlineSnapshot(`
      [
        "$.rules[0].conditions.all[0].params: agentsAvailable needs params: { "queue": … } or { "skills": [ … ] }",
        "$.rules[0].conditions.all[1].params: Expected exactly one of queue or skills: the agents to ask about",
        "$.rules[0].conditions.all[2].params: Only the agentsAvailable fact takes params: remove "params" from the "channel" condition",
        "$.rules[0].conditions.all[3].path: withinBusinessHours is true or false: it has no path",
      ]
    `);
  });

  it('requires the default, the rules list and a valid root', () => {
    expect(issues(reject({ rules: [] }))).toMatchInlineSnapshot(`
      [
        "$.default: Expected a default: the target used when no rule holds (the product requires a fallback)",
      ]
    `);
    expect(issues(reject({ default: queue('general') }))).toMatchInlineSnapshot(`
      [
        "$.rules: Expected "rules": a list of rules (it may be empty)",
      ]
    `);
    expect(issues(reject('rules'))).toMatchInlineSnapshot(`
      [
        "$: Expected a rule set: an object with "rules" and "default"",
      ]
    `);
    expect(issues(reject({ rules: [], default: queue('general'), extra: 1 }))).toMatchInlineSnapshot(`
      [
        "$: Unrecognized key: "extra"",
      ]
    `);
  });

  it('accepts every operator of the shared list', () => {
    const values: Record<string, unknown> = { in: ['a'], notIn: ['a'], lessThan: 1, lessThanInclusive: 1, greaterThan: 1, greaterThanInclusive: 1 };
    const conditions = conditionOperators.map((operator) =>
      operator === 'exists' || operator === 'notExists' ? { fact: 'x', operator } : { fact: 'x', operator, value: values[operator] ?? 'a' },
    );
    expect(() => loadConnectionRules(set(rule('all-operators', { all: conditions })))).not.toThrow();
    expect(conditionOperators).toHaveLength(12);
  });
});

describe('property paths', () => {
  it.each([
    ['$.tier', ['tier']],
    ['$.a.b', ['a', 'b']],
    ['$.tags[0]', ['tags', 0]],
    ['$[2].x', [2, 'x']],
    ["$.steps['handoff-node'].summary", ['steps', 'handoff-node', 'summary']],
    ['$["a b"]', ['a b']],
    ['$._private.$ref', ['_private', '$ref']],
  ])('parses %s', (path, segments) => {
    expect(parsePropertyPath(path)).toEqual(segments);
  });

  it.each([
    '$',
    'tier',
    '$.',
    '$..tier',
    '$.*',
    '$[*]',
    '$.tags[-1]',
    '$.tags[0:2]',
    '$.tags[?(@.x)]',
    '$.a[(@.length-1)]',
    '$.a.constructor()',
    '$[01]',
    "$['a\\'b']",
    '@.a',
    '$.a b',
    '$.a..b',
    '$.1a',
  ])('rejects %s', (path) => {
    expect(parsePropertyPath(path)).toBeUndefined();
  });

  it('follows own properties only', () => {
    expect(resolvePropertyPath({ a: { b: 1 } }, ['a', 'b'])).toBe(1);
    expect(resolvePropertyPath({ a: [10, 20] }, ['a', 1])).toBe(20);
    expect(resolvePropertyPath({ a: {} }, ['a', 'constructor'])).toBeUndefined();
    expect(resolvePropertyPath({ a: 'text' }, ['a', 'length'])).toBeUndefined();
    expect(resolvePropertyPath({ a: null }, ['a', 'b'])).toBeUndefined();
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRouter, defaultHandoffConfig, loadConnectionRules, resolveHandoffMessage, type Condition, type JsonValue } from '../src/index.js';

const rules = loadConnectionRules(JSON.parse(readFileSync(new URL('../rules/default.json', import.meta.url), 'utf8')));

function parameterPaths(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(parameterPaths);
  if ('any' in condition) return condition.any.flatMap(parameterPaths);
  if ('not' in condition) return parameterPaths(condition.not);
  return condition.fact === 'parameters' && condition.path !== undefined ? [condition.path] : [];
}

describe('the embedded defaults', () => {
  it('declare every parameter the default rules read, so no default rule is dead under the default config', () => {
    const event = defaultHandoffConfig().event;
    const declared = new Set([...event.llmParameters.map((p) => p.name), ...event.systemParameters.map((p) => p.key)]);
    const read = rules.rules.flatMap((rule) => parameterPaths(rule.conditions)).map((path) => path.replace(/^\$\./, '').split(/[.[]/)[0]);
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((name) => name === undefined || !declared.has(name))).toEqual([]);
  });

  it('route every unhappy value of the default sentiment enum by the frustrated-user rule, and no other value', async () => {
    const sentiments = defaultHandoffConfig().event.llmParameters.find((p) => p.name === 'sentiment')?.enum ?? [];
    // Listed as the happy ones, so a value added to the enum later counts as unhappy until said otherwise.
    const content = ['positive', 'neutral'];
    expect(sentiments).toEqual(expect.arrayContaining(content));
    const router = createRouter(rules);
    const ruleFor = async (sentiment: string | number) =>
      (await router.route({ channel: 'chat', reason: 'repeated_failure', withinBusinessHours: true, agentsAvailable: true, parameters: { sentiment } })).rule;
    for (const sentiment of sentiments) {
      expect({ sentiment, rule: await ruleFor(sentiment) }).toEqual({ sentiment, rule: content.includes(String(sentiment)) ? null : 'frustrated-user' });
    }
  });

  it("read well as the handoff message with and without the user's first name", () => {
    const message = (memory: Record<string, JsonValue>) => resolveHandoffMessage(defaultHandoffConfig(), { memory }, { parameters: {} });
    expect(message({ userProfile: { firstName: 'Ada' } })).toEqual({ mode: 'custom', text: 'Thanks Ada, I am connecting you with a member of our team now.' });
    const anonymous = { mode: 'custom', text: 'Thanks for your patience, I am connecting you with a member of our team now.' };
    expect(message({ userProfile: {} })).toEqual(anonymous);
    expect(message({ userProfile: { firstName: null } })).toEqual(anonymous);
    expect(message({})).toEqual(anonymous);
  });
});

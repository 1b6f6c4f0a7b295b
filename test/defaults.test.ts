import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultHandoffConfig, loadConnectionRules, type Condition } from '../src/index.js';

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
});

import { loadConnectionRules } from '../rules/load-rules.js';
import type { ConnectionRules, ConnectionRulesJson } from '../rules/rule-schema.js';

/**
 * A rule set as the testing kit takes it: loaded by `loadConnectionRules`, or as written in a rule
 * file (parsed JSON, or built in TypeScript), which the kit validates first.
 */
export type RulesInput = ConnectionRules | ConnectionRulesJson;

/** Validates `input` unless it was loaded already; throws `HandoffError` `INVALID_RULES` otherwise. */
export function toRules(input: RulesInput): ConnectionRules {
  return loadConnectionRules(input);
}

/** `"name"` (rules[3]) or `the default`: how reports name a rule. */
export function ruleLabel(rules: ConnectionRules, name: string | null): string {
  if (name === null) return 'the default';
  const index = rules.rules.findIndex((rule) => rule.name === name);
  return `${JSON.stringify(name)} (rules[${index}])`;
}

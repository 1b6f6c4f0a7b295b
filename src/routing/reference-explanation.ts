// The explanation as json-rules-engine gives it: the reference the compiled explainer is held to.
import type { ConnectionRules } from '../rules/rule-schema.js';
import type { DynamicFactSources } from './dynamic-fact-sources.js';
import { buildExplanation, type RouteExplanation } from './explanation.js';
import type { Facts } from './facts.js';
import { evaluateWithJsonRulesEngine } from './json-rules-engine.js';

/**
 * Explains a decision by running json-rules-engine itself on a fresh engine (15 to 25 times slower
 * than `router.explain` in `npm run bench`): the reference property tests and benchmarks compare it with.
 */
export async function explainWithJsonRulesEngine(rules: ConnectionRules, facts: Facts, sources: DynamicFactSources): Promise<RouteExplanation> {
  return buildExplanation(rules, await evaluateWithJsonRulesEngine(rules, facts, sources));
}

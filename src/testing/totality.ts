import fc from 'fast-check';
import type { ConnectionRules } from '../rules/rule-schema.js';
import { createRouter, type Router } from '../routing/router.js';
import type { RouteExplanation } from '../routing/explanation.js';
import type { RouteDecision } from '../routing/target-schema.js';
import { factsFor, type RoutingFacts } from './facts.arbitrary.js';
import { RoutingPropertyError } from './property-error.js';
import { describeError, resolveSeed, runParameters, sameValue, showFacts, type FactsPropertyOptions } from './property-options.js';
import { ruleLabel, toRules, type RulesInput } from './rules-input.js';

/** A facts object on which a property failed, and what went wrong. */
export interface PropertyCounterexample {
  /** The facts object, shrunk by fast-check unless `endOnFailure` was set. */
  readonly facts: RoutingFacts;
  /** One sentence: what went wrong on these facts. */
  readonly problem: string;
  /** The router's explanation for these facts, when it could give one. */
  readonly explanation?: RouteExplanation;
}

/** How often each rule (and the default, `rule: null`) decided during a check's runs. */
export interface DecisionCount {
  readonly rule: string | null;
  readonly count: number;
}

/** The result of `checkTotal`. */
export interface TotalityReport {
  /** True when every facts object tried got exactly one decision. */
  readonly ok: boolean;
  /** Facts objects tried. */
  readonly numRuns: number;
  readonly seed: number;
  /** fast-check's replay path of the counterexample (pass it back with `seed`). */
  readonly path?: string;
  /** Decisions per rule in file order, then the default: which outcomes the runs reached. */
  readonly decisions: readonly DecisionCount[];
  readonly counterexample?: PropertyCounterexample;
}

/**
 * Checks that the rule set is total: every facts object tried routes to exactly one decision (a
 * rule of the set with its own target, or the default with `rule: null`), the same decision when
 * routed again, with an explanation that names that one winner; and routing never throws. Returns
 * a report instead of throwing; see `assertTotal`.
 *
 * @example
 * ```ts
 * const report = await checkTotal(rules, { numRuns: 200 });
 * if (!report.ok) console.log(report.counterexample);
 * ```
 */
export async function checkTotal(rules: RulesInput, options: FactsPropertyOptions = {}): Promise<TotalityReport> {
  const loaded = toRules(rules);
  const router = createRouter(loaded, options.router);
  const seed = resolveSeed(options);
  const counts = new Map<string | null, number>();
  let counting = true;
  const property = fc.asyncProperty(options.facts ?? factsFor(loaded), async (facts) => {
    const outcome = await totalityProblem(loaded, router, facts);
    if (outcome.problem !== undefined) counting = false;
    else if (counting) counts.set(outcome.decision.rule, (counts.get(outcome.decision.rule) ?? 0) + 1);
    return outcome.problem === undefined;
  });
  const details = await fc.check(property, runParameters(options, seed));
  const decisions = [...loaded.rules.map((rule) => rule.name), null].map((rule) => ({ rule, count: counts.get(rule) ?? 0 }));
  const base = { numRuns: details.numRuns, seed: details.seed, decisions };
  if (!details.failed) return { ok: true, ...base };
  const failing = details.counterexample?.[0];
  if (failing === undefined) throw details.errorInstance instanceof Error ? details.errorInstance : new Error('fast-check reported a failure without a counterexample');
  const outcome = await totalityProblem(loaded, router, failing);
  const problem = outcome.problem ?? 'the check failed on these facts but passed when they were routed again (non-deterministic routing)';
  const explanation = await router.explain(failing).catch(() => undefined);
  const counterexample: PropertyCounterexample = explanation ? { facts: failing, problem, explanation } : { facts: failing, problem };
  return { ok: false, ...base, ...(details.counterexamplePath === null ? {} : { path: details.counterexamplePath }), counterexample };
}

/**
 * Asserts that the rule set is total (see `checkTotal`): throws a `RoutingPropertyError` naming
 * the facts object that got no decision, two decisions or an error, with the seed to replay it.
 *
 * @example
 * ```ts
 * import { it } from 'vitest';
 * import { assertTotal } from 'agent-handoff/testing';
 *
 * it('routes every facts object', async () => {
 *   await assertTotal(rules, { numRuns: 200 });
 * });
 * ```
 */
export async function assertTotal(rules: RulesInput, options: FactsPropertyOptions = {}): Promise<TotalityReport> {
  const report = await checkTotal(rules, options);
  if (!report.ok) throw new RoutingPropertyError(formatFailure('The rule set is not total', report), report);
  return report;
}

type Outcome = { readonly decision: RouteDecision; readonly problem?: undefined } | { readonly problem: string };

async function totalityProblem(rules: ConnectionRules, router: Router, facts: RoutingFacts): Promise<Outcome> {
  let decision: RouteDecision;
  try {
    decision = await router.route(facts);
  } catch (error) {
    return { problem: `route threw ${describeError(error)}` };
  }
  const { rule: name, target } = decision;
  if (name === null) {
    if (!sameValue(target, rules.default)) return { problem: `the default was chosen with a target that is not the default: ${showFacts(target)}` };
  } else {
    const rule = rules.rules.find((r) => r.name === name);
    if (!rule) return { problem: `route chose ${JSON.stringify(name)}, which is not a rule of the set` };
    if (!sameValue(target, rule.event)) return { problem: `route chose ${ruleLabel(rules, name)} with a target that is not its event: ${showFacts(target)}` };
  }
  let again: RouteDecision;
  try {
    again = await router.route(structuredClone(facts));
  } catch (error) {
    return { problem: `route threw ${describeError(error)} the second time, after deciding ${ruleLabel(rules, name)}` };
  }
  if (!sameValue(again, decision)) return { problem: `route chose ${ruleLabel(rules, name)}, then ${ruleLabel(rules, again.rule)} for the same facts` };
  let explanation: RouteExplanation;
  try {
    explanation = await router.explain(facts);
  } catch (error) {
    return { problem: `explain threw ${describeError(error)}` };
  }
  const won = explanation.rules.filter((r) => r.outcome === 'won').map((r) => r.rule);
  const named = explanation.decision.rule;
  if (won.length > 1) return { problem: `the explanation says ${won.map((r) => JSON.stringify(r)).join(' and ')} all won` };
  if ((won[0] ?? null) !== named) return { problem: `the explanation decides ${ruleLabel(rules, named)} but marks ${won.length === 0 ? 'no rule' : ruleLabel(rules, won[0] ?? null)} as the winner` };
  return { decision };
}

/** The readable failure of a facts property: the problem, the facts, the explanation, how to replay. */
export function formatFailure(title: string, report: { readonly numRuns: number; readonly seed: number; readonly path?: string; readonly counterexample?: PropertyCounterexample }): string {
  const example = report.counterexample;
  const lines = [`${title}: after ${report.numRuns} run(s), ${example?.problem ?? 'a run failed'}.`];
  if (example) {
    lines.push(`  Facts: ${showFacts(example.facts)}`);
    if (example.explanation) lines.push(`  Explanation: ${example.explanation.why}`);
  }
  lines.push(`  Replay with { seed: ${report.seed}${report.path === undefined ? '' : `, path: ${JSON.stringify(report.path)}`} }.`);
  return lines.join('\n');
}

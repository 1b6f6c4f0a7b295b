import fc from 'fast-check';
import { dynamicFactSources } from '../routing/dynamic-fact-sources.js';
import { jsonRulesEngineReference } from '../routing/json-rules-engine.js';
import { createRouter } from '../routing/router.js';
import type { RouteDecision } from '../routing/target-schema.js';
import { factsFor, type RoutingFacts } from './facts.arbitrary.js';
import { RoutingPropertyError } from './property-error.js';
import { describeError, resolveSeed, runParameters, sameValue, type FactsPropertyOptions } from './property-options.js';
import { ruleLabel, toRules, type RulesInput } from './rules-input.js';
import { formatFailure, type PropertyCounterexample } from './totality.js';

/** A facts object on which the router and json-rules-engine decided differently. */
export interface DisagreementCounterexample extends PropertyCounterexample {
  /** What the router's compiled fast path (`route`) decided, when it did. */
  readonly router?: RouteDecision;
  /** What json-rules-engine, run directly on the same rules and facts, decided, when it did. */
  readonly jsonRulesEngine?: RouteDecision;
}

/** The result of `checkAgreesWithJsonRulesEngine`. */
export interface AgreementReport {
  /** True when both decided the same on every facts object tried. */
  readonly ok: boolean;
  readonly numRuns: number;
  readonly seed: number;
  /** fast-check's replay path of the counterexample (pass it back with `seed`). */
  readonly path?: string;
  readonly counterexample?: DisagreementCounterexample;
}

/**
 * Checks that the router's compiled decisions equal json-rules-engine's, run directly on the same
 * rule set (one `Engine`, `engine.run(facts)`, the winner picked by priority then file order):
 * the reference semantics the fast path must keep. Returns a report instead of throwing; see
 * `assertAgreesWithJsonRulesEngine`.
 *
 * @example
 * ```ts
 * const report = await checkAgreesWithJsonRulesEngine(rules, { seed: 42 });
 * expect(report.ok).toBe(true);
 * ```
 */
export async function checkAgreesWithJsonRulesEngine(rules: RulesInput, options: FactsPropertyOptions = {}): Promise<AgreementReport> {
  const loaded = toRules(rules);
  const routerOptions = options.router ?? {};
  const router = createRouter(loaded, routerOptions);
  // One engine, used one decision at a time: fast-check runs async properties sequentially.
  const reference = jsonRulesEngineReference(loaded, dynamicFactSources(routerOptions));
  const seed = resolveSeed(options);

  const compare = async (facts: RoutingFacts): Promise<Omit<DisagreementCounterexample, 'explanation'> | undefined> => {
    const [ours, theirs] = await Promise.allSettled([router.route(facts), reference.decide(facts)]);
    if (ours.status === 'fulfilled' && theirs.status === 'fulfilled') {
      if (sameValue(ours.value, theirs.value)) return undefined;
      return {
        facts,
        problem: `the router chose ${ruleLabel(loaded, ours.value.rule)}, json-rules-engine chose ${ruleLabel(loaded, theirs.value.rule)}`,
        router: ours.value,
        jsonRulesEngine: theirs.value,
      };
    }
    if (ours.status === 'rejected' && theirs.status === 'rejected') return undefined;
    if (ours.status === 'rejected') {
      const decided = theirs.status === 'fulfilled' ? theirs.value : undefined;
      return { facts, problem: `the router threw ${describeError(ours.reason)}, json-rules-engine chose ${ruleLabel(loaded, decided?.rule ?? null)}`, ...(decided ? { jsonRulesEngine: decided } : {}) };
    }
    const reason: unknown = theirs.status === 'rejected' ? theirs.reason : undefined;
    return { facts, problem: `the router chose ${ruleLabel(loaded, ours.value.rule)}, json-rules-engine threw ${describeError(reason)}`, router: ours.value };
  };

  const details = await fc.check(
    fc.asyncProperty(options.facts ?? factsFor(loaded), async (facts) => (await compare(facts)) === undefined),
    runParameters(options, seed),
  );
  const base = { numRuns: details.numRuns, seed: details.seed };
  if (!details.failed) return { ok: true, ...base };
  const failing = details.counterexample?.[0];
  if (failing === undefined) throw details.errorInstance instanceof Error ? details.errorInstance : new Error('fast-check reported a failure without a counterexample');
  const difference = (await compare(failing)) ?? { facts: failing, problem: 'the two disagreed on these facts once, then agreed when run again' };
  const explanation = await router.explain(failing).catch(() => undefined);
  const counterexample: DisagreementCounterexample = explanation ? { ...difference, explanation } : difference;
  return { ok: false, ...base, ...(details.counterexamplePath === null ? {} : { path: details.counterexamplePath }), counterexample };
}

/**
 * Asserts that the router decides exactly as json-rules-engine run directly (see
 * `checkAgreesWithJsonRulesEngine`): throws a `RoutingPropertyError` with the facts object, both
 * decisions, json-rules-engine's explanation and the seed to replay it.
 *
 * @example
 * ```ts
 * it('decides as json-rules-engine does', async () => {
 *   await assertAgreesWithJsonRulesEngine(rules, { numRuns: 300 });
 * });
 * ```
 */
export async function assertAgreesWithJsonRulesEngine(rules: RulesInput, options: FactsPropertyOptions = {}): Promise<AgreementReport> {
  const report = await checkAgreesWithJsonRulesEngine(rules, options);
  if (!report.ok) throw new RoutingPropertyError(formatFailure('The router disagrees with json-rules-engine', report), report);
  return report;
}

import { HandoffError, isHandoffError } from '../errors.js';
import { loadConnectionRules } from '../rules/load-rules.js';
import type { ConnectionRules } from '../rules/rule-schema.js';
import { compileRules } from './compile.js';
import { compileExplainer, evaluateRules, type CompiledExplainer } from './compile-explain.js';
import { Decision, DecisionScope } from './decision.js';
import { dynamicFactSources, type DynamicFactOptions } from './dynamic-fact-sources.js';
import type { RuleEvaluation } from './evaluation.js';
import { buildExplanation, type RouteExplanation } from './explanation.js';
import { invalidFacts, isFacts } from './facts.js';
import { runRules, Suspended } from './run-rules.js';
import type { RouteDecision } from './target-schema.js';

/** Options of `createRouter`: where the on-demand facts come from, and the clock. */
export type RouterOptions = DynamicFactOptions;

/** Decides where a handed-off conversation goes, and explains why. */
export interface Router {
  /** The first rule that holds in priority order, or the default with `rule: null`. */
  route(facts: unknown): Promise<RouteDecision>;
  /** Every rule's outcome with the value seen per condition, which rule won and why the others did not, as json-rules-engine would report them. */
  explain(facts: unknown): Promise<RouteExplanation>;
}

/**
 * Creates a router over a rule set. The rules are compiled once into closures for `route`, and
 * on the first `explain` into closures that also record each condition's outcome and value seen and
 * skip exactly the conditions json-rules-engine skips, so an explanation equals the one
 * json-rules-engine gives (a property test checks it); json-rules-engine itself is not run.
 * Facts are the top-level keys of the object given; a missing fact or path is `undefined`.
 * Rules not produced by `loadConnectionRules` are validated first (`INVALID_RULES`).
 *
 * @example
 * ```ts
 * const router = createRouter(loadConnectionRules(json), {
 *   businessHours: { timeZone: 'Europe/Paris', weekly: { monday: [{ from: '09:00', to: '18:00' }] } },
 *   agentsAvailable: async ({ queue }) => (await queueStats(queue)).available > 0,
 * });
 * const { target, rule } = await router.route(payload);
 * ```
 */
export function createRouter(rules: ConnectionRules, options: RouterOptions = {}): Router {
  const validated = loadConnectionRules(rules);
  const sources = dynamicFactSources(options);
  const compiled = compileRules(validated);
  // Compiled on first use: it costs more than `route`'s closures, and routers that never explain
  // (`routing: { explain: false }`, the CLI's `route` without `--explain`) need not pay for it.
  let explainer: CompiledExplainer | undefined;
  const noScope = new DecisionScope({ withinBusinessHours: undefined, agentsAvailable: undefined });
  // Without dynamic facts a decision runs synchronously from start to end, so one Decision is
  // reused; `busy` covers the odd facts getter that routes again while a decision runs.
  const shared = new Decision(compiled.loaders, noScope);
  let busy = false;

  const resume = async (decision: Decision, suspended: Suspended): Promise<RouteDecision> => {
    let outcome: RouteDecision | Suspended = suspended;
    while (outcome instanceof Suspended) {
      await outcome.settled;
      outcome = runRules(compiled, decision, outcome.position);
    }
    return outcome;
  };

  return {
    route(facts) {
      if (!isFacts(facts)) return Promise.reject(invalidFacts(facts));
      let outcome: RouteDecision | Suspended;
      if (compiled.usesDynamicFacts || busy) {
        const decision = new Decision(compiled.loaders, noScope).reset(facts, new DecisionScope(sources));
        try {
          outcome = runRules(compiled, decision, 0);
        } catch (error) {
          return Promise.reject(asDecisionError(error));
        }
        return outcome instanceof Suspended ? resume(decision, outcome).catch((error: unknown) => Promise.reject(asDecisionError(error))) : Promise.resolve(outcome);
      }
      busy = true;
      try {
        outcome = runRules(compiled, shared.reset(facts, noScope), 0);
      } catch (error) {
        return Promise.reject(asDecisionError(error));
      } finally {
        busy = false;
        shared.facts = {};
      }
      // Without dynamic facts nothing can suspend.
      return Promise.resolve(outcome as RouteDecision);
    },

    explain(facts) {
      if (!isFacts(facts)) return Promise.reject(invalidFacts(facts));
      let evaluations: readonly RuleEvaluation[] | Promise<readonly RuleEvaluation[]>;
      try {
        explainer ??= compileExplainer(validated);
        evaluations = evaluateRules(explainer, facts, explainer.usesDynamicFacts ? new DecisionScope(sources) : noScope);
      } catch (error) {
        return Promise.reject(asDecisionError(error));
      }
      if (!(evaluations instanceof Promise)) return Promise.resolve(buildExplanation(validated, evaluations));
      return evaluations.then(
        (settled) => buildExplanation(validated, settled),
        (error: unknown) => Promise.reject(asDecisionError(error)),
      );
    },
  };
}

// Host failures arrive as HandoffError already. Anything else comes from comparing a fact value
// that is not JSON data (json-rules-engine throws on the same value): report it, typed.
function asDecisionError(error: unknown): HandoffError {
  if (isHandoffError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new HandoffError('INVALID_FACTS', `Invalid facts: a value could not be compared (${reason}); facts must be JSON data.`, [], { cause: error });
}

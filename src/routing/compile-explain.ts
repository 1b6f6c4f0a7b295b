// Compiles the rules, once per router, into evaluators that record every condition's outcome and
// the value it saw, following json-rules-engine 7.3's evaluation order (rule.js, prioritizeAndRun)
// so that the same conditions are left not evaluated:
// - an `all` / `any` with two or more conditions splits them into priority sets: a condition on a
//   given fact has priority 2 (the adapter registers given facts so), a condition on a dynamic fact
//   the facts do not give has priority 1 (the computed fact's default, or no fact at all), and a
//   nested `all` / `any` / `not` always has priority 1;
// - the higher set runs first and every condition in it is evaluated (the engine awaits the whole
//   set with Promise.all); the lower set runs only when the first has not settled the outcome;
// - an `all` or `any` of one condition and a `not` evaluate their condition; an empty `all` holds.
import { agentsAvailableFact, withinBusinessHoursFact } from '../rules/dynamic-facts.js';
import { operatorPredicate } from '../rules/operator-semantics.js';
import type { Condition, ConnectionRules, FactCondition } from '../rules/rule-schema.js';
import { evaluationOrder } from './compile.js';
import { Decision, PendingFact, valueOf, type DecisionScope, type Loader } from './decision.js';
import type { ConditionEvaluation, RuleEvaluation } from './evaluation.js';
import type { Facts } from './facts.js';
import { Suspended } from './run-rules.js';
import { SlotTable } from './slots.js';

// Which dynamic facts the facts object gives directly (bit 1: `withinBusinessHours`, bit 2:
// `agentsAvailable`): a given fact's conditions move to the higher priority set.
type GivenDynamicFacts = 0 | 1 | 2 | 3;

type Evaluator = (decision: Decision, given: GivenDynamicFacts) => ConditionEvaluation;

interface CompiledNode {
  readonly evaluate: Evaluator;
  /** The node's record when it is not evaluated: built once, shared by every explanation. */
  readonly skipped: ConditionEvaluation;
  /** The bit of the dynamic fact that, when given, lifts it to the higher set; `always` / `never` for the others. */
  readonly liftedBy: 1 | 2 | 'always' | 'never';
}

/** One rule ready to be explained. */
export interface ExplainingRule {
  readonly index: number;
  readonly evaluate: Evaluator;
}

/** A rule set compiled for `explain`: rules in evaluation order and the loaders of their value slots. */
export interface CompiledExplainer {
  readonly ordered: readonly ExplainingRule[];
  readonly loaders: readonly Loader[];
  /** False when no condition reads a dynamic fact, so explanations need no scope. */
  readonly usesDynamicFacts: boolean;
}

/** Compiles validated rules into evaluators whose records equal json-rules-engine's, condition by condition. */
export function compileExplainer(rules: ConnectionRules): CompiledExplainer {
  const slots = new SlotTable();
  // The root evaluates like a nested all / any / not: json-rules-engine records no result on the
  // root, and the adapter reads the rule's result there instead, which is the same boolean.
  const compiled = rules.rules.map((rule, index) => ({ index, priority: rule.priority, evaluate: compileNode(rule.conditions, slots).evaluate }));
  return { ordered: evaluationOrder(compiled), loaders: slots.loaders, usesDynamicFacts: slots.usesDynamicFacts };
}

// Which dynamic facts `facts` gives directly.
function givenDynamicFacts(facts: Facts): GivenDynamicFacts {
  return ((Object.hasOwn(facts, withinBusinessHoursFact) ? 1 : 0) | (Object.hasOwn(facts, agentsAvailableFact) ? 2 : 0)) as GivenDynamicFacts;
}

/**
 * Evaluates every rule on `facts` and gives the records in file order: synchronously, or as a
 * promise when a host answer (`agentsAvailable`) is still on its way.
 */
export function evaluateRules(
  explainer: CompiledExplainer,
  facts: Facts,
  scope: DecisionScope,
): readonly RuleEvaluation[] | Promise<readonly RuleEvaluation[]> {
  const decision = new Decision(explainer.loaders, scope).reset(facts, scope);
  const given = givenDynamicFacts(facts);
  // Filled by evaluation order, not by index: sized up front so the array stays in fast mode.
  const evaluations = new Array<RuleEvaluation>(explainer.ordered.length);
  const suspended = evaluateFrom(explainer, decision, given, evaluations, 0);
  if (!suspended) return evaluations;
  const resume = async (from: Suspended): Promise<readonly RuleEvaluation[]> => {
    let outcome: Suspended | undefined = from;
    while (outcome) {
      await outcome.settled;
      outcome = evaluateFrom(explainer, decision, given, evaluations, outcome.position);
    }
    return evaluations;
  };
  return resume(suspended);
}

// Evaluates from evaluation position `start`, writing each rule's record at its index. On a
// pending host answer, returns where to resume: the rule runs again and reads the cached answer.
function evaluateFrom(
  explainer: CompiledExplainer,
  decision: Decision,
  given: GivenDynamicFacts,
  into: RuleEvaluation[],
  start: number,
): Suspended | undefined {
  const { ordered } = explainer;
  for (let position = start; position < ordered.length; position++) {
    const rule = ordered[position];
    if (rule === undefined) continue;
    let conditions: ConditionEvaluation;
    try {
      conditions = rule.evaluate(decision, given);
    } catch (error) {
      if (error instanceof PendingFact) return new Suspended(position, error.settled);
      throw error;
    }
    into[rule.index] = { index: rule.index, held: conditions.outcome === true, conditions };
  }
  return undefined;
}

function compileNode(condition: Condition, slots: SlotTable): CompiledNode {
  if ('all' in condition) return compileList(condition.all, 'all', slots);
  if ('any' in condition) return compileList(condition.any, 'any', slots);
  if ('not' in condition) {
    const inner = compileNode(condition.not, slots);
    const evaluate = inner.evaluate;
    return {
      evaluate: (d, g) => {
        const nested = evaluate(d, g);
        return { outcome: !nested.outcome, nested: [nested] };
      },
      skipped: Object.freeze({ outcome: undefined, nested: Object.freeze([inner.skipped]) }),
      liftedBy: 'never',
    };
  }
  return compileLeaf(condition, slots);
}

// The same slot loaders and operator predicates as route's closures: the same value, the same test.
function compileLeaf(condition: FactCondition, slots: SlotTable): CompiledNode {
  const slot = slots.slotOf(condition);
  const test = operatorPredicate(condition.operator, condition.value);
  return {
    evaluate: (d) => {
      const seen = valueOf(d, slot);
      return { outcome: test(seen), seen };
    },
    skipped: Object.freeze({ outcome: undefined }),
    liftedBy: condition.fact === withinBusinessHoursFact ? 1 : condition.fact === agentsAvailableFact ? 2 : 'always',
  };
}

function compileList(conditions: readonly Condition[], operator: 'all' | 'any', slots: SlotTable): CompiledNode {
  const children = conditions.map((c) => compileNode(c, slots));
  const evaluators = children.map((c) => c.evaluate);
  const skippedNested = children.map((c) => c.skipped);
  // The two sets for each combination of given dynamic facts; one set when priorities do not differ.
  const sets = ([0, 1, 2, 3] as const).map((given) => prioritySets(children, given));
  const isAll = operator === 'all';
  return {
    evaluate: (d, g) => {
      const set = sets[g] as PrioritySets;
      const first = set.first;
      const second = set.second;
      const nested = skippedNested.slice();
      // `all` starts true and stays true while every condition holds; `any` the reverse.
      let settled = false;
      for (const i of first) {
        const outcome = record(nested, evaluators, i, d, g);
        if (outcome !== isAll) settled = true;
      }
      if (!settled) {
        for (const i of second) {
          const outcome = record(nested, evaluators, i, d, g);
          if (outcome !== isAll) settled = true;
        }
      }
      return { outcome: isAll ? !settled : settled, nested };
    },
    skipped: Object.freeze({ outcome: undefined, nested: Object.freeze(skippedNested.slice()) }),
    liftedBy: 'never',
  };
}

// Evaluates child `i` into `nested` and gives whether it held (exactly `true`, as the engine asks).
function record(nested: ConditionEvaluation[], evaluators: readonly Evaluator[], i: number, d: Decision, g: GivenDynamicFacts): boolean {
  const evaluation = (evaluators[i] as Evaluator)(d, g);
  nested[i] = evaluation;
  return evaluation.outcome === true;
}

interface PrioritySets {
  readonly first: readonly number[];
  readonly second: readonly number[];
}

function prioritySets(children: readonly CompiledNode[], given: GivenDynamicFacts): PrioritySets {
  const high: number[] = [];
  const low: number[] = [];
  children.forEach((child, i) => {
    const lifted = child.liftedBy === 'always' || (child.liftedBy !== 'never' && (given & child.liftedBy) !== 0);
    (lifted ? high : low).push(i);
  });
  // A single condition, or conditions of one priority, form one set that is evaluated whole.
  if (children.length < 2 || high.length === 0 || low.length === 0) return { first: children.map((_, i) => i), second: [] };
  return { first: high, second: low };
}

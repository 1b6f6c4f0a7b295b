import type { Condition, ConnectionRules } from '../rules/rule-schema.js';
import { readFact, valueAtPath } from '../routing/facts.js';
import type { Choices } from './choices.js';
import { consistentAt, type FactModel, type Literal } from './fact-model.js';

/**
 * What a generated facts object aims at: a rule winning (it holds and every rule ranked before it
 * fails), a rule holding (whatever else holds), or the default (no rule holds).
 */
export type Goal = { readonly kind: 'wins' | 'holds'; readonly index: number } | { readonly kind: 'default' };

/** Rule positions in decision order: highest priority first, then position in the file. */
export function decisionOrder(rules: ConnectionRules): number[] {
  return rules.rules.map((_, index) => index).sort((a, b) => (rules.rules[b]?.priority ?? 0) - (rules.rules[a]?.priority ?? 0) || a - b);
}

/**
 * Chooses the fact conditions that must come out true or false for `goal`: for a rule to hold,
 * every condition of an `all`, one (chosen) condition of an `any`, the opposite under a `not`;
 * for it to fail, one (chosen) condition of an `all`, every condition of an `any`.
 */
export function planGoal(rules: ConnectionRules, model: FactModel, goal: Goal, choices: Choices): Literal[] {
  const literals: Literal[] = [];
  const literalOf = (condition: Condition, want: boolean): Literal | undefined => {
    const leaf = 'fact' in condition ? model.leaves.get(condition) : undefined;
    return leaf && { ...leaf.location, predicate: leaf.predicate, want };
  };
  // One of `options` made to come out `want`: from a random start, the first that is not a fact
  // condition contradicting what is planned already on the same place.
  const pickOne = (options: readonly Condition[], want: boolean): Condition | undefined => {
    const start = choices.pick(options.length);
    for (let k = 0; k < options.length; k++) {
      const option = options[(start + k) % options.length];
      const literal = option && literalOf(option, want);
      if (option && (!literal || consistentAt(model, literals, literal))) return option;
    }
    return options[start];
  };
  const plan = (condition: Condition, want: boolean): void => {
    if ('all' in condition) {
      if (want) condition.all.forEach((c) => { plan(c, true); });
      else {
        // An empty `all` always holds: nothing can make it fail, and the builder does its best.
        const chosen = pickOne(condition.all, false);
        if (chosen) plan(chosen, false);
      }
    } else if ('any' in condition) {
      if (want) {
        const chosen = pickOne(condition.any, true);
        if (chosen) plan(chosen, true);
      } else condition.any.forEach((c) => { plan(c, false); });
    } else if ('not' in condition) plan(condition.not, !want);
    else {
      const literal = literalOf(condition, want);
      if (literal) literals.push(literal);
    }
  };
  if (goal.kind === 'default') {
    for (const rule of rules.rules) plan(rule.conditions, false);
    return literals;
  }
  const target = rules.rules[goal.index];
  if (!target) return literals;
  plan(target.conditions, true);
  if (goal.kind === 'wins') {
    for (const index of decisionOrder(rules)) {
      if (index === goal.index) break;
      const earlier = rules.rules[index];
      if (earlier) plan(earlier.conditions, false);
    }
  }
  return literals;
}

/**
 * Whether `facts` reach `goal`, by the operators' exact semantics on the facts as given (a dynamic
 * fact that is not given reads as missing). Only for steering the generator: the helpers always
 * ask the router itself.
 */
export function reachesGoal(rules: ConnectionRules, model: FactModel, goal: Goal, facts: Readonly<Record<string, unknown>>): boolean {
  const holds = (condition: Condition): boolean => {
    if ('all' in condition) return condition.all.every(holds);
    if ('any' in condition) return condition.any.some(holds);
    if ('not' in condition) return !holds(condition.not);
    const leaf = model.leaves.get(condition);
    return leaf !== undefined && leaf.predicate(valueAtPath(readFact(facts, leaf.location.fact), leaf.location.segments));
  };
  if (goal.kind === 'default') return rules.rules.every((rule) => !holds(rule.conditions));
  const target = rules.rules[goal.index];
  if (!target || !holds(target.conditions)) return false;
  if (goal.kind === 'holds') return true;
  for (const index of decisionOrder(rules)) {
    if (index === goal.index) return true;
    const earlier = rules.rules[index];
    if (earlier && holds(earlier.conditions)) return false;
  }
  return true;
}

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
export function decisionOrder(rules: ConnectionRules): readonly number[] {
  let order = orders.get(rules);
  if (!order) {
    order = rules.rules.map((_, index) => index).sort((a, b) => (rules.rules[b]?.priority ?? 0) - (rules.rules[a]?.priority ?? 0) || a - b);
    orders.set(rules, order);
  }
  return order;
}

const orders = new WeakMap<ConnectionRules, readonly number[]>();

/**
 * Chooses the fact conditions that must come out true or false for `goal`: for a rule to hold,
 * every condition of an `all`, one (chosen) condition of an `any`, the opposite under a `not`;
 * for it to fail, one (chosen) condition of an `all`, every condition of an `any`. A choice is
 * planned on trial and kept only if none of its fact conditions contradicts what is planned on
 * the same place (say, `intent equal "refund"` made to fail for an earlier rule when the goal
 * needs it to hold); when every option contradicts, the first is kept and the builder does its best.
 */
export function planGoal(rules: ConnectionRules, model: FactModel, goal: Goal, choices: Choices): Literal[] {
  const literals: Literal[] = [];
  const byPlace = new Map<string, Literal[]>();
  const commit = (planned: readonly Literal[]): void => {
    for (const literal of planned) {
      literals.push(literal);
      const list = byPlace.get(literal.key);
      if (list) list.push(literal);
      else byPlace.set(literal.key, [literal]);
    }
  };
  // Plans `condition` into `out`; false when one of its fact conditions contradicts the plan so
  // far: what is committed, what is `pending` around it in this rule, and `out` itself.
  const plan = (condition: Condition, want: boolean, pending: readonly Literal[], out: Literal[]): boolean => {
    if ('all' in condition || 'any' in condition) {
      const isAll = 'all' in condition;
      const list = isAll ? condition.all : condition.any;
      // all → true and any → false need every item; the other two need one item, chosen.
      if (isAll === want) return list.map((c) => plan(c, want, pending, out)).every(Boolean);
      // An empty `all` cannot fail (nor an empty `any` hold): nothing to plan.
      if (list.length === 0) return false;
      const start = choices.pick(list.length);
      const around = [...pending, ...out];
      let first: Literal[] | undefined;
      for (let k = 0; k < list.length; k++) {
        const item = list[(start + k) % list.length];
        if (item === undefined) continue;
        const trial: Literal[] = [];
        const ok = plan(item, want, around, trial);
        first ??= trial;
        if (ok) {
          out.push(...trial);
          return true;
        }
      }
      out.push(...(first ?? []));
      return false;
    }
    if ('not' in condition) return plan(condition.not, !want, pending, out);
    const leaf = model.leaves.get(condition);
    if (!leaf) return true;
    const literal: Literal = { ...leaf.location, key: leaf.key, predicate: leaf.predicate, want };
    const same = [...(byPlace.get(literal.key) ?? []), ...pending.filter((l) => l.key === literal.key), ...out.filter((l) => l.key === literal.key)];
    out.push(literal);
    return consistentAt(model, same, literal);
  };
  const planAndCommit = (condition: Condition, want: boolean): void => {
    const out: Literal[] = [];
    plan(condition, want, [], out);
    commit(out);
  };
  if (goal.kind === 'default') {
    for (const rule of rules.rules) planAndCommit(rule.conditions, false);
    return literals;
  }
  const target = rules.rules[goal.index];
  if (!target) return literals;
  planAndCommit(target.conditions, true);
  if (goal.kind === 'wins') {
    for (const index of decisionOrder(rules)) {
      if (index === goal.index) break;
      const earlier = rules.rules[index];
      if (earlier) planAndCommit(earlier.conditions, false);
    }
  }
  return literals;
}

/**
 * Whether a rule's conditions hold on `facts`, by the operators' exact semantics on the facts as
 * given (a dynamic fact that is not given reads as missing, where a router would ask its host).
 */
export function conditionHolds(model: FactModel, condition: Condition, facts: Readonly<Record<string, unknown>>): boolean {
  if ('all' in condition) return condition.all.every((c) => conditionHolds(model, c, facts));
  if ('any' in condition) return condition.any.some((c) => conditionHolds(model, c, facts));
  if ('not' in condition) return !conditionHolds(model, condition.not, facts);
  const leaf = model.leaves.get(condition);
  return leaf !== undefined && leaf.predicate(valueAtPath(readFact(facts, leaf.location.fact), leaf.location.segments));
}

/** Whether `facts` reach `goal` (see `conditionHolds`): only for steering generation, the helpers ask the router. */
export function reachesGoal(rules: ConnectionRules, model: FactModel, goal: Goal, facts: Readonly<Record<string, unknown>>): boolean {
  const holds = (condition: Condition): boolean => conditionHolds(model, condition, facts);
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

// Compiles validated rule JSON into closures, once per router: value slots shared by conditions
// that read the same fact, path and params; inline equality guards; a rule index.
import { isDynamicFact } from '../rules/dynamic-facts.js';
import { operatorPredicate } from '../rules/operator-semantics.js';
import type { Condition, ConnectionRules, FactCondition } from '../rules/rule-schema.js';
import { unread, type Decision, type Loader } from './decision.js';
import { SlotTable } from './slots.js';
import type { RouteDecision } from './target-schema.js';

/** A compiled condition: synchronous, and reads each value at most once per decision. */
export type CompiledCondition = (decision: Decision) => boolean;

/** One rule ready for the hot path, with its decision built once. */
export interface CompiledRule {
  readonly index: number;
  readonly priority: number;
  /**
   * Up to two slots the rule needs to equal the matching values (`equal` conditions on given
   * facts directly under the root `all`), checked inline before any closure is called; -1 when
   * the rule has none.
   */
  readonly guardSlot: number;
  readonly guardValue: unknown;
  readonly guardSlot2: number;
  readonly guardValue2: unknown;
  /** The rule's conditions, without the guards. */
  readonly holds: CompiledCondition;
  readonly decision: RouteDecision;
}

/** A rule set compiled to closures: rules in evaluation order (priority, then order in the file). */
export interface CompiledRules {
  readonly ordered: readonly CompiledRule[];
  readonly fallback: RouteDecision;
  /** How each value slot is read; a `Decision` needs them. */
  readonly loaders: readonly Loader[];
  /** False when no condition reads a dynamic fact, so decisions need no scope. */
  readonly usesDynamicFacts: boolean;
  /** Rules bucketed by the value one slot must equal, when enough rules share such a slot. */
  readonly index: RuleIndex | undefined;
}

/**
 * A rule whose root `all` holds `{ fact, path, operator: 'equal', value: c }` can only hold when
 * that slot's value is `c` (`===`). The index maps each such `c` to the evaluation positions of
 * its rules; rules without an equal on the slot are always candidates. Map lookup uses
 * SameValueZero, which agrees with `===` here because no validated value is NaN.
 */
export interface RuleIndex {
  readonly slot: number;
  readonly buckets: ReadonlyMap<unknown, readonly number[]>;
  /** Positions of the rules that are candidates whatever the slot's value. */
  readonly always: readonly number[];
}

/** Compiles validated rules into closures that mirror json-rules-engine's semantics exactly. */
export function compileRules(rules: ConnectionRules): CompiledRules {
  const slots = new SlotTable();
  const compiled = rules.rules.map((rule, index): CompiledRule => {
    const decision = Object.freeze({ target: rule.event, rule: rule.name });
    const root = rule.conditions;
    // Conditions are pure, so testing the guards first changes no outcome, only the work done.
    const guards = 'all' in root ? root.all.filter(isGuard).slice(0, 2) : [];
    const [first, second] = guards;
    const rest = 'all' in root ? root.all.filter((c) => !guards.includes(c as FactCondition)) : [];
    return {
      index,
      priority: rule.priority,
      guardSlot: first ? slots.slotOf(first) : -1,
      guardValue: first?.value,
      guardSlot2: second ? slots.slotOf(second) : -1,
      guardValue2: second?.value,
      holds: first ? allOf(rest.map((c) => compileCondition(c, slots))) : compileCondition(root, slots),
      decision,
    };
  });
  const ordered = evaluationOrder(compiled);
  return {
    ordered,
    fallback: Object.freeze({ target: rules.default, rule: null }),
    loaders: slots.loaders,
    usesDynamicFacts: slots.usesDynamicFacts,
    index: buildIndex(rules, ordered, slots),
  };
}

// Picks the slot that removes the most candidates (rules covered minus the largest bucket), and
// indexes only when that saves real work.
function buildIndex(rules: ConnectionRules, ordered: readonly CompiledRule[], slots: SlotTable): RuleIndex | undefined {
  const equalsBySlot = new Map<number, Map<number, unknown>>();
  for (const rule of ordered) {
    const root = rules.rules[rule.index]?.conditions;
    if (!root || !('all' in root)) continue;
    for (const child of root.all) {
      if (!isGuard(child)) continue;
      const slot = slots.slotOf(child);
      const byRule = equalsBySlot.get(slot) ?? new Map<number, unknown>();
      if (!byRule.has(rule.index)) byRule.set(rule.index, child.value);
      equalsBySlot.set(slot, byRule);
    }
  }
  let best: { slot: number; byRule: Map<number, unknown>; saving: number } | undefined;
  for (const [slot, byRule] of equalsBySlot) {
    const sizes = new Map<unknown, number>();
    for (const value of byRule.values()) sizes.set(value, (sizes.get(value) ?? 0) + 1);
    const saving = byRule.size - Math.max(...sizes.values());
    if (!best || saving > best.saving) best = { slot, byRule, saving };
  }
  if (!best || best.saving < 4) return undefined;
  const buckets = new Map<unknown, number[]>();
  const always: number[] = [];
  ordered.forEach((rule, position) => {
    if (!best.byRule.has(rule.index)) always.push(position);
    else {
      const value = best.byRule.get(rule.index);
      const bucket = buckets.get(value) ?? [];
      bucket.push(position);
      buckets.set(value, bucket);
    }
  });
  return { slot: best.slot, buckets, always };
}

function isGuard(condition: Condition): condition is FactCondition {
  return 'fact' in condition && condition.operator === 'equal' && !isDynamicFact(condition.fact);
}

/** Sorts by priority (highest first), keeping the order of the file within a priority. */
export function evaluationOrder<T extends { readonly priority: number; readonly index: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => b.priority - a.priority || a.index - b.index);
}

function compileCondition(condition: Condition, slots: SlotTable): CompiledCondition {
  if ('all' in condition) return allOf(condition.all.map((c) => compileCondition(c, slots)));
  if ('any' in condition) return anyOf(condition.any.map((c) => compileCondition(c, slots)));
  if ('not' in condition) {
    const inner = compileCondition(condition.not, slots);
    return (d) => !inner(d);
  }
  return compileLeaf(condition, slots.slotOf(condition));
}

function allOf(parts: readonly CompiledCondition[]): CompiledCondition {
  const [a, b, c] = parts;
  if (a === undefined) return () => true;
  if (b === undefined) return a;
  if (c === undefined) return (d) => a(d) && b(d);
  if (parts.length === 3) return (d) => a(d) && b(d) && c(d);
  return (d) => {
    for (const part of parts) if (!part(d)) return false;
    return true;
  };
}

function anyOf(parts: readonly CompiledCondition[]): CompiledCondition {
  const [a, b, c] = parts;
  // An empty `any` is rejected at load (json-rules-engine would call it true).
  if (a === undefined) return () => true;
  if (b === undefined) return a;
  if (c === undefined) return (d) => a(d) || b(d);
  if (parts.length === 3) return (d) => a(d) || b(d) || c(d);
  return (d) => {
    for (const part of parts) if (part(d)) return true;
    return false;
  };
}

// The common operators get their own closure so the comparison is inlined; the others share the
// predicate from operator-semantics. Both mirror json-rules-engine, as the property tests check.
function compileLeaf(condition: FactCondition, slot: number): CompiledCondition {
  const value = condition.value;
  switch (condition.operator) {
    case 'equal':
      return (d) => {
        const v = d.values[slot];
        return (v === unread ? d.load(slot) : v) === value;
      };
    case 'notEqual':
      return (d) => {
        const v = d.values[slot];
        return (v === unread ? d.load(slot) : v) !== value;
      };
    default: {
      const test = operatorPredicate(condition.operator, value);
      return (d) => {
        const v = d.values[slot];
        return test(v === unread ? d.load(slot) : v);
      };
    }
  }
}

import { agentsAvailableFact, isDynamicFact, withinBusinessHoursFact, type AgentAvailabilityQuery } from '../rules/dynamic-facts.js';
import { operatorPredicate } from '../rules/operator-semantics.js';
import { parsePropertyPath, type PathSegment } from '../rules/property-path.js';
import type { Condition, ConnectionRules, FactCondition } from '../rules/rule-schema.js';
import type { DynamicFactSources } from './dynamic-fact-sources.js';
import { valueAtPath, type Facts } from './facts.js';
import type { RouteDecision } from './target-schema.js';

/** Thrown through a synchronous evaluation when a dynamic fact is still being computed. */
export class PendingFact {
  constructor(readonly settled: Promise<unknown>) {}
}

type AgentsEntry =
  | { readonly state: 'pending'; readonly settled: Promise<unknown> }
  | { readonly state: 'done'; readonly value: boolean }
  | { readonly state: 'failed'; readonly error: Error };

/**
 * The dynamic fact values of one decision: each is computed at most once, and only when a
 * condition reaches it. A host answer that is a promise suspends the evaluation (`PendingFact`);
 * the router awaits it and evaluates the same rule again, which then reads the cached value.
 */
export class DecisionScope {
  private openNow: boolean | undefined;
  private openKnown = false;
  private agents: Map<string, AgentsEntry> | undefined;

  constructor(private readonly sources: DynamicFactSources) {}

  /** `withinBusinessHours` for this decision, or `undefined` when no schedule is configured. */
  withinBusinessHours(): boolean | undefined {
    if (!this.openKnown) {
      this.openNow = this.sources.withinBusinessHours?.();
      this.openKnown = true;
    }
    return this.openNow;
  }

  /** `agentsAvailable` for one query, or `undefined` when no host function is configured. */
  agentsAvailable(key: string, query: AgentAvailabilityQuery): boolean | undefined {
    const ask = this.sources.agentsAvailable;
    if (!ask) return undefined;
    this.agents ??= new Map();
    let entry = this.agents.get(key);
    if (!entry) {
      const answer = ask(query);
      if (typeof answer === 'boolean') entry = { state: 'done', value: answer };
      else {
        const agents = this.agents;
        const settled = answer.then(
          (value) => agents.set(key, { state: 'done', value }),
          (error: unknown) => agents.set(key, { state: 'failed', error: error instanceof Error ? error : new Error(String(error)) }),
        );
        entry = { state: 'pending', settled };
      }
      this.agents.set(key, entry);
    }
    switch (entry.state) {
      case 'done':
        return entry.value;
      case 'pending':
        // Not an Error on purpose: it is control flow, and capturing a stack would cost time.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw new PendingFact(entry.settled);
      case 'failed':
        throw entry.error;
    }
  }
}

// Marks a value slot that this decision has not read yet.
const unread: unique symbol = Symbol('unread');

type Loader = (facts: Facts, scope: DecisionScope) => unknown;

/**
 * The state of one decision: the facts, the dynamic-fact scope, and each distinct value the
 * conditions read (a fact with its path and params), read at most once and only when needed.
 * A router reuses one `Decision` for decisions that finish synchronously.
 */
export class Decision {
  readonly values: unknown[];
  facts: Facts = {};
  scope: DecisionScope;

  constructor(
    private readonly loaders: readonly Loader[],
    scope: DecisionScope,
  ) {
    this.scope = scope;
    this.values = loaders.map(() => unread);
  }

  /** Starts a new decision on `facts`: every slot unread again. */
  reset(facts: Facts, scope: DecisionScope): this {
    this.facts = facts;
    this.scope = scope;
    const values = this.values;
    for (let i = 0; i < values.length; i++) values[i] = unread;
    return this;
  }

  /** Reads slot `slot` for the first time (a `PendingFact` may come out of a dynamic fact). */
  load(slot: number): unknown {
    const loader = this.loaders[slot];
    const value = loader ? loader(this.facts, this.scope) : undefined;
    this.values[slot] = value;
    return value;
  }
}

/** Reads a slot of a decision, loading it on first use. */
export function valueOf(decision: Decision, slot: number): unknown {
  const v = decision.values[slot];
  return v === unread ? decision.load(slot) : v;
}

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

const noPositions: readonly number[] = [];

function isGuard(condition: Condition): condition is FactCondition {
  return 'fact' in condition && condition.operator === 'equal' && !isDynamicFact(condition.fact);
}

/** A decision that waits for a dynamic fact: resume at rule `position` once `settled` resolves. */
export class Suspended {
  constructor(
    readonly position: number,
    readonly settled: Promise<unknown>,
  ) {}
}

/**
 * Runs the compiled rules from evaluation position `start`: the first rule that holds wins, else
 * the fallback. Synchronous; returns `Suspended` when a host answer is still on its way.
 */
export function runRules(compiled: CompiledRules, decision: Decision, start: number): RouteDecision | Suspended {
  const { ordered, index } = compiled;
  if (!index) {
    for (let i = start; i < ordered.length; i++) {
      const outcome = tryRule(ordered, i, decision);
      if (outcome !== undefined) return outcome;
    }
    return compiled.fallback;
  }
  // Walk the value's bucket and the always-candidates together, in evaluation order.
  const bucket = index.buckets.get(valueOf(decision, index.slot)) ?? noPositions;
  const always = index.always;
  let b = 0;
  let a = 0;
  for (;;) {
    const nextB = bucket[b] ?? Infinity;
    const nextA = always[a] ?? Infinity;
    const position = nextB < nextA ? nextB : nextA;
    if (position === Infinity) return compiled.fallback;
    if (position === nextB) b++;
    else a++;
    if (position < start) continue;
    const outcome = tryRule(ordered, position, decision);
    if (outcome !== undefined) return outcome;
  }
}

// The decision when the rule at `position` holds, `undefined` when it does not.
function tryRule(ordered: readonly CompiledRule[], position: number, decision: Decision): RouteDecision | Suspended | undefined {
  const rule = ordered[position];
  if (rule === undefined) return undefined;
  try {
    const slot = rule.guardSlot;
    if (slot >= 0) {
      const v = decision.values[slot];
      if ((v === unread ? decision.load(slot) : v) !== rule.guardValue) return undefined;
      const slot2 = rule.guardSlot2;
      if (slot2 >= 0) {
        const w = decision.values[slot2];
        if ((w === unread ? decision.load(slot2) : w) !== rule.guardValue2) return undefined;
      }
    }
    return rule.holds(decision) ? rule.decision : undefined;
  } catch (error) {
    if (error instanceof PendingFact) return new Suspended(position, error.settled);
    throw error;
  }
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

// One slot per distinct value the conditions read: the same fact, path and params share a slot.
class SlotTable {
  readonly loaders: Loader[] = [];
  usesDynamicFacts = false;
  private readonly byKey = new Map<string, number>();

  slotOf(condition: FactCondition): number {
    const segments = condition.path === undefined ? undefined : parsePropertyPath(condition.path);
    if (condition.path !== undefined && !segments) throw new Error(`agent-handoff: unvalidated path ${condition.path}`);
    const key = JSON.stringify([condition.fact, segments ?? null, condition.params ?? null]);
    let slot = this.byKey.get(key);
    if (slot === undefined) {
      slot = this.loaders.length;
      this.loaders.push(this.loader(condition, segments));
      this.byKey.set(key, slot);
    }
    return slot;
  }

  private loader(condition: FactCondition, segments: readonly PathSegment[] | undefined): Loader {
    const name = condition.fact;
    let read: Loader;
    // A fact given in the facts object wins over the computed one, as a runtime fact does in json-rules-engine.
    if (name === withinBusinessHoursFact) {
      this.usesDynamicFacts = true;
      read = (f, s) => (Object.hasOwn(f, name) ? f[name] : s.withinBusinessHours());
    } else if (name === agentsAvailableFact && condition.params) {
      this.usesDynamicFacts = true;
      const query = condition.params;
      const key = JSON.stringify(query);
      read = (f, s) => (Object.hasOwn(f, name) ? f[name] : s.agentsAvailable(key, query));
    } else {
      read = (f) => (Object.hasOwn(f, name) ? f[name] : undefined);
    }
    if (!segments) return read;
    const [only] = segments;
    if (segments.length === 1 && only !== undefined) {
      // The common `$.key`, unrolled: json-rules-engine follows the path only into objects.
      return (f, s) => {
        const value = read(f, s);
        if (value === null || typeof value !== 'object') return value;
        return Object.hasOwn(value, only) ? (value as Record<PathSegment, unknown>)[only] : undefined;
      };
    }
    return (f, s) => valueAtPath(read(f, s), segments);
  }
}

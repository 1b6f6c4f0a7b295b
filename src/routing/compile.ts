import { agentsAvailableFact, withinBusinessHoursFact, type AgentAvailabilityQuery } from '../rules/dynamic-facts.js';
import { operatorPredicate } from '../rules/operator-semantics.js';
import { parsePropertyPath } from '../rules/property-path.js';
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

/** A compiled condition: synchronous, allocation-free on static facts. */
export type CompiledCondition = (facts: Facts, scope: DecisionScope) => boolean;

/** One rule ready for the hot path, with its decision built once. */
export interface CompiledRule {
  readonly index: number;
  readonly priority: number;
  readonly holds: CompiledCondition;
  readonly decision: RouteDecision;
}

/** A rule set compiled to closures: rules in evaluation order (priority, then order in the file). */
export interface CompiledRules {
  readonly ordered: readonly CompiledRule[];
  readonly fallback: RouteDecision;
  /** False when no condition reads a dynamic fact, so decisions need no scope. */
  readonly usesDynamicFacts: boolean;
}

/** Compiles validated rules into closures that mirror json-rules-engine's semantics exactly. */
export function compileRules(rules: ConnectionRules): CompiledRules {
  let usesDynamicFacts = false;
  const onDynamic = (): void => {
    usesDynamicFacts = true;
  };
  const compiled = rules.rules.map(
    (rule, index): CompiledRule => ({
      index,
      priority: rule.priority,
      holds: compileCondition(rule.conditions, onDynamic),
      decision: Object.freeze({ target: rule.event, rule: rule.name }),
    }),
  );
  return {
    ordered: evaluationOrder(compiled),
    fallback: Object.freeze({ target: rules.default, rule: null }),
    usesDynamicFacts,
  };
}

/** Sorts by priority (highest first), keeping the order of the file within a priority. */
export function evaluationOrder<T extends { readonly priority: number; readonly index: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => b.priority - a.priority || a.index - b.index);
}

function compileCondition(condition: Condition, onDynamic: () => void): CompiledCondition {
  if ('all' in condition) {
    const parts = condition.all.map((c) => compileCondition(c, onDynamic));
    const [first, second] = parts;
    if (parts.length === 0 || first === undefined) return () => true;
    if (parts.length === 1) return first;
    if (parts.length === 2 && second) return (f, s) => first(f, s) && second(f, s);
    return (f, s) => {
      for (const part of parts) if (!part(f, s)) return false;
      return true;
    };
  }
  if ('any' in condition) {
    const parts = condition.any.map((c) => compileCondition(c, onDynamic));
    const [first, second] = parts;
    // An empty `any` is rejected at load; json-rules-engine would call it true.
    if (parts.length === 0 || first === undefined) return () => true;
    if (parts.length === 1) return first;
    if (parts.length === 2 && second) return (f, s) => first(f, s) || second(f, s);
    return (f, s) => {
      for (const part of parts) if (part(f, s)) return true;
      return false;
    };
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not, onDynamic);
    return (f, s) => !inner(f, s);
  }
  const test = operatorPredicate(condition.operator, condition.value);
  const read = compileAccessor(condition, onDynamic);
  return (f, s) => test(read(f, s));
}

/** Compiles how a condition reads its value: the fact, computed on demand if dynamic, then the path. */
export function compileAccessor(condition: FactCondition, onDynamic: () => void): (facts: Facts, scope: DecisionScope) => unknown {
  const name = condition.fact;
  let read: (facts: Facts, scope: DecisionScope) => unknown;
  // A fact given in the facts object wins over the computed one, as a runtime fact does in json-rules-engine.
  if (name === withinBusinessHoursFact) {
    onDynamic();
    read = (f, s) => (Object.hasOwn(f, name) ? f[name] : s.withinBusinessHours());
  } else if (name === agentsAvailableFact && condition.params) {
    onDynamic();
    const query = condition.params;
    const key = JSON.stringify(query);
    read = (f, s) => (Object.hasOwn(f, name) ? f[name] : s.agentsAvailable(key, query));
  } else {
    read = (f) => (Object.hasOwn(f, name) ? f[name] : undefined);
  }
  if (condition.path === undefined) return read;
  const segments = parsePropertyPath(condition.path);
  if (!segments) throw new Error(`agent-handoff: unvalidated path ${condition.path}`);
  return (f, s) => valueAtPath(read(f, s), segments);
}

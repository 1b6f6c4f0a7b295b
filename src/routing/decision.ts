// The state of one routing decision on the hot path: the value slots its conditions read, and
// the dynamic facts, each computed at most once and only when a condition reaches it.
import type { AgentAvailabilityQuery } from '../rules/dynamic-facts.js';
import type { DynamicFactSources } from './dynamic-fact-sources.js';
import type { Facts } from './facts.js';

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

/** Marks a value slot that the current decision has not read yet. */
export const unread: unique symbol = Symbol('unread');

/** Reads one value slot: a fact (computed on demand if dynamic), then its path. */
export type Loader = (facts: Facts, scope: DecisionScope) => unknown;

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

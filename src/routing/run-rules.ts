// The hot loop: first rule that holds in evaluation order, through the rule index when there is one.
import type { CompiledRule, CompiledRules } from './compile.js';
import { PendingFact, unread, valueOf, type Decision } from './decision.js';
import type { RouteDecision } from './target-schema.js';

const noPositions: readonly number[] = [];

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

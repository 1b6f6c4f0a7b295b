import fc from 'fast-check';
import type { ConnectionRules } from '../rules/rule-schema.js';
import { fromChoices, type Choices } from './choices.js';
import { setOwn } from '../set-own.js';
import { buildFacts, factModel } from './fact-model.js';
import { planGoal, reachesGoal, type Goal } from './goals.js';
import { toRules, type RulesInput } from './rules-input.js';

/** Options of `factsFor`. */
export interface FactsForOptions {
  /**
   * Aim every facts object at one outcome: a rule's name for facts where that rule should win,
   * `null` for facts where no rule should hold (the default). Without it, facts aim at every rule
   * and the default in turn, mixed with noise.
   */
  readonly winner?: string | null;
  /**
   * Whether to mix in noise: aimed facts with one fact dropped, retyped or renamed, and facts
   * aimed at nothing. Default `true` unless `winner` is given.
   */
  readonly noise?: boolean;
  /**
   * Whether facts give `withinBusinessHours` and `agentsAvailable` directly when the rules read
   * them (`'given'`, the default: a given fact wins over the router's computed one), or leave
   * them to the router's `businessHours` and `agentsAvailable` options (`'host'`).
   */
  readonly dynamicFacts?: 'given' | 'host';
}

/** A facts object: the top-level keys are the facts the router decides on. */
export type RoutingFacts = Record<string, unknown>;

const dynamicFactNames = new Set(['withinBusinessHours', 'agentsAvailable']);

/**
 * A fast-check arbitrary of facts objects derived from a rule set: it reads every condition
 * (operators, values, `path`s, nested `all` / `any` / `not`) and builds facts that make each rule
 * win in turn and that reach the default, mixed with noise (missing facts, values of the wrong
 * type, unknown facts). Aiming is best effort: rules whose conditions contradict each other, or
 * that an earlier rule always shadows, are aimed at but cannot be reached.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { factsFor } from 'agent-handoff/testing';
 *
 * fc.assert(fc.asyncProperty(factsFor(rules), async (facts) => {
 *   const { target } = await router.route(facts);
 *   return target.type !== 'workflow' || facts.channel !== 'voice';
 * }));
 * ```
 */
export function factsFor(rules: RulesInput, options: FactsForOptions = {}): fc.Arbitrary<RoutingFacts> {
  const loaded = toRules(rules);
  const host = options.dynamicFacts === 'host';
  if (options.winner !== undefined) {
    const goal = goalFor(loaded, options.winner);
    const aimed = goalArbitrary(loaded, goal, host);
    return options.noise === true ? withNoise(loaded, [aimed], host) : aimed;
  }
  const goals: Goal[] = [...loaded.rules.map((_, index): Goal => ({ kind: 'wins', index })), { kind: 'default' }];
  const aimed = goals.map((goal) => goalArbitrary(loaded, goal, host));
  return options.noise === false ? fc.oneof(...aimed) : withNoise(loaded, aimed, host);
}

/** Facts aimed at `goal` (internal: the witness search aims at "holds" too). */
export function goalArbitrary(rules: ConnectionRules, goal: Goal, host: boolean): fc.Arbitrary<RoutingFacts> {
  const model = factModel(rules);
  return fromChoices(tapeLength(rules), (choices) => {
    // A plan can pick conditions that contradict each other (a rule ranked earlier made to fail by
    // the very condition the goal needs): try other choices a few times, keep the last attempt.
    let facts: RoutingFacts = {};
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const literals = planGoal(rules, model, goal, choices).filter((l) => !(host && dynamicFactNames.has(l.fact)));
      facts = buildFacts(model, literals, choices);
      if (host) for (const name of dynamicFactNames) Reflect.deleteProperty(facts, name);
      if (reachesGoal(rules, model, goal, facts)) break;
    }
    return facts;
  });
}

const maxAttempts = 8;

function goalFor(rules: ConnectionRules, winner: string | null): Goal {
  if (winner === null) return { kind: 'default' };
  const index = rules.rules.findIndex((rule) => rule.name === winner);
  if (index < 0) {
    const names = rules.rules.map((rule) => JSON.stringify(rule.name)).join(', ');
    throw new RangeError(`factsFor: no rule named ${JSON.stringify(winner)}; the rules are ${names || '(none)'}`);
  }
  return { kind: 'wins', index };
}

// Enough tape for one choice per condition and place; beyond it the salt takes over.
function tapeLength(rules: ConnectionRules): number {
  const model = factModel(rules);
  return Math.min(64, model.leaves.size * 2 + model.facts.size + 4);
}

function withNoise(rules: ConnectionRules, aimed: readonly fc.Arbitrary<RoutingFacts>[], host: boolean): fc.Arbitrary<RoutingFacts> {
  const names = [...factModel(rules).facts.keys()].filter((name) => !(host && dynamicFactNames.has(name)));
  const wild = goalArbitraryForNothing(rules, host);
  const mutated = fc.oneof(...aimed).chain((facts) => fromChoices(4, (choices) => mutate(facts, names, choices)));
  return fc.oneof(
    { arbitrary: fc.oneof(...aimed), weight: 6 },
    { arbitrary: mutated, weight: 2 },
    { arbitrary: wild, weight: 1 },
    { arbitrary: fc.tuple(wild, fc.dictionary(fc.constantFrom(...names, 'unknownFact'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 })).map(([facts, extra]) => ({ ...facts, ...extra })), weight: 1 },
  );
}

// Facts aimed at no outcome: every place filled at random from the same candidates.
function goalArbitraryForNothing(rules: ConnectionRules, host: boolean): fc.Arbitrary<RoutingFacts> {
  const model = factModel(rules);
  return fromChoices(tapeLength(rules), (choices) => {
    const facts = buildFacts(model, [], choices);
    if (host) for (const name of dynamicFactNames) Reflect.deleteProperty(facts, name);
    return facts;
  });
}

// One small change that a real payload might carry: a fact dropped, retyped, or an unknown one added.
function mutate(facts: RoutingFacts, names: readonly string[], choices: Choices): RoutingFacts {
  const out: RoutingFacts = { ...facts };
  const name = names[choices.pick(names.length)];
  switch (choices.pick(3)) {
    case 0:
      if (name !== undefined) Reflect.deleteProperty(out, name);
      break;
    case 1:
      if (name !== undefined) setOwn(out, name, retyped(out[name], choices));
      break;
    default:
      setOwn(out, 'unknownFact', 'noise');
  }
  return out;
}

// Another JSON value for the same fact: null, its string or number form, wrapped in an array or object.
function retyped(value: unknown, choices: Choices): unknown {
  if (value === undefined) return ['x', 0, true][choices.pick(3)];
  const number = Number(value);
  const options: unknown[] = [null, typeof value === 'string' ? value : JSON.stringify(value), Number.isFinite(number) ? number : 0, [value], { value }];
  return options[choices.pick(options.length)];
}

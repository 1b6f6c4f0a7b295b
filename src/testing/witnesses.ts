import fc from 'fast-check';
import { lintConnectionRules, type LintFinding } from '../rules/lint.js';
import type { ConnectionRules } from '../rules/rule-schema.js';
import type { RouteExplanation } from '../routing/explanation.js';
import { createRouter, type Router } from '../routing/router.js';
import { goalArbitrary, type RoutingFacts } from './facts.arbitrary.js';
import { conditionHolds, decisionOrder, type Goal } from './goals.js';
import { factModel } from './fact-model.js';
import { minimizeFacts } from './minimize.js';
import { RoutingPropertyError } from './property-error.js';
import { defaultNumRuns, resolveSeed, showFacts, type PropertyOptions } from './property-options.js';
import { ruleLabel, toRules, type RulesInput } from './rules-input.js';
import type { DecisionCount } from './totality.js';

/** Options of `findWitnesses` and `assertEveryRuleCanWin`. */
export interface WitnessOptions extends PropertyOptions {
  /** As in `factsFor`: give `withinBusinessHours` and `agentsAvailable` in the facts (default), or leave them to the router's options. */
  readonly dynamicFacts?: 'given' | 'host';
  /** `assertEveryRuleCanWin` only: also require facts on which no rule holds, so the default is reachable (default false). */
  readonly includeDefault?: boolean;
}

/** A facts object on which the rule wins, found by the search and minimised (no fact, key or item can go). */
export interface FoundWitness {
  readonly rule: string;
  /** Position of the rule in the file. */
  readonly index: number;
  readonly found: true;
  readonly facts: RoutingFacts;
  /** Facts objects tried until this one. */
  readonly runs: number;
  /** The router's explanation of the witness: why the rule won, why the others did not. */
  readonly explanation: RouteExplanation;
}

/** A rule for which the bounded search found no witness, with what it saw instead. */
export interface MissingWitness {
  readonly rule: string;
  readonly index: number;
  readonly found: false;
  /** Facts objects tried: aimed at the rule winning, then aimed at its conditions holding. */
  readonly runs: number;
  /** Of the facts aimed at its conditions, how many made them hold. */
  readonly heldRuns: number;
  /**
   * The rule that shadows it in these runs: ranked before it, and holding in every one of the
   * `heldRuns` runs where it held (the first such rule in decision order), if any.
   */
  readonly shadowedBy: string | null;
  /** Which rules won when its conditions held, most often first. */
  readonly outrankedBy: readonly DecisionCount[];
  /** One facts object the search tried, with the router's explanation: why the rule lost or failed. */
  readonly example?: { readonly facts: RoutingFacts; readonly explanation: RouteExplanation };
  /**
   * What the rule linter (`agent-handoff lint`) proves about the rule, when it proves something:
   * that an earlier or higher rule always holds when it does, or that its conditions never hold.
   * The linter is sound but conservative, so its silence proves nothing either way.
   */
  readonly proof?: string;
  /** The finding as sentences, as `assertEveryRuleCanWin` reports it. */
  readonly message: string;
}

/** The outcome of the witness search for one rule. */
export type RuleWitness = FoundWitness | MissingWitness;

/** Whether the search reached the default (no rule holds). */
export interface DefaultWitness {
  readonly found: boolean;
  /** Facts on which no rule holds, when found. */
  readonly facts?: RoutingFacts;
  readonly runs: number;
  /** When not found: what the rule linter proves (a rule that always holds), if it proves it. */
  readonly proof?: string;
}

/** The result of `findWitnesses`. */
export interface WitnessReport {
  /** True when every rule has a witness (the default is reported, not required). */
  readonly ok: boolean;
  readonly seed: number;
  /** The runs allowed per search: per rule, and again per rule without a witness (at most 10 each for a rule the linter proves cannot win). */
  readonly numRuns: number;
  /** One entry per rule, in file order. */
  readonly rules: readonly RuleWitness[];
  readonly default: DefaultWitness;
}

/**
 * Looks for a witness per rule: a facts object on which that rule wins. The search is bounded: it
 * tries `numRuns` facts objects aimed at the rule winning (its conditions true, every rule ranked
 * before it false), minimises the first witness it finds (no fact, key or item can go), and when none is found it tries `numRuns`
 * more aimed at the rule's conditions holding and asks the router's `explain` which rules held
 * each time. A rule ranked before it that held every time it held is reported as shadowing it;
 * conditions that never held are reported as such. Neither is a proof: the report says "no
 * witness found in N runs", never "cannot win". What the rule linter proves (a shadowing rule,
 * conditions that can never hold) is quoted beside it, and such a rule gets a short search of
 * at most 10 runs each way instead. Returns a report; see `assertEveryRuleCanWin`.
 *
 * @example
 * ```ts
 * const report = await findWitnesses(rules, { numRuns: 200, seed: 7 });
 * for (const entry of report.rules) {
 *   if (entry.found) console.log(entry.rule, 'wins on', entry.facts);
 *   else console.log(entry.message);
 * }
 * ```
 */
export async function findWitnesses(rules: RulesInput, options: WitnessOptions = {}): Promise<WitnessReport> {
  const loaded = toRules(rules);
  const router = createRouter(loaded, options.router);
  const seed = resolveSeed(options);
  const numRuns = options.numRuns ?? defaultNumRuns;
  const host = options.dynamicFacts === 'host';
  // Without a host behind the dynamic facts, which rules hold can be read off the facts directly.
  const direct = !host && options.router?.businessHours === undefined && options.router?.agentsAvailable === undefined;
  const search = { loaded, router, seed, host, direct };

  // The linter is sound: a rule it proves can never win gets a short search only (a witness found
  // anyway would still be reported, as a witness is the ground truth).
  const findings = lintConnectionRules(loaded);
  const entries: RuleWitness[] = [];
  for (const [index, rule] of loaded.rules.entries()) {
    const proof = proofFor(findings, index);
    const runs = proof === undefined ? numRuns : Math.min(numRuns, provedRuns);
    const witness = await searchWinner(search, { kind: 'wins', index }, rule.name, runs);
    if (witness) entries.push({ rule: rule.name, index, found: true, facts: witness.facts, runs: witness.runs, explanation: await router.explain(witness.facts) });
    else entries.push(await analyseMissing(search, index, runs, proof));
  }
  const fallback = await searchWinner(search, { kind: 'default' }, null, numRuns);
  return {
    ok: entries.every((entry) => entry.found),
    seed,
    numRuns,
    rules: entries,
    default: fallback ? { found: true, facts: fallback.facts, runs: fallback.runs } : { found: false, runs: numRuns, ...defaultProof(findings) },
  };
}

/**
 * Asserts that every rule can win (see `findWitnesses`): throws a `RoutingPropertyError` that
 * names each rule without a witness and, when a rule ranked before it held every time its
 * conditions held, the rule that shadows it, with a minimal example, the router's explanation
 * and the linter's proof when there is one.
 *
 * @example
 * ```ts
 * import { it } from 'vitest';
 * import { assertEveryRuleCanWin } from 'agent-handoff/testing';
 *
 * it('lets every rule win', async () => {
 *   await assertEveryRuleCanWin(rules, { numRuns: 200 });
 * });
 * ```
 */
export async function assertEveryRuleCanWin(rules: RulesInput, options: WitnessOptions = {}): Promise<WitnessReport> {
  const report = await findWitnesses(rules, options);
  const missing = report.rules.filter((entry): entry is MissingWitness => !entry.found);
  const defaultMissing = options.includeDefault === true && !report.default.found;
  if (missing.length === 0 && !defaultMissing) return report;
  const lines = [
    missing.length === 0
      ? `Every rule can win, but the default was never reached: some rule held in each of the ${report.default.runs} runs aimed at it.${report.default.proof ? ` The linter proves it: ${report.default.proof}` : ''}`
      : `${missing.length} of ${report.rules.length} rule(s) never won:`,
    ...missing.map((entry) => `- ${entry.message.replaceAll('\n', '\n  ')}`),
  ];
  if (defaultMissing && missing.length > 0) {
    lines.push(`- the default was never reached in ${report.default.runs} runs: some rule held every time.${report.default.proof ? ` The linter proves it: ${report.default.proof}` : ''}`);
  }
  lines.push(`Replay with { seed: ${report.seed}, numRuns: ${report.numRuns} }.`);
  throw new RoutingPropertyError(lines.join('\n'), report);
}

// Runs per search for a rule the linter proves can never win.
const provedRuns = 10;

interface Search {
  readonly loaded: ConnectionRules;
  readonly router: Router;
  readonly seed: number;
  readonly host: boolean;
  /** True when no host computes dynamic facts, so `heldRules` may evaluate the facts directly. */
  readonly direct: boolean;
}

// fast-check looks for a counterexample to "`winner` does not win": that is a witness. It is
// taken unshrunk and minimised directly (see `minimizeFacts`). A route that throws fails the
// property too; routing the facts again tells the two apart (and lets the error out).
async function searchWinner(search: Search, goal: Goal, winner: string | null, numRuns: number): Promise<{ facts: RoutingFacts; runs: number } | undefined> {
  const wins = async (facts: RoutingFacts): Promise<boolean> => (await search.router.route(facts)).rule === winner;
  const details = await fc.check(
    fc.asyncProperty(goalArbitrary(search.loaded, goal, search.host), async (facts) => !(await wins(facts))),
    { numRuns, seed: search.seed, endOnFailure: true },
  );
  const facts = details.counterexample?.[0];
  if (!details.failed || facts === undefined || !(await wins(facts))) return undefined;
  return { facts: await minimizeFacts(facts, wins), runs: details.numRuns };
}

async function analyseMissing(search: Search, index: number, numRuns: number, proof: string | undefined): Promise<RuleWitness> {
  const { loaded, router, seed } = search;
  const rule = loaded.rules[index];
  if (!rule) throw new RangeError(`no rule at index ${index}`);
  const order = decisionOrder(loaded);
  const ranksBefore = new Set(order.slice(0, order.indexOf(index)));
  const samples = fc.sample(goalArbitrary(loaded, { kind: 'holds', index }, search.host), { numRuns, seed });
  const winners = new Map<string | null, number>();
  // The rules ranked before this one that held in every run where it held: each one shadows it there.
  let alwaysBefore: Set<number> | undefined;
  const held: { facts: RoutingFacts; winner: string | null }[] = [];
  let failedExample: RoutingFacts | undefined;
  for (const [k, facts] of samples.entries()) {
    const decision = await router.route(facts);
    if (decision.rule === rule.name) {
      // Aiming at the conditions alone found what aiming at the win missed: still a witness.
      return { rule: rule.name, index, found: true, facts, runs: numRuns + k + 1, explanation: await router.explain(facts) };
    }
    const holding = await heldRules(search, facts);
    if (holding[index] === true) {
      winners.set(decision.rule, (winners.get(decision.rule) ?? 0) + 1);
      held.push({ facts, winner: decision.rule });
      const before = new Set([...ranksBefore].filter((i) => holding[i] === true));
      alwaysBefore = alwaysBefore === undefined ? before : new Set([...alwaysBefore].filter((i) => before.has(i)));
    } else if (failedExample === undefined || shorter(facts, failedExample)) failedExample = facts;
  }
  const outrankedBy = [...winners].map(([name, count]) => ({ rule: name, count })).sort((a, b) => b.count - a.count);
  const shadowIndex = order.find((i) => alwaysBefore?.has(i) === true);
  const shadowedBy = shadowIndex === undefined ? null : (loaded.rules[shadowIndex]?.name ?? null);
  const runs = numRuns + samples.length;
  const head = `${ruleLabel(loaded, rule.name)} never won: no witness found in ${runs} runs (seed ${seed}).`;
  let body: string;
  let example: MissingWitness['example'];
  if (held.length > 0) {
    // The clearest example: the first facts on which the rule held and the shadowing rule (when
    // there is one) won, minimised; else the shortest on which the rule held.
    const first = held.find((h) => shadowedBy === null || h.winner === shadowedBy);
    const facts = first ? await minimalExample(search, index, first.facts, shadowedBy) : held.reduce((a, b) => (shorter(b.facts, a.facts) ? b : a)).facts;
    example = { facts, explanation: await router.explain(facts) };
    const shadow = shadowIndex === undefined ? undefined : loaded.rules[shadowIndex];
    if (shadow) {
      const rank = shadow.priority > rule.priority ? `a higher priority (${shadow.priority} > ${rule.priority})` : `the same priority (${rule.priority}) and comes earlier in the file`;
      body = `It is shadowed by ${ruleLabel(loaded, shadow.name)}, which has ${rank}: in all ${held.length} runs where its conditions held, ${JSON.stringify(shadow.name)} held too.`;
    } else {
      const list = outrankedBy.map((w) => `${w.rule === null ? 'the default' : JSON.stringify(w.rule)} (${w.count})`).join(', ');
      body = `Its conditions held in ${held.length} runs, and each time a rule ranked before it won: ${list}. No single rule held in all of them; it may need facts the search did not try.`;
    }
  } else {
    example = failedExample && { facts: failedExample, explanation: await router.explain(failedExample) };
    body = `Its conditions never held in ${samples.length} runs aimed at them; they may contradict each other (the search is bounded, not a proof).`;
  }
  const why = example?.explanation.rules[index]?.why;
  const message = [
    head,
    body,
    ...(example ? [`Example facts: ${showFacts(example.facts)}`] : []),
    ...(why ? [`The router explains: ${why}`] : []),
    ...(proof ? [`The linter proves it: ${proof}`] : []),
  ].join('\n');
  return { rule: rule.name, index, found: false, runs, heldRuns: held.length, shadowedBy, outrankedBy, ...(example ? { example } : {}), ...(proof ? { proof } : {}), message };
}

// Minimises facts on which the rule holds (and the shadowing rule wins, when there is one),
// keeping that true.
async function minimalExample(search: Search, index: number, facts: RoutingFacts, shadowedBy: string | null): Promise<RoutingFacts> {
  const good = async (candidate: RoutingFacts): Promise<boolean> =>
    (await heldRules(search, candidate))[index] === true && (shadowedBy === null || (await search.router.route(candidate)).rule === shadowedBy);
  return minimizeFacts(facts, good);
}

// Which rules hold on the facts: evaluated directly on the facts as given (cheap, and the same
// operator semantics as the router), or by the router's explain when a host computes dynamic facts.
async function heldRules(search: Search, facts: RoutingFacts): Promise<readonly boolean[]> {
  if (!search.direct) return (await search.router.explain(facts)).rules.map((r) => r.held);
  const model = factModel(search.loaded);
  return search.loaded.rules.map((rule) => conditionHolds(model, rule.conditions, facts));
}

function shorter(a: RoutingFacts, b: RoutingFacts): boolean {
  return showFacts(a, Infinity).length < showFacts(b, Infinity).length;
}

function defaultProof(findings: readonly LintFinding[]): { proof?: string } {
  const about = findings.find((f) => f.code === 'default-unreachable');
  return about ? { proof: about.message } : {};
}

// The linter's finding about the rule itself: shadowed (at the rule) or never holding (at its conditions).
function proofFor(findings: readonly LintFinding[], index: number): string | undefined {
  const about = findings.find(
    (f) =>
      f.path[0] === 'rules' &&
      f.path[1] === index &&
      ((f.code === 'shadowed' && f.path.length === 2) || (f.code === 'never-holds' && f.path.length === 3 && f.path[2] === 'conditions')),
  );
  return about?.message;
}

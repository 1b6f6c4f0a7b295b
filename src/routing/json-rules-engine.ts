// The one file that imports json-rules-engine. Its default export is the CommonJS module object,
// so the named `Engine` is imported.
import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import { agentsAvailableFact, isDynamicFact, withinBusinessHoursFact } from '../rules/dynamic-facts.js';
import { existsPredicate, notExistsPredicate } from '../rules/operator-semantics.js';
import { isValueless } from '../rules/operators.js';
import { parsePropertyPath, resolvePropertyPath, type PathSegment } from '../rules/property-path.js';
import type { Condition, ConnectionRules } from '../rules/rule-schema.js';
import { evaluationOrder } from './compile.js';
import type { DynamicFactSources } from './dynamic-fact-sources.js';
import type { ConditionEvaluation, RuleEvaluation } from './evaluation.js';
import { readFact, type Facts } from './facts.js';
import type { RouteDecision } from './target-schema.js';

/**
 * Runs the rules through json-rules-engine (a fresh `Engine`, so concurrent calls never share
 * run state) and returns every rule's outcome in file order, with per-condition values.
 */
export async function evaluateWithJsonRulesEngine(
  rules: ConnectionRules,
  facts: Facts,
  sources: DynamicFactSources,
): Promise<readonly RuleEvaluation[]> {
  const engine = createEngine(rules);
  for (const name of factNames(rules)) {
    if (isDynamicFact(name) && !Object.hasOwn(facts, name)) continue;
    const value = readFact(facts, name);
    // Given facts run first (priority 2): a condition on a dynamic fact (priority 1) is then
    // evaluated only when the given facts have not already settled its `all` / `any`. A function
    // wraps the value so that a value that is itself a function is never called.
    engine.addFact(name, () => value, { priority: 2, cache: false });
  }
  const { withinBusinessHours, agentsAvailable } = sources;
  if (withinBusinessHours && !Object.hasOwn(facts, withinBusinessHoursFact)) {
    engine.addFact(withinBusinessHoursFact, () => withinBusinessHours());
  }
  if (agentsAvailable && !Object.hasOwn(facts, agentsAvailableFact)) {
    engine.addFact(agentsAvailableFact, (params) => agentsAvailable(params as Parameters<typeof agentsAvailable>[0]));
  }
  const { results, failureResults } = await engine.run({});
  const indexByName = new Map(rules.rules.map((rule, index) => [rule.name, index]));
  const evaluations = [...results, ...failureResults].map((result): RuleEvaluation => {
    const index = indexByName.get(result.name);
    const rule = index === undefined ? undefined : rules.rules[index];
    if (index === undefined || !rule) throw new Error(`agent-handoff: json-rules-engine reported an unknown rule ${result.name}`);
    const held = result.result === true;
    // The engine records `result` on nested conditions only; the root's outcome is the rule's.
    return { index, held, conditions: { ...readEvaluation(rule.conditions, result.conditions), outcome: held } };
  });
  return evaluations.sort((a, b) => a.index - b.index);
}

/** Picks the winner among rules that held: highest priority, then first in the file (never completion order). */
function pickDecision(rules: ConnectionRules, held: Iterable<number>): RouteDecision {
  const candidates = [...held].map((index) => ({ index, priority: rules.rules[index]?.priority ?? 0 }));
  const winner = evaluationOrder(candidates)[0];
  const rule = winner && rules.rules[winner.index];
  return rule ? { target: rule.event, rule: rule.name } : { target: rules.default, rule: null };
}

/** json-rules-engine run directly, as a reference: one `Engine` reused, so call `decide` sequentially only. */
export interface JsonRulesEngineReference {
  /** Runs the engine on the facts as given and picks the decision from its results. */
  decide(facts: Facts): Promise<RouteDecision>;
}

/**
 * Builds one `Engine` for the rules and decides with `engine.run(facts)`, with no fast path and
 * no extra fact handling: the reference for benchmarks and agreement tests. Concurrent `decide`
 * calls share the engine's run status, which json-rules-engine does not isolate.
 */
export function jsonRulesEngineReference(rules: ConnectionRules, sources?: DynamicFactSources): JsonRulesEngineReference {
  const engine = createEngine(rules);
  const indexByName = new Map(rules.rules.map((rule, index) => [rule.name, index]));
  if (sources?.withinBusinessHours) engine.addFact(withinBusinessHoursFact, sources.withinBusinessHours);
  const agentsAvailable = sources?.agentsAvailable;
  if (agentsAvailable) engine.addFact(agentsAvailableFact, (params) => agentsAvailable(params as Parameters<typeof agentsAvailable>[0]));
  return {
    async decide(facts) {
      const { results } = await engine.run(facts as Record<string, unknown>);
      return pickDecision(
        rules,
        results.map((r) => indexByName.get(r.name) ?? -1),
      );
    },
  };
}

function createEngine(rules: ConnectionRules): Engine {
  const segmentsByPath = new Map<string, readonly PathSegment[]>();
  const engine = new Engine([], {
    allowUndefinedFacts: true,
    // Our resolver: jsonpath-plus (the default, which can evaluate code) is never reached.
    pathResolver: (value, path) => {
      let segments = segmentsByPath.get(path);
      if (!segments) {
        segments = parsePropertyPath(path);
        if (!segments) throw new Error(`agent-handoff: unvalidated path ${path}`);
        segmentsByPath.set(path, segments);
      }
      return resolvePropertyPath(value, segments);
    },
  });
  engine.addOperator('exists', (seen: unknown) => existsPredicate(seen));
  engine.addOperator('notExists', (seen: unknown) => notExistsPredicate(seen));
  for (const rule of rules.rules) {
    const properties: RuleProperties = {
      name: rule.name,
      priority: rule.priority,
      conditions: toEngineCondition(rule.conditions) as TopLevelCondition,
      // The event is not used: the winner is found by rule name. A neutral type avoids
      // EventEmitter's special 'error' event.
      event: { type: 'route' },
    };
    engine.addRule(properties);
  }
  return engine;
}

type EngineCondition =
  | { all: EngineCondition[] }
  | { any: EngineCondition[] }
  | { not: EngineCondition }
  | { fact: string; operator: string; value: unknown; path?: string; params?: Record<string, unknown> };

function toEngineCondition(condition: Condition): EngineCondition {
  if ('all' in condition) return { all: condition.all.map(toEngineCondition) };
  if ('any' in condition) return { any: condition.any.map(toEngineCondition) };
  if ('not' in condition) return { not: toEngineCondition(condition.not) };
  // json-rules-engine requires a `value` on every condition; exists/notExists ignore it.
  const out: EngineCondition = {
    fact: condition.fact,
    operator: condition.operator,
    value: isValueless(condition.operator) ? null : condition.value,
  };
  if (condition.path !== undefined) out.path = condition.path;
  if (condition.params) out.params = { ...condition.params };
  return out;
}

// The engine's result tree has our tree's shape, with `result` on every node and `factResult` on leaves.
function readEvaluation(condition: Condition, result: unknown): ConditionEvaluation {
  const node = (result ?? {}) as Record<string, unknown>;
  const outcome = typeof node.result === 'boolean' ? node.result : undefined;
  if ('all' in condition || 'any' in condition) {
    const list = 'all' in condition ? condition.all : condition.any;
    const raw = node['all' in condition ? 'all' : 'any'];
    const results = Array.isArray(raw) ? (raw as unknown[]) : [];
    return { outcome, nested: list.map((c, i) => readEvaluation(c, results[i])) };
  }
  if ('not' in condition) return { outcome, nested: [readEvaluation(condition.not, node.not)] };
  return outcome === undefined ? { outcome } : { outcome, seen: node.factResult };
}

/** Every fact name the rules read, in first-use order. */
export function factNames(rules: ConnectionRules): string[] {
  const names = new Set<string>();
  const visit = (condition: Condition): void => {
    if ('all' in condition) condition.all.forEach(visit);
    else if ('any' in condition) condition.any.forEach(visit);
    else if ('not' in condition) visit(condition.not);
    else names.add(condition.fact);
  };
  for (const rule of rules.rules) visit(rule.conditions);
  return [...names];
}

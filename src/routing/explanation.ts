import { formatPath } from '../errors.js';
import type { AgentAvailabilityQuery } from '../rules/dynamic-facts.js';
import type { ConditionOperator, ConditionValue } from '../rules/operators.js';
import type { Condition, ConnectionRules } from '../rules/rule-schema.js';
import type { ConditionEvaluation, RuleEvaluation } from './json-rules-engine.js';
import type { RouteDecision, Target } from './target-schema.js';

/** How one condition came out: it held, it failed, or it was not needed to decide its rule. */
export type ConditionOutcome = 'held' | 'failed' | 'not-evaluated';

/** A fact condition: the value seen, the operator, the expected value and the outcome. */
export interface FactConditionExplanation {
  readonly kind: 'fact';
  /** Where the condition sits in the rule set, as a JSON path (`$.rules[0].conditions.all[1]`). */
  readonly at: string;
  readonly fact: string;
  readonly path?: string;
  readonly params?: AgentAvailabilityQuery;
  readonly operator: ConditionOperator;
  /** The condition's `value`; absent for `exists` and `notExists`. */
  readonly expected?: ConditionValue;
  /** The value the operator saw (`undefined` when the fact or path is missing, or not evaluated). */
  readonly seen: unknown;
  readonly outcome: ConditionOutcome;
}

/** An `all`, `any` or `not` with the explanation of each nested condition. */
export interface BooleanConditionExplanation {
  readonly kind: 'all' | 'any' | 'not';
  readonly at: string;
  readonly outcome: ConditionOutcome;
  readonly conditions: readonly ConditionExplanation[];
}

/** The explanation of one condition at any depth. */
export type ConditionExplanation = BooleanConditionExplanation | FactConditionExplanation;

/** Whether a rule won, held but lost to an earlier or higher rule, or did not hold. */
export type RuleOutcome = 'won' | 'outranked' | 'did-not-hold';

/** Why one rule did or did not decide the route. */
export interface RuleExplanation {
  readonly rule: string;
  /** Position in the file. */
  readonly index: number;
  readonly at: string;
  readonly priority: number;
  readonly held: boolean;
  readonly outcome: RuleOutcome;
  /** One sentence: why it won, which rule outranked it, or which condition failed. */
  readonly why: string;
  readonly target: Target;
  readonly conditions: BooleanConditionExplanation;
}

/** The answer to "why did this rule (not) match": the decision and every rule's story, in file order. */
export interface RouteExplanation {
  readonly decision: RouteDecision;
  readonly why: string;
  readonly rules: readonly RuleExplanation[];
}

/** Builds the explanation from json-rules-engine's per-rule evaluations and the decision. */
export function buildExplanation(
  rules: ConnectionRules,
  evaluations: readonly RuleEvaluation[],
  decision: RouteDecision,
): RouteExplanation {
  const winnerIndex = decision.rule === null ? -1 : rules.rules.findIndex((r) => r.name === decision.rule);
  const winner = rules.rules[winnerIndex];
  const explained = evaluations.map((evaluation): RuleExplanation => {
    const rule = rules.rules[evaluation.index];
    if (!rule) throw new Error(`agent-handoff: no rule at index ${evaluation.index}`);
    const at = formatPath(['rules', evaluation.index]);
    const conditions = explainCondition(rule.conditions, evaluation.conditions, ['rules', evaluation.index, 'conditions']);
    if (conditions.kind === 'fact') throw new Error('agent-handoff: a rule root is always all, any or not');
    let outcome: RuleOutcome;
    let why: string;
    if (evaluation.index === winnerIndex) {
      outcome = 'won';
      why = `Won: the first rule that held, in order of priority (${rule.priority}) then position in the file.`;
    } else if (evaluation.held && winner) {
      outcome = 'outranked';
      why =
        winner.priority > rule.priority
          ? `Held, but ${JSON.stringify(winner.name)} won with a higher priority (${winner.priority} > ${rule.priority}).`
          : `Held, but ${JSON.stringify(winner.name)} has the same priority (${rule.priority}) and comes earlier in the file.`;
    } else {
      outcome = 'did-not-hold';
      why = `Did not hold: ${whyFailed(conditions)}.`;
    }
    return { rule: rule.name, index: evaluation.index, at, priority: rule.priority, held: evaluation.held, outcome, why, target: rule.event, conditions };
  });
  const why = winner
    ? `Rule ${JSON.stringify(winner.name)} won (priority ${winner.priority}, ${formatPath(['rules', winnerIndex])}).`
    : rules.rules.length === 0
      ? 'The rule set has no rules: the default target applies.'
      : 'No rule held: the default target applies.';
  return { decision, why, rules: explained };
}

function explainCondition(condition: Condition, evaluation: ConditionEvaluation, path: (string | number)[]): ConditionExplanation {
  const outcome: ConditionOutcome = evaluation.outcome === undefined ? 'not-evaluated' : evaluation.outcome ? 'held' : 'failed';
  const nested = evaluation.nested ?? [];
  const child = (c: Condition, i: number, key: string, indexed: boolean): ConditionExplanation =>
    explainCondition(c, nested[i] ?? { outcome: undefined }, indexed ? [...path, key, i] : [...path, key]);
  if ('all' in condition) return { kind: 'all', at: formatPath(path), outcome, conditions: condition.all.map((c, i) => child(c, i, 'all', true)) };
  if ('any' in condition) return { kind: 'any', at: formatPath(path), outcome, conditions: condition.any.map((c, i) => child(c, i, 'any', true)) };
  if ('not' in condition) return { kind: 'not', at: formatPath(path), outcome, conditions: [child(condition.not, 0, 'not', false)] };
  const explained: { -readonly [K in keyof FactConditionExplanation]: FactConditionExplanation[K] } = {
    kind: 'fact',
    at: formatPath(path),
    fact: condition.fact,
    operator: condition.operator,
    seen: evaluation.seen,
    outcome,
  };
  if (condition.path !== undefined) explained.path = condition.path;
  if (condition.params) explained.params = condition.params;
  if (condition.value !== undefined) explained.expected = condition.value;
  return explained;
}

/** One line for a value in a sentence: JSON, shortened, `missing` for undefined. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return typeof value;
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    text = 'a circular object';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `channel equal "voice"`, `customer $.tier exists`: a condition as a short phrase. */
export function describeCondition(c: FactConditionExplanation): string {
  const subject = `${c.fact}${c.params ? JSON.stringify(c.params) : ''}${c.path ? ` ${c.path}` : ''}`;
  return `${subject} ${c.operator}${c.expected === undefined ? '' : ` ${showValue(c.expected)}`}`;
}

function whyFailed(c: ConditionExplanation): string {
  if (c.kind === 'fact') return `${describeCondition(c)} failed, the value was ${showValue(c.seen)} (${c.at})`;
  if (c.kind === 'all') {
    const failed = c.conditions.find((n) => n.outcome === 'failed');
    return failed ? whyFailed(failed) : `a condition failed (${c.at})`;
  }
  if (c.kind === 'any') {
    const reasons = c.conditions.filter((n) => n.outcome === 'failed').map(whyFailed);
    return reasons.length === 1 ? (reasons[0] ?? '') : `none of ${c.conditions.length} held (${reasons.join('; ')})`;
  }
  return `the condition under "not" held (${c.at})`;
}

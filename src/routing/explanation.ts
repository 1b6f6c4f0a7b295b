import { formatPath } from '../errors.js';
import type { AgentAvailabilityQuery } from '../rules/dynamic-facts.js';
import type { ConditionOperator, ConditionValue } from '../rules/operators.js';
import type { Condition, ConnectionRules, FactCondition } from '../rules/rule-schema.js';
import { evaluationOrder } from './compile.js';
import type { ConditionEvaluation, RuleEvaluation } from './evaluation.js';
import type { RouteDecision, Target } from './target-schema.js';

/** How one condition came out: it held, it failed, or it was not evaluated because the conditions json-rules-engine evaluates first had already decided the `all` / `any` around it. */
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

/**
 * Builds the explanation from the evaluations (compiled or json-rules-engine's), one per rule in file
 * order. The decision is read from them: the first rule that held in evaluation order, as route picks it.
 */
export function buildExplanation(rules: ConnectionRules, evaluations: readonly RuleEvaluation[]): RouteExplanation {
  const template = templateOf(rules);
  const winnerIndex = template.evaluationOrder.find((index) => evaluations[index]?.held === true) ?? -1;
  const winner = template.rules[winnerIndex];
  const decision: RouteDecision = winner ? { target: winner.target, rule: winner.name } : { target: rules.default, rule: null };
  const explained = evaluations.map((evaluation): RuleExplanation => {
    const rule = template.rules[evaluation.index];
    if (!rule) throw new Error(`agent-handoff: no rule at index ${evaluation.index}`);
    const conditions = explainBoolean(rule.conditions, evaluation.conditions);
    let outcome: RuleOutcome;
    let why: string;
    if (evaluation.index === winnerIndex) {
      outcome = 'won';
      why = rule.wonWhy;
    } else if (evaluation.held && winner) {
      outcome = 'outranked';
      why =
        winner.priority > rule.priority
          ? `Held, but ${winner.quotedName} won with a higher priority (${winner.priority} > ${rule.priority}).`
          : `Held, but ${winner.quotedName} has the same priority (${rule.priority}) and comes earlier in the file.`;
    } else {
      outcome = 'did-not-hold';
      why = `Did not hold: ${whyFailed(rule.conditions, conditions)}.`;
    }
    return { rule: rule.name, index: evaluation.index, at: rule.at, priority: rule.priority, held: evaluation.held, outcome, why, target: rule.target, conditions };
  });
  const why = winner ? winner.winnerWhy : rules.rules.length === 0 ? 'The rule set has no rules: the default target applies.' : 'No rule held: the default target applies.';
  return { decision, why, rules: explained };
}

// What an explanation repeats on every call (paths, phrases, sentences), built once per rule set.
interface Template {
  readonly rules: readonly RuleTemplate[];
  /** The rules' file indexes in evaluation order: priority, then position in the file. */
  readonly evaluationOrder: readonly number[];
}

interface RuleTemplate {
  readonly name: string;
  readonly quotedName: string;
  readonly at: string;
  readonly priority: number;
  readonly target: Target;
  readonly wonWhy: string;
  readonly winnerWhy: string;
  readonly conditions: BooleanTemplate;
}

interface BooleanTemplate {
  readonly kind: 'all' | 'any' | 'not';
  readonly at: string;
  readonly nested: readonly NodeTemplate[];
}

interface FactTemplate {
  readonly kind: 'fact';
  readonly at: string;
  readonly condition: FactCondition;
  /** `describeCondition` of it. */
  readonly phrase: string;
}

type NodeTemplate = BooleanTemplate | FactTemplate;

// Keyed by the rule set object: a router explains with the same object on every call.
const templates = new WeakMap<ConnectionRules, Template>();

function templateOf(rules: ConnectionRules): Template {
  let template = templates.get(rules);
  if (!template) {
    template = {
      rules: rules.rules.map((rule, index): RuleTemplate => {
        const at = formatPath(['rules', index]);
        const conditions = nodeTemplate(rule.conditions, ['rules', index, 'conditions']);
        if (conditions.kind === 'fact') throw new Error('agent-handoff: a rule root is always all, any or not');
        return {
          name: rule.name,
          quotedName: JSON.stringify(rule.name),
          at,
          priority: rule.priority,
          target: rule.event,
          wonWhy: `Won: the first rule that held, in order of priority (${rule.priority}) then position in the file.`,
          winnerWhy: `Rule ${JSON.stringify(rule.name)} won (priority ${rule.priority}, ${at}).`,
          conditions,
        };
      }),
      evaluationOrder: evaluationOrder(rules.rules.map((rule, index) => ({ index, priority: rule.priority }))).map((rule) => rule.index),
    };
    templates.set(rules, template);
  }
  return template;
}

function nodeTemplate(condition: Condition, path: (string | number)[]): NodeTemplate {
  const at = formatPath(path);
  if ('all' in condition) return { kind: 'all', at, nested: condition.all.map((c, i) => nodeTemplate(c, [...path, 'all', i])) };
  if ('any' in condition) return { kind: 'any', at, nested: condition.any.map((c, i) => nodeTemplate(c, [...path, 'any', i])) };
  if ('not' in condition) return { kind: 'not', at, nested: [nodeTemplate(condition.not, [...path, 'not'])] };
  const phrase = describeCondition({ fact: condition.fact, path: condition.path, params: condition.params, operator: condition.operator, expected: condition.value });
  return { kind: 'fact', at, condition, phrase };
}

const notEvaluated: ConditionEvaluation = { outcome: undefined };

function outcomeOf(evaluation: ConditionEvaluation): ConditionOutcome {
  return evaluation.outcome === undefined ? 'not-evaluated' : evaluation.outcome ? 'held' : 'failed';
}

function explainBoolean(template: BooleanTemplate, evaluation: ConditionEvaluation): BooleanConditionExplanation {
  const nested = evaluation.nested ?? [];
  return {
    kind: template.kind,
    at: template.at,
    outcome: outcomeOf(evaluation),
    conditions: template.nested.map((t, i) => explainNode(t, nested[i] ?? notEvaluated)),
  };
}

function explainNode(template: NodeTemplate, evaluation: ConditionEvaluation): ConditionExplanation {
  if (template.kind !== 'fact') return explainBoolean(template, evaluation);
  const condition = template.condition;
  const explained: { -readonly [K in keyof FactConditionExplanation]: FactConditionExplanation[K] } = {
    kind: 'fact',
    at: template.at,
    fact: condition.fact,
    operator: condition.operator,
    seen: evaluation.seen,
    outcome: outcomeOf(evaluation),
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
export function describeCondition(c: Pick<FactConditionExplanation, 'fact' | 'path' | 'params' | 'operator' | 'expected'>): string {
  const subject = `${c.fact}${c.params ? JSON.stringify(c.params) : ''}${c.path ? ` ${c.path}` : ''}`;
  return `${subject} ${c.operator}${c.expected === undefined ? '' : ` ${showValue(c.expected)}`}`;
}

// The template mirrors the explanation's tree, node for node. Loops, not closures: this runs on
// every explanation of a rule that did not hold.
function whyFailed(template: NodeTemplate, c: ConditionExplanation): string {
  if (c.kind === 'fact') return `${(template as FactTemplate).phrase} failed, the value was ${showValue(c.seen)} (${c.at})`;
  const { nested } = template as BooleanTemplate;
  const { conditions } = c;
  if (c.kind === 'all') {
    for (let i = 0; i < conditions.length; i++) {
      const n = conditions[i] as ConditionExplanation;
      if (n.outcome === 'failed') return whyFailed(nested[i] as NodeTemplate, n);
    }
    return `a condition failed (${c.at})`;
  }
  if (c.kind === 'any') {
    const reasons: string[] = [];
    for (let i = 0; i < conditions.length; i++) {
      const n = conditions[i] as ConditionExplanation;
      if (n.outcome === 'failed') reasons.push(whyFailed(nested[i] as NodeTemplate, n));
    }
    return reasons.length === 1 ? (reasons[0] ?? '') : `none of ${conditions.length} held (${reasons.join('; ')})`;
  }
  return `the condition under "not" held (${c.at})`;
}

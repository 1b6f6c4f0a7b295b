import { formatPath, isHandoffError } from '../errors.js';
import { contradiction, negateFormula, toDnf, toFormula, type Contradiction, type Formula, type Literal } from './condition-logic.js';
import { loadConnectionRules } from './load-rules.js';
import type { Condition, ConnectionRules } from './rule-schema.js';

/** What kind of problem the linter found. */
export type LintFindingCode = 'invalid-rules' | 'never-holds' | 'shadowed' | 'default-unreachable';

/** One problem in a rule set, with the JSON path of the rule or condition it concerns. */
export interface LintFinding {
  readonly code: LintFindingCode;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Options of `lintConnectionRules`. */
export interface LintOptions {
  /** Most conjunctions a rule's conditions may expand to before the linter skips it (default 256). */
  readonly expansionLimit?: number;
}

interface Analysed {
  readonly index: number;
  readonly name: string;
  readonly priority: number;
  /** The rule's conditions in disjunctive normal form; `undefined` when too large to expand. */
  readonly dnf: Literal[][] | undefined;
  /** The negation of its conditions, in disjunctive normal form. */
  readonly negatedDnf: Literal[][] | undefined;
  readonly neverHolds: boolean;
}

/**
 * Lints a rule set: schema errors with their paths; conditions that can never hold (such as two
 * different `equal` values for one fact and path); rules that can never win because an earlier or
 * higher rule holds whenever they do; a default that no decision can reach. The analysis is sound
 * and conservative: it reasons per fact, path and params with the operators' exact semantics, so
 * it can miss a finding (across different facts, or past the expansion limit) but never invents one.
 *
 * @example
 * ```ts
 * for (const f of lintConnectionRules(json)) console.log(`${formatPath(f.path)}: ${f.message}`);
 * ```
 */
export function lintConnectionRules(json: unknown, options: LintOptions = {}): LintFinding[] {
  let rules: ConnectionRules;
  try {
    rules = loadConnectionRules(json);
  } catch (error) {
    if (!isHandoffError(error, 'INVALID_RULES')) throw error;
    return error.issues.map((issue) => ({
      code: 'invalid-rules',
      path: issue.path.filter((k): k is string | number => typeof k !== 'symbol'),
      message: issue.message,
    }));
  }
  const limit = options.expansionLimit ?? 256;
  const findings: LintFinding[] = [];

  const analysed = rules.rules.map((rule, index): Analysed => {
    const formula = toFormula(rule.conditions, ['rules', index, 'conditions']);
    const dnf = toDnf(formula, limit);
    const neverHolds = dnf !== undefined && dnf.every((c) => contradiction(c) !== undefined);
    findings.push(...neverHoldFindings(rule.conditions, ['rules', index, 'conditions'], rule.name, limit));
    return { index, name: rule.name, priority: rule.priority, dnf, negatedDnf: toDnf(negateFormula(formula), limit), neverHolds };
  });

  const ordered = [...analysed].sort((a, b) => b.priority - a.priority || a.index - b.index);
  const alwaysHolds = ordered.find((rule) => rule.negatedDnf !== undefined && rule.negatedDnf.every((c) => contradiction(c) !== undefined));
  if (alwaysHolds) {
    findings.push({
      code: 'default-unreachable',
      path: ['default'],
      message: `The default can never be used: rule ${JSON.stringify(alwaysHolds.name)} (${formatPath(['rules', alwaysHolds.index])}) always holds`,
    });
  }
  ordered.forEach((rule, position) => {
    if (rule.neverHolds || !rule.dnf) return;
    const winner = ordered.slice(0, position).find((earlier) => !earlier.neverHolds && implies(rule, earlier));
    if (!winner) return;
    const order = winner.priority > rule.priority ? `has a higher priority (${winner.priority} > ${rule.priority})` : 'comes earlier in the file with the same priority';
    findings.push({
      code: 'shadowed',
      path: ['rules', rule.index],
      message: `Rule ${JSON.stringify(rule.name)} can never win: whenever it holds, rule ${JSON.stringify(winner.name)} (${formatPath(['rules', winner.index])}) holds too and ${order}`,
    });
  });
  return findings.sort((a, b) => comparePaths(a.path, b.path));
}

// `rule` implies `earlier` when `rule ∧ ¬earlier` can never hold: every pair of conjunctions contradicts.
function implies(rule: Analysed, earlier: Analysed): boolean {
  const { dnf } = rule;
  const negated = earlier.negatedDnf;
  if (!dnf || !negated) return false;
  // Quick exit: both pin one value to different constants, so `rule` cannot imply `earlier`.
  if (dnf.length === 1 && negated.length > 0 && differentPins(dnf[0] ?? [], earlier)) return false;
  return dnf.every((left) => negated.every((right) => contradiction([...left, ...right]) !== undefined));
}

function differentPins(conjunction: readonly Literal[], earlier: Analysed): boolean {
  const single = earlier.dnf?.length === 1 ? earlier.dnf[0] : undefined;
  if (!single) return false;
  const pins = new Map<string, string>();
  for (const l of conjunction) if (l.positive && l.operator === 'equal') pins.set(l.key, JSON.stringify(l.value));
  return single.some((l) => l.positive && l.operator === 'equal' && pins.has(l.key) && pins.get(l.key) !== JSON.stringify(l.value));
}

// Reports the outermost conditions of a rule that can never hold (and not their parts again).
function neverHoldFindings(condition: Condition, at: (string | number)[], rule: string, limit: number): LintFinding[] {
  const formula: Formula = toFormula(condition, at);
  const dnf = toDnf(formula, limit);
  if (dnf?.every((c) => contradiction(c) !== undefined)) {
    const first = dnf.map(contradiction).find((c): c is Contradiction => c !== undefined);
    const where = at.length === 3 ? `The conditions of rule ${JSON.stringify(rule)} can never hold` : 'This condition can never hold';
    const detail = first ? `: ${first.reason} (${first.literals.map((l) => formatPath(l.at)).join(', ')})` : ': it is empty';
    return [{ code: 'never-holds', path: at, message: `${where}${detail}` }];
  }
  if ('all' in condition) return condition.all.flatMap((c, i) => neverHoldFindings(c, [...at, 'all', i], rule, limit));
  if ('any' in condition) return condition.any.flatMap((c, i) => neverHoldFindings(c, [...at, 'any', i], rule, limit));
  if ('not' in condition) return neverHoldFindings(condition.not, [...at, 'not'], rule, limit);
  return [];
}

function comparePaths(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

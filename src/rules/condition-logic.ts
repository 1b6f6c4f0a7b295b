// Sound reasoning over conditions, for the linter: a conjunction is declared impossible only when
// that follows from the operators' exact semantics (operator-semantics.ts). Anything unproven is
// treated as possible, so the linter can miss a finding but never invent one.
import { evaluateOperator } from './operator-semantics.js';
import { isNumericOperator, type ConditionOperator, type ConditionScalar, type ConditionValue } from './operators.js';
import { canonicalPath, parsePropertyPath } from './property-path.js';
import type { Condition, FactCondition } from './rule-schema.js';

/** A fact condition, or its negation, with where it sits in the file. */
export interface Literal {
  /** Fact, path and params: two literals with one key see the same value in a decision. */
  readonly key: string;
  readonly operator: ConditionOperator;
  readonly value: ConditionValue | undefined;
  readonly positive: boolean;
  readonly at: readonly (string | number)[];
}

/** A condition in negation normal form: negations sit on literals only. */
export type Formula =
  | { readonly kind: 'and'; readonly items: readonly Formula[] }
  | { readonly kind: 'or'; readonly items: readonly Formula[] }
  | { readonly kind: 'literal'; readonly literal: Literal };

// Negations json-rules-engine's operators make exact: `notEqual` is `!equal` and so on. The
// others are not (`contains` and `doesNotContain` are both false on a non-array, the numeric
// operators are all false on a non-number), so their negation stays a negative literal.
const exactNegation: Partial<Record<ConditionOperator, ConditionOperator>> = {
  equal: 'notEqual',
  notEqual: 'equal',
  in: 'notIn',
  notIn: 'in',
  exists: 'notExists',
  notExists: 'exists',
};

/** The key under which a condition reads its value. */
export function valueKey(condition: FactCondition): string {
  const segments = condition.path === undefined ? undefined : parsePropertyPath(condition.path);
  return JSON.stringify([condition.fact, segments ? canonicalPath(segments) : null, condition.params ?? null]);
}

/** Converts a condition (negated when `negate`) to negation normal form. */
export function toFormula(condition: Condition, at: readonly (string | number)[], negate = false): Formula {
  if ('all' in condition || 'any' in condition) {
    const isAll = 'all' in condition;
    const list = isAll ? condition.all : condition.any;
    const items = list.map((c, i) => toFormula(c, [...at, isAll ? 'all' : 'any', i], negate));
    return { kind: isAll !== negate ? 'and' : 'or', items };
  }
  if ('not' in condition) return toFormula(condition.not, [...at, 'not'], !negate);
  const flipped = negate ? exactNegation[condition.operator] : condition.operator;
  const literal: Literal = {
    key: valueKey(condition),
    operator: flipped ?? condition.operator,
    value: condition.value,
    positive: !negate || flipped !== undefined,
    at,
  };
  return { kind: 'literal', literal };
}

/** The formula's negation, still in negation normal form. */
export function negateFormula(formula: Formula): Formula {
  if (formula.kind === 'and') return { kind: 'or', items: formula.items.map(negateFormula) };
  if (formula.kind === 'or') return { kind: 'and', items: formula.items.map(negateFormula) };
  const { literal } = formula;
  const flipped = literal.positive ? exactNegation[literal.operator] : undefined;
  if (flipped) return { kind: 'literal', literal: { ...literal, operator: flipped } };
  if (!literal.positive) {
    const back = literal.operator;
    return { kind: 'literal', literal: { ...literal, operator: back, positive: true } };
  }
  return { kind: 'literal', literal: { ...literal, positive: false } };
}

/** Disjunctive normal form: a list of conjunctions, or `undefined` past `limit` conjunctions. */
export function toDnf(formula: Formula, limit = 256): Literal[][] | undefined {
  if (formula.kind === 'literal') return [[formula.literal]];
  if (formula.kind === 'or') {
    const out: Literal[][] = [];
    for (const item of formula.items) {
      const dnf = toDnf(item, limit);
      if (!dnf) return undefined;
      out.push(...dnf);
      if (out.length > limit) return undefined;
    }
    return out;
  }
  let out: Literal[][] = [[]];
  for (const item of formula.items) {
    const dnf = toDnf(item, limit);
    if (!dnf) return undefined;
    const next: Literal[][] = [];
    for (const left of out) for (const right of dnf) next.push([...left, ...right]);
    if (next.length > limit) return undefined;
    out = next;
  }
  return out;
}

/** Why a conjunction can never hold: a sentence and the literals involved. */
export interface Contradiction {
  readonly reason: string;
  readonly literals: readonly Literal[];
}

/** Proves that a conjunction can never hold, or returns `undefined` when it cannot prove it. */
export function contradiction(conjunction: readonly Literal[]): Contradiction | undefined {
  const groups = new Map<string, Literal[]>();
  for (const literal of conjunction) {
    const group = groups.get(literal.key);
    if (group) group.push(literal);
    else groups.set(literal.key, [literal]);
  }
  for (const group of groups.values()) {
    const found = groupContradiction(group);
    if (found) return found;
  }
  return undefined;
}

function holds(literal: Literal, seen: unknown): boolean {
  return evaluateOperator(literal.operator, seen, literal.value) === literal.positive;
}

// The values a literal allows when that set is finite: `equal c`, `in [...]`, `notExists`.
function finiteValues(literal: Literal): readonly unknown[] | undefined {
  if (!literal.positive) return undefined;
  if (literal.operator === 'equal') return [literal.value];
  if (literal.operator === 'in') return literal.value as readonly ConditionScalar[];
  if (literal.operator === 'notExists') return [undefined, null];
  return undefined;
}

interface Interval {
  lo: number;
  loIn: boolean;
  hi: number;
  hiIn: boolean;
}

function intervalOf(literal: Literal): Interval {
  const c = literal.value as number;
  switch (literal.operator) {
    case 'lessThan':
      return { lo: -Infinity, loIn: true, hi: c, hiIn: false };
    case 'lessThanInclusive':
      return { lo: -Infinity, loIn: true, hi: c, hiIn: true };
    case 'greaterThan':
      return { lo: c, loIn: false, hi: Infinity, hiIn: true };
    default:
      return { lo: c, loIn: true, hi: Infinity, hiIn: true };
  }
}

function intersect(a: Interval, b: Interval): Interval {
  const lo = a.lo > b.lo ? a : a.lo < b.lo ? b : { lo: a.lo, loIn: a.loIn && b.loIn };
  const hi = a.hi < b.hi ? a : a.hi > b.hi ? b : { hi: a.hi, hiIn: a.hiIn && b.hiIn };
  return { lo: lo.lo, loIn: lo.loIn, hi: hi.hi, hiIn: hi.hiIn };
}

const isEmpty = (i: Interval): boolean => i.lo > i.hi || (i.lo === i.hi && !(i.loIn && i.hiIn));
const within = (inner: Interval, outer: Interval): boolean =>
  (inner.lo > outer.lo || (inner.lo === outer.lo && (outer.loIn || !inner.loIn))) &&
  (inner.hi < outer.hi || (inner.hi === outer.hi && (outer.hiIn || !inner.hiIn)));

const same = (a: Literal, b: Literal): boolean => a.operator === b.operator && JSON.stringify(a.value) === JSON.stringify(b.value);

function groupContradiction(group: readonly Literal[]): Contradiction | undefined {
  // 1. A finite set of allowed values that every other literal rules out (complete for equal/in/notExists).
  for (const literal of group) {
    const values = finiteValues(literal);
    if (values === undefined) continue;
    if (values.every((v) => group.some((other) => !holds(other, v)))) {
      const blockers = group.filter((other) => other !== literal && values.some((v) => !holds(other, v)));
      const reason = values.length === 0 ? '"in" an empty list never holds' : 'no single value satisfies these conditions together';
      return { reason, literals: [literal, ...blockers] };
    }
  }
  // 2. A literal and its own negation.
  for (const a of group) {
    const b = group.find((other) => other.positive !== a.positive && same(a, other));
    if (b) return { reason: 'a condition and its negation', literals: [a, b] };
  }
  // 3. Numeric bounds: positive literals force a number inside every bound.
  const numeric = group.filter((l) => l.positive && isNumericOperator(l.operator));
  const [first, ...others] = numeric;
  if (first) {
    let range = intervalOf(first);
    const used = [first];
    for (const literal of others) {
      range = intersect(range, intervalOf(literal));
      used.push(literal);
      if (isEmpty(range)) return { reason: 'the numeric bounds leave no number', literals: used };
    }
    const negated = group.find((l) => !l.positive && isNumericOperator(l.operator) && within(range, intervalOf(l)));
    if (negated) return { reason: 'the numeric bounds contradict a negated bound', literals: [...used, negated] };
  }
  // 4. contains c and doesNotContain c (both need an array; one needs c in it, the other not).
  for (const a of group) {
    if (!a.positive || a.operator !== 'contains') continue;
    const b = group.find((o) => o.positive && o.operator === 'doesNotContain' && JSON.stringify(o.value) === JSON.stringify(a.value));
    if (b) return { reason: 'an array cannot both contain and not contain the same value', literals: [a, b] };
  }
  // 5. Needs an array, but the negations of contains c and doesNotContain c together rule arrays out.
  const needsArray = group.find((l) => l.positive && (l.operator === 'contains' || l.operator === 'doesNotContain'));
  if (needsArray) {
    for (const a of group) {
      if (a.positive || a.operator !== 'contains') continue;
      const b = group.find((o) => !o.positive && o.operator === 'doesNotContain' && JSON.stringify(o.value) === JSON.stringify(a.value));
      if (b) return { reason: 'the value must be an array and cannot be one', literals: [needsArray, a, b] };
    }
  }
  return undefined;
}

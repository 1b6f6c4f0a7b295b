import type { ConditionOperator, ConditionScalar, ConditionValue } from './operators.js';

/** A compiled operator: tests the value a condition sees against the condition's fixed `value`. */
export type FactPredicate = (seen: unknown) => boolean;

// json-rules-engine's numeric fact validator, verbatim: a fact is "a number" for lessThan & co.
// when parseFloat of its string form is not NaN, so "12abc", [5] and "Infinity" pass and
// undefined, null, true and "abc" do not. The comparison itself then uses JavaScript's `<`.
const numberLike = (seen: unknown): boolean => Number.parseFloat(seen as string).toString() !== 'NaN';

// Lists longer than this are looked up in a Set. `indexOf` matches with `===`; a Set matches with
// SameValueZero, which differs from `===` only for NaN, and a validated list never holds NaN.
const setThreshold = 8;

/**
 * Compiles one operator with its condition value into a predicate that behaves exactly as
 * json-rules-engine 7.3's operator of that name (with `allowUndefinedFacts`): `contains` and
 * `doesNotContain` are false for any non-array, the numeric operators are false for anything
 * that does not parse as a number, `in`/`notIn` match with `===`. `exists` holds when the value
 * is neither `undefined` nor `null`, and `notExists` is its exact negation.
 */
export function operatorPredicate(operator: ConditionOperator, value: ConditionValue | undefined): FactPredicate {
  switch (operator) {
    case 'equal':
      return (seen) => seen === value;
    case 'notEqual':
      return (seen) => seen !== value;
    case 'in': {
      const list = asList(value);
      if (list.length > setThreshold) {
        const set = new Set<unknown>(list);
        return (seen) => set.has(seen);
      }
      return (seen) => list.indexOf(seen as ConditionScalar) > -1;
    }
    case 'notIn': {
      const list = asList(value);
      if (list.length > setThreshold) {
        const set = new Set<unknown>(list);
        return (seen) => !set.has(seen);
      }
      return (seen) => list.indexOf(seen as ConditionScalar) === -1;
    }
    case 'contains':
      return (seen) => Array.isArray(seen) && seen.indexOf(value) > -1;
    case 'doesNotContain':
      return (seen) => Array.isArray(seen) && seen.indexOf(value) === -1;
    case 'lessThan': {
      const bound = value as number;
      return (seen) => numberLike(seen) && (seen as number) < bound;
    }
    case 'lessThanInclusive': {
      const bound = value as number;
      return (seen) => numberLike(seen) && (seen as number) <= bound;
    }
    case 'greaterThan': {
      const bound = value as number;
      return (seen) => numberLike(seen) && (seen as number) > bound;
    }
    case 'greaterThanInclusive': {
      const bound = value as number;
      return (seen) => numberLike(seen) && (seen as number) >= bound;
    }
    case 'exists':
      return existsPredicate;
    case 'notExists':
      return notExistsPredicate;
  }
}

/** The semantics of `exists`: the value is neither `undefined` nor `null`. */
export const existsPredicate: FactPredicate = (seen) => seen !== undefined && seen !== null;

/** The semantics of `notExists`: the value is `undefined` or `null`. */
export const notExistsPredicate: FactPredicate = (seen) => seen === undefined || seen === null;

/** Evaluates one operator once; compile with `operatorPredicate` when evaluating many times. */
export function evaluateOperator(operator: ConditionOperator, seen: unknown, value: ConditionValue | undefined): boolean {
  return operatorPredicate(operator, value)(seen);
}

function asList(value: ConditionValue | undefined): readonly ConditionScalar[] {
  // The schema guarantees a list for `in`/`notIn`; this guard only keeps the types honest.
  return Array.isArray(value) ? (value as readonly ConditionScalar[]) : [];
}

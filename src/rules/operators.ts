/**
 * Every operator a condition may use: json-rules-engine's ten, then `exists` and `notExists`.
 * The rule schema and the engine adapter both read this one list, so an operator the engine
 * does not know fails when the rules are loaded, never during a conversation.
 */
export const conditionOperators = [
  'equal',
  'notEqual',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
  'exists',
  'notExists',
] as const;

/** The name of a condition operator. */
export type ConditionOperator = (typeof conditionOperators)[number];

/** Operators that take no `value`: they test whether the fact is there at all. */
export const valuelessOperators = ['exists', 'notExists'] as const satisfies readonly ConditionOperator[];

/** Operators whose `value` is a list: the fact is looked up in it. */
export const listOperators = ['in', 'notIn'] as const satisfies readonly ConditionOperator[];

/** Operators that compare the fact with a number. */
export const numericOperators = [
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
] as const satisfies readonly ConditionOperator[];

/** A scalar a condition compares with: what `===` can match in a JSON fact. */
export type ConditionScalar = string | number | boolean | null;

/** The `value` of a condition: a scalar, or a list of scalars for `in` / `notIn`. */
export type ConditionValue = ConditionScalar | readonly ConditionScalar[];

/** True when `operator` takes no `value`. */
export function isValueless(operator: ConditionOperator): operator is (typeof valuelessOperators)[number] {
  return operator === 'exists' || operator === 'notExists';
}

/** True when `operator` compares with a list. */
export function isListOperator(operator: ConditionOperator): operator is (typeof listOperators)[number] {
  return operator === 'in' || operator === 'notIn';
}

/** True when `operator` compares numbers. */
export function isNumericOperator(operator: ConditionOperator): operator is (typeof numericOperators)[number] {
  return (numericOperators as readonly string[]).includes(operator);
}

// The common case of `z.json()` without zod: plain JSON. Each function here answers exactly as the
// zod schema would (the same copy, the same verdict), or says "not sure" (`undefined`, `false`), and
// the caller then lets zod decide; so nothing is rejected here, only handed on.
import type { JsonValue } from './payload-schema.js';
import { setOwn } from '../set-own.js';

/** Beyond this nesting the reader gives up and zod decides (zod also handles cycles and deep input). */
const maxDepth = 64;

/**
 * The objects and arrays met so far in one read. zod's parse gives every occurrence of one input
 * object the same output object (and closes cycles), so a repeat is left to zod.
 */
export type SeenContainers = Set<object>;

/**
 * What `z.json()` would output for `value`, built fresh, or `undefined` when the reader cannot vouch
 * for it: not JSON, a non-finite number, an object met before, a symbol or `__proto__` key, an object
 * that is not plain, or nesting deeper than `maxDepth`.
 */
function copyJsonValue(value: unknown, seen: SeenContainers, depth = 0): JsonValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return null;
  if (!Array.isArray(value)) return copyJsonRecord(value, seen, depth);
  if (depth >= maxDepth || seen.has(value)) return undefined;
  seen.add(value);
  const out: JsonValue[] = [];
  for (let i = 0; i < value.length; i += 1) {
    const item = copyJsonValue(value[i], seen, depth + 1);
    if (item === undefined) return undefined;
    out.push(item);
  }
  return out;
}

/** What `z.record(z.string(), z.json())` would output for `value`, built fresh, or `undefined` as in `copyJsonValue`. */
export function copyJsonRecord(value: unknown, seen: SeenContainers, depth = 0): Record<string, JsonValue> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || depth >= maxDepth || seen.has(value)) return undefined;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  // zod reads a record's own keys: an enumerable symbol fails there, so any symbol goes to zod; it
  // skips non-enumerable and inherited keys, as Object.keys does.
  if (Object.getOwnPropertySymbols(value).length > 0) return undefined;
  seen.add(value);
  const out: Record<string, JsonValue> = {};
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return undefined;
    const item = copyJsonValue((value as Record<string, unknown>)[key], seen, depth + 1);
    if (item === undefined) return undefined;
    // Plain assignment, as zod's copy does: __proto__ is excluded above.
    out[key] = item;
  }
  return out;
}

/** How many objects, arrays and values `isPlainJsonRecord` looks at before it gives up and zod decides. */
const checkBudget = 10_000;

/**
 * True when `value`, which this library built, is a record that `z.record(z.string(), z.json())`
 * accepts and would copy to an object of the same shape (one output object per input object, as zod
 * copies shared ones), so the value itself can stand for zod's copy; false means "not sure".
 */
export function isPlainJsonRecord(value: unknown): boolean {
  return Object.getPrototypeOf(value) === Object.prototype && remainingBudget(value, checkBudget, 0) >= 0;
}

/** The budget left after checking `value`, or -1 when it is not plain JSON or the budget or depth ran out. */
function remainingBudget(value: unknown, budget: number, depth: number): number {
  if (budget <= 0) return -1;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return budget - 1;
    case 'number':
      return Number.isFinite(value) ? budget - 1 : -1;
    case 'object':
      break;
    default:
      return -1;
  }
  if (value === null) return budget - 1;
  // No memory of objects seen: shared ones are checked each time they occur, cycles end at maxDepth.
  if (depth >= maxDepth) return -1;
  let left = budget - 1;
  if (Array.isArray(value)) {
    // zod copies an array subclass to a plain array, and leaves out keys other than indexes.
    if (Object.getPrototypeOf(value) !== Array.prototype || Object.getOwnPropertyNames(value).length !== value.length + 1) return -1;
    for (let i = 0; i < value.length && left >= 0; i += 1) left = remainingBudget(value[i], left, depth + 1);
    return left;
  }
  // zod's copy of a null-prototype object is a plain one, and leaves out symbol and non-enumerable
  // keys (rejecting enumerable symbols), so only a plain object without them can stand for it.
  if (Object.getPrototypeOf(value) !== Object.prototype || Object.getOwnPropertySymbols(value).length > 0) return -1;
  const keys = Object.keys(value);
  if (Object.getOwnPropertyNames(value).length !== keys.length) return -1;
  for (const key of keys) {
    if (key === '__proto__') return -1;
    left = remainingBudget((value as Record<string, unknown>)[key], left, depth + 1);
    if (left < 0) return -1;
  }
  return left;
}

/**
 * Replaces every object and array in `record`, a shallow copy of a record `isPlainJsonRecord`
 * accepted, with a copy, as zod's parse of a second schema copies them: one copy per original, so
 * the record shares internally what it shared before, and nothing with the original.
 */
export function unshareNestedValues(record: Record<string, JsonValue>): void {
  let copies: Map<object, JsonValue> | undefined;
  for (const key of Object.keys(record)) {
    const value = record[key];
    // Strings and numbers are what parameters nearly always hold: nothing to copy.
    if (typeof value !== 'object' || value === null) continue;
    copies ??= new Map();
    record[key] = copyContainer(value, copies);
  }
}

function copyContainer(value: JsonValue, copies: Map<object, JsonValue>): JsonValue {
  if (typeof value !== 'object' || value === null) return value;
  const known = copies.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    copies.set(value, out);
    for (const item of value) out.push(copyContainer(item, copies));
    return out;
  }
  const out: Record<string, JsonValue> = {};
  copies.set(value, out);
  for (const key of Object.keys(value)) setOwn(out, key, copyContainer(value[key] as JsonValue, copies));
  return out;
}

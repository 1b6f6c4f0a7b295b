import { HandoffError } from '../errors.js';
import { resolvePropertyPath, type PathSegment } from '../rules/property-path.js';

/** What the router decides on: an object whose own top-level keys are the facts (JSON data). */
export type Facts = Readonly<Record<string, unknown>>;

/** True when `facts` is a non-null, non-array object: something the router can decide on. */
export function isFacts(facts: unknown): facts is Facts {
  return typeof facts === 'object' && facts !== null && !Array.isArray(facts);
}

/** The `INVALID_FACTS` error for a value that is not a facts object. */
export function invalidFacts(facts: unknown): HandoffError {
  const got = facts === null ? 'null' : Array.isArray(facts) ? 'an array' : typeof facts;
  return new HandoffError('INVALID_FACTS', `Invalid facts: expected an object whose top-level keys are the facts, got ${got}.`, [
    { code: 'invalid_type', path: [], message: `Expected an object, got ${got}` },
  ]);
}

/** The value of one fact: an own property of `facts`, never something inherited such as `toString`. */
export function readFact(facts: Facts, name: string): unknown {
  return Object.hasOwn(facts, name) ? facts[name] : undefined;
}

/**
 * The value a condition with a `path` sees. As in json-rules-engine, the path is followed only
 * when the fact is an object; any other fact value (a string, `undefined`, …) is seen as is.
 */
export function valueAtPath(factValue: unknown, segments: readonly PathSegment[]): unknown {
  return factValue !== null && typeof factValue === 'object' ? resolvePropertyPath(factValue, segments) : factValue;
}

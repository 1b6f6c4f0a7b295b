import fc from 'fast-check';
import type { JsonValue } from '../../payload/payload-schema.js';

/**
 * Any JSON value, small and without a `__proto__` key (zod drops that key while parsing a record,
 * so it could never round-trip).
 */
export function arbitraryJsonValue(maxDepth = 2): fc.Arbitrary<JsonValue> {
  return fc.jsonValue({ maxDepth }).filter((value) => !JSON.stringify(value).includes('"__proto__"')) as fc.Arbitrary<JsonValue>;
}

/** A JSON object of JSON values, such as a conversation's `memory` or `context`. */
export function arbitraryJsonObject(maxDepth = 2): fc.Arbitrary<Record<string, JsonValue>> {
  return fc.dictionary(
    fc.string({ maxLength: 12 }).filter((key) => key !== '__proto__'),
    arbitraryJsonValue(Math.max(0, maxDepth - 1)),
    { maxKeys: 5, noNullPrototype: true },
  );
}

/** An ISO 8601 instant between 2000 and 2099, as `toISOString` writes it. */
export function arbitraryIsoInstant(): fc.Arbitrary<string> {
  return fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
    .map((date) => date.toISOString());
}

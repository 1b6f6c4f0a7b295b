import fc from 'fast-check';
import type { RouterOptions } from '../routing/router.js';
import type { RoutingFacts } from './facts.arbitrary.js';

/** Options every property helper takes: fast-check's run settings and the router's options. */
export interface PropertyOptions {
  /** How many facts objects to try (default 100; per rule for the witness search). */
  readonly numRuns?: number;
  /** The seed, to replay a run: every report says which seed it used. */
  readonly seed?: number;
  /** The router's options (`businessHours`, `agentsAvailable`, `now`), as `createRouter` takes them. */
  readonly router?: RouterOptions;
}

/** Options of the helpers that check one property over many facts objects. */
export interface FactsPropertyOptions extends PropertyOptions {
  /** The facts to try; `factsFor(rules)` by default. */
  readonly facts?: fc.Arbitrary<RoutingFacts>;
  /** fast-check's replay path, from a report's `path`, with `seed`. */
  readonly path?: string;
  /** Stop at the first failure without shrinking it to a smaller facts object. */
  readonly endOnFailure?: boolean;
}

/** The default number of runs. */
export const defaultNumRuns = 100;

/** The seed a helper runs with: the one asked for, fast-check's global one, or a fresh one. */
export function resolveSeed(options: PropertyOptions): number {
  const global = fc.readConfigureGlobal().seed;
  return options.seed ?? global ?? (Date.now() ^ Math.floor(Math.random() * 0x100000000)) | 0;
}

/** fast-check parameters from the options, with the seed resolved. */
export function runParameters(options: FactsPropertyOptions, seed: number): fc.Parameters<[RoutingFacts]> {
  const parameters: { -readonly [K in keyof fc.Parameters<[RoutingFacts]>]: fc.Parameters<[RoutingFacts]>[K] } = {
    numRuns: options.numRuns ?? defaultNumRuns,
    seed,
  };
  if (options.path !== undefined) parameters.path = options.path;
  if (options.endOnFailure !== undefined) parameters.endOnFailure = options.endOnFailure;
  return parameters;
}

/** Deep equality of JSON-like values (decisions and targets), whatever their prototypes. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => Object.hasOwn(b, key) && sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** A facts object on one line, cut at `max` characters. */
export function showFacts(facts: unknown, max = 400): string {
  let text: string;
  try {
    // JSON.stringify gives undefined for undefined and functions, whatever its declared type says.
    const json: unknown = JSON.stringify(facts);
    text = typeof json === 'string' ? json : String(facts);
  } catch {
    text = String(facts);
  }
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** An error as one phrase: its code when it has one, then its message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? `${error.code}: ` : '';
    return `${code}${error.message}`;
  }
  return String(error);
}

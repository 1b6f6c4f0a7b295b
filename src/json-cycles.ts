// JSON cannot hold an object that contains itself, and the runtime stores what hosts send it (a
// conversation's memory and context, event parameters and results, invocation and processor
// parameters). zod's z.json() lets such an object through and overflows the stack on input nested
// too deep: every zod parse of host JSON goes through `parseHostJson`, which turns both into typed
// errors. (The fast readers in src/payload/ give up on an object met twice, so their output has no cycle.)
import type { z } from 'zod';
import { HandoffError, formatPath, type HandoffErrorCode } from './errors.js';

/**
 * The path to the first object inside `value` that contains itself, or `undefined` when there is
 * none. An object reached twice without a cycle (shared, as in a DAG) is fine and walked once.
 */
export function cyclePath(value: unknown): (string | number)[] | undefined {
  // Most host events are flat, and an object with no object inside cannot contain itself.
  if (!holdsAnObject(value)) return undefined;
  const done = new Set<object>();
  const open = new Set<object>();
  const path: (string | number)[] = [];
  const visit = (node: unknown): boolean => {
    if (typeof node !== 'object' || node === null || done.has(node)) return false;
    if (open.has(node)) return true;
    open.add(node);
    const children: [string | number, unknown][] = Array.isArray(node) ? node.map((item: unknown, i): [number, unknown] => [i, item]) : Object.entries(node);
    for (const [key, child] of children) {
      path.push(key);
      if (visit(child)) return true;
      path.pop();
    }
    open.delete(node);
    done.add(node);
    return false;
  };
  return visit(value) ? path : undefined;
}

/** Whether `value` is an object with an object (or array) among its own values. */
function holdsAnObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null) return true;
  }
  return false;
}

/**
 * Runs `parse`, a zod parse of host input holding JSON values: input nested too deep for the stack,
 * or a parsed value that contains itself, is a `code` error about `what`, its path under `prefix`.
 */
export function parseHostJson<T>(code: HandoffErrorCode, what: string, parse: () => z.ZodSafeParseResult<T>, prefix: readonly (string | number)[] = []): z.ZodSafeParseResult<T> {
  let result: z.ZodSafeParseResult<T>;
  try {
    result = parse();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const message = `${formatPath(prefix)}: nested too deeply to read (${error.message}); flatten it`;
    throw new HandoffError(code, `Invalid ${what}: ${message}`, [{ code: 'too_deep', path: [...prefix], message }], { cause: error });
  }
  const cycle = result.success ? cyclePath(result.data) : undefined;
  if (cycle) {
    const path = [...prefix, ...cycle];
    const message = `${formatPath(path)}: expected JSON, got an object that contains itself`;
    throw new HandoffError(code, `Invalid ${what}: ${message}`, [{ code: 'cycle', path, message }]);
  }
  return result;
}

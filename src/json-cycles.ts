// JSON cannot hold an object that contains itself, and the runtime stores what hosts send it (a
// conversation's memory and context, event parameters and results): those are checked at the edge,
// where input nested deeper than the stack can walk is refused too.
import { HandoffError, type HandoffErrorCode } from './errors.js';

/**
 * The path to the first object inside `value` that contains itself, or `undefined` when there is
 * none. An object reached twice without a cycle (shared, as in a DAG) is fine and walked once.
 */
export function cyclePath(value: unknown): (string | number)[] | undefined {
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

/** Runs a check over nested input; input too deep for the stack is `code`, not a raw RangeError. */
export function withinStack<T>(code: HandoffErrorCode, what: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const message = `$: nested too deeply to read (${error.message}); flatten it`;
    throw new HandoffError(code, `Invalid ${what}: ${message}`, [{ code: 'too_deep', path: [], message }], { cause: error });
  }
}

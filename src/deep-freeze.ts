// Data the library shares instead of copying is frozen: loaded rules (routers share them), and what
// the runtime hands out (views, notifications, adapter inputs, snapshots for a store: they share the
// conversation's own state). Code that changes it in place fails at the change (a TypeError in
// strict code) instead of rewriting what others hold.

/**
 * Freezes `value` and everything reachable from it, and returns it. It stops at anything frozen
 * already: the state is immutable data, so what an earlier call froze stays frozen below, and each
 * call walks only what is new since.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) deepFreeze(item);
  } else {
    const record = value as Record<string, unknown>;
    for (const key in record) deepFreeze(record[key]);
  }
  return value;
}

/**
 * Deep-freezes every value of `record`, but not `record` itself. For the machine's context: the
 * XState actor copies it with a spread on every assign, which V8 does about ten times slower from a
 * frozen object, and only the context's values are shared with what the runtime hands out.
 */
export function freezeValues<T extends object>(record: T): T {
  for (const key in record) deepFreeze(record[key]);
  return record;
}

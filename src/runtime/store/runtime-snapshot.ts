// The mark the memory store trusts. The runtime builds every snapshot it saves from JSON data (checked
// where it enters) and replaces, never changes, what it has saved (the state is frozen once saved). A
// snapshot so marked can be kept as the object itself and turned into JSON text later, or never when
// it is overwritten first. Anything else a caller saves is copied at once.
import type { JsonValue } from '../json-value.js';

// A symbol, not enumerable: JSON, spreads, Object.keys and other stores' marshalling never see it, so
// to every other store the snapshot is the plain JSON object it is typed as.
const mark = Symbol('agent-handoff.runtimeSnapshot');

/** Marks a snapshot envelope as the runtime's own: JSON by construction, never changed once saved. */
export function markRuntimeSnapshot<T extends { readonly [key: string]: JsonValue }>(envelope: T): T {
  Object.defineProperty(envelope, mark, { value: true });
  return envelope;
}

/** Whether `value` is a snapshot the runtime marked (a copy of one is not). */
export function isRuntimeSnapshot(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, mark);
}

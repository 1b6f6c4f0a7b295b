// How the runtime hands its state to the memory store without encoding it. A conversation saves
// several times within milliseconds (seven in a full lifecycle), and each save would compact, seal
// and, for the memory store, serialize the state. The memory store instead keeps the encoder and runs
// it only when the row is loaded or pushed out, so the saves a lifecycle overwrites cost nothing.
// Every other store, and any wrapper around a memory store, gets the encoded JSON through `save`.
import type { ConversationStore, JsonValue, SaveResult } from './store.js';

/**
 * Saves a conversation's state with compare-and-set, given as the function that encodes it to its
 * snapshot JSON. `encode` reads state the runtime never changes once saved (transitions copy on
 * write), so it gives the same JSON whenever it runs (test/runtime-deferred-save.test.ts). The
 * answer comes at once (the memory store has nothing to wait for), so the runtime's many saves of a
 * lifecycle cost no promise; a bad version or a closed store throws its `HandoffError`. `last` says
 * the conversation has ended, so no later save replaces this one: deferring it would only keep its
 * objects alive until it is encoded anyway.
 */
export type StateSave = (conversationId: string, expectedVersion: number, encode: () => JsonValue, nextDeadline: number | null, last: boolean) => SaveResult;

// Keyed by the store object itself, so a wrapper (another object) gets plain saves.
const deferredSaves = new WeakMap<ConversationStore, StateSave>();

/** Lets the runtime save to `store` through `save` instead of `store.save` (the memory store does, for itself). */
export function offerDeferredSave(store: ConversationStore, save: StateSave): void {
  deferredSaves.set(store, save);
}

/** The deferred save `store` offers, if it does; other stores are saved to through `save`. */
export function deferredSaveOf(store: ConversationStore): StateSave | undefined {
  return deferredSaves.get(store);
}

// What `runtime.delete` reads before it deletes: the stored record's state and the version to delete at.
import { isHandoffError } from '../errors.js';
import { decodeConversation, type PersistedHandoffSnapshot, type SharedContext } from './conversation-record.js';
import type { ConversationStore } from './store/store.js';

/** A stored record about to be deleted: its state (`null` when corrupt) and the version it was read at. */
export interface RecordToDelete {
  /** `undefined` when the store could not hand the row back at all: it is deleted whatever its version. */
  readonly version: number | undefined;
  readonly snapshot: PersistedHandoffSnapshot | null;
}

/**
 * The record `delete` removes and the version it was read at. A corrupt record comes back with a
 * null `snapshot`, to be deleted: no runtime can process it, so it cannot be running. A record of
 * another schema version still throws: a newer runtime may be running it. Read from the store, not
 * through the registry, whose read throws before it gives the version.
 */
export async function readForDelete(store: ConversationStore, shared: SharedContext, conversationId: string): Promise<RecordToDelete | undefined> {
  const stored = await store.load(conversationId).catch((error: unknown) => {
    if (isHandoffError(error, 'CORRUPT_SNAPSHOT')) return null;
    throw error;
  });
  // The store cannot hand the row back at all (the memory store's saved text does not parse), so
  // there is no version to delete at: the row goes whatever its version.
  if (stored === null) return { version: undefined, snapshot: null };
  if (!stored) return undefined;
  try {
    return { version: stored.version, snapshot: decodeConversation(conversationId, stored.snapshot, shared).snapshot };
  } catch (error) {
    if (isHandoffError(error, 'CORRUPT_SNAPSHOT')) return { version: stored.version, snapshot: null };
    throw error;
  }
}

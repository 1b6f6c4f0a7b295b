import { HandoffError } from '../../errors.js';
import {
  assertDeadline,
  assertExpectedVersion,
  effectiveLimit,
  serializeSnapshot,
  storeClosedError,
  type ConversationStore,
  type ConversationWrite,
  type DueConversation,
  type JsonValue,
  type ListDueOptions,
  type SaveResult,
  type StoredConversation,
} from './store.js';
import { offerDeferredSave } from './deferred-save.js';
import { createDeadlineIndex } from './deadline-index.js';

/** How many of the conversations the runtime saved last keep its state unencoded instead of JSON text. */
export const deferredRowLimit = 256;

/**
 * One stored row. Its snapshot is JSON text, so no caller's object outlives a save, except in the
 * rows the runtime saved most recently: those keep the runtime's encoder of its immutable state until
 * a load needs a copy or newer saves push them out (src/runtime/store/deferred-save.ts). A
 * conversation saves several times within milliseconds, so most of those are replaced unencoded.
 */
interface MemoryRow {
  /** JSON text, or the runtime's encoder of the state it saved. */
  content: string | (() => JsonValue);
  readonly version: number;
  readonly nextDeadline: number | null;
}

/** The in-memory store, with a count of stored conversations for tests and benchmarks. */
export interface MemoryConversationStore extends ConversationStore {
  /** How many conversations are stored. */
  readonly size: number;
}

/**
 * Creates the default store: conversations in a `Map`, snapshots kept as JSON strings, so it
 * behaves like a durable store (every load is a fresh copy) and an idle conversation costs a
 * string, not an object graph. The last few hundred states the runtime saved stay unencoded until
 * they are loaded or pushed out, which spares encoding the many that are overwritten within a
 * lifecycle. Saves are atomic because each runs without awaiting. Deadlines are also kept in order
 * (src/runtime/store/deadline-index.ts), so `listDue` reads the due rows, not every row: a page of k
 * rows costs O(log s + log r + k) for s seconds holding deadlines and r conversations in the second
 * it starts in, once the seconds it reads are sorted (each is, O(r log r), on its first read and on
 * the first after a conversation joined it or moved within it), after catching up on at most the
 * last 1 024 conversations whose deadline changed. A conversation with no deadline costs the index
 * nothing.
 *
 * @example
 * const store = createMemoryStore();
 * await store.save('c1', 0, { snapshot: { schemaVersion: 1, state: {} }, nextDeadline: null });
 */
export function createMemoryStore(): MemoryConversationStore {
  const rows = new Map<string, MemoryRow>();
  // The rows holding an encoder, in the order they were first deferred since their last encoding.
  const deferredRows = new Map<string, MemoryRow>();
  const deadlines = createDeadlineIndex();
  let closed = false;

  /** The row's JSON text, encoding and serializing a deferred state once (it then stops being one). */
  const textOf = (conversationId: string, row: MemoryRow): string => {
    deferredRows.delete(conversationId);
    if (typeof row.content !== 'string') row.content = serializeSnapshot(conversationId, row.content());
    return row.content;
  };

  const pushOutOldest = (): void => {
    const conversationId = deferredRows.keys().next().value as string;
    const row = deferredRows.get(conversationId) as MemoryRow;
    try {
      textOf(conversationId, row);
    } catch {
      // Not JSON after all, against the runtime's promise: the row keeps its encoder, and its next load reports it for that conversation alone.
    }
  };

  /** Writes a row with compare-and-set; `content` is JSON text or the runtime's encoder. */
  const put = (conversationId: string, expectedVersion: number, content: MemoryRow['content'], nextDeadline: number | null): SaveResult => {
    const previous = rows.get(conversationId);
    if ((previous?.version ?? 0) !== expectedVersion) return { ok: false, code: 'VERSION_CONFLICT', expectedVersion };
    const version = expectedVersion + 1;
    const row: MemoryRow = { content, version, nextDeadline };
    rows.set(conversationId, row);
    const previousDeadline = previous ? previous.nextDeadline : null;
    if (previousDeadline !== nextDeadline) deadlines.move(conversationId, previousDeadline, nextDeadline);
    if (typeof content !== 'string') {
      // A row already deferred keeps its place (a Map's set does not move a key): deleting and
      // re-adding it on each of a lifecycle's saves made the Map rebuild itself over and over.
      deferredRows.set(conversationId, row);
      if (deferredRows.size > deferredRowLimit) pushOutOldest();
    } else {
      deferredRows.delete(conversationId);
    }
    return { ok: true, version };
  };

  const open = (): void => {
    if (closed) throw storeClosedError();
  };

  const store: MemoryConversationStore = {
    get size() {
      return rows.size;
    },

    load(conversationId: string): Promise<StoredConversation | undefined> {
      return attempt(() => {
        open();
        const row = rows.get(conversationId);
        if (!row) return undefined;
        let text: string;
        try {
          text = textOf(conversationId, row);
        } catch (error) {
          throw new HandoffError('CORRUPT_SNAPSHOT', `Conversation "${conversationId}": the saved snapshot cannot be read back as JSON (${String(error)})`, [], { cause: error });
        }
        return { conversationId, snapshot: JSON.parse(text) as JsonValue, version: row.version, nextDeadline: row.nextDeadline };
      });
    },

    save(conversationId: string, expectedVersion: number, write: ConversationWrite): Promise<SaveResult> {
      return attempt((): SaveResult => {
        open();
        assertExpectedVersion(expectedVersion);
        assertDeadline(write.nextDeadline);
        return put(conversationId, expectedVersion, serializeSnapshot(conversationId, write.snapshot), write.nextDeadline);
      });
    },

    listDue(before: number, options?: ListDueOptions): Promise<readonly DueConversation[]> {
      return attempt(() => {
        open();
        return deadlines.listDue(before, effectiveLimit(options), options?.after);
      });
    },

    delete(conversationId: string, expectedVersion?: number): Promise<boolean> {
      return attempt(() => {
        open();
        const row = rows.get(conversationId);
        if (!row || (expectedVersion !== undefined && row.version !== expectedVersion)) return false;
        deferredRows.delete(conversationId);
        if (row.nextDeadline !== null) deadlines.move(conversationId, row.nextDeadline, null);
        return rows.delete(conversationId);
      });
    },

    close(): Promise<void> {
      closed = true;
      rows.clear();
      deferredRows.clear();
      deadlines.clear();
      return Promise.resolve();
    },
  };
  offerDeferredSave(store, (conversationId, expectedVersion, encode, nextDeadline, last) => {
    open();
    assertExpectedVersion(expectedVersion);
    assertDeadline(nextDeadline);
    return put(conversationId, expectedVersion, last ? serializeSnapshot(conversationId, encode()) : encode, nextDeadline);
  });
  return store;
}

/** Runs a synchronous store operation, turning a throw into a rejection like an I/O store would. */
function attempt<T>(operation: () => T): Promise<T> {
  try {
    return Promise.resolve(operation());
  } catch (error) {
    return Promise.reject(error instanceof HandoffError ? error : new HandoffError('CORRUPT_SNAPSHOT', String(error), [], { cause: error }));
  }
}

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
import { isRuntimeSnapshot } from './runtime-snapshot.js';

/** How many of the conversations the runtime saved last keep its snapshot object instead of JSON text. */
export const objectRowLimit = 256;

/**
 * One stored row. Its snapshot is JSON text, so no caller's object outlives a save, except in the
 * rows the runtime saved most recently: those keep the runtime's own immutable snapshot until a load
 * needs a copy or newer saves push them out. A conversation saves several times within milliseconds,
 * so most of those snapshots are replaced before they would have been serialized.
 */
interface MemoryRow {
  /** JSON text, or the runtime's own snapshot object (never a string: a runtime snapshot is an object). */
  content: string | JsonValue;
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
 * string, not an object graph. The last few hundred snapshots the runtime saved stay objects until
 * they are loaded or pushed out, which spares serializing the many that are overwritten within a
 * lifecycle. Saves are atomic because each runs without awaiting.
 * `listDue` scans every row (O(n log n)); it is meant for start-up recovery, not a hot loop.
 *
 * @example
 * const store = createMemoryStore();
 * await store.save('c1', 0, { snapshot: { schemaVersion: 1, state: {} }, nextDeadline: null });
 */
export function createMemoryStore(): MemoryConversationStore {
  const rows = new Map<string, MemoryRow>();
  // The rows holding an object, oldest save first.
  const objectRows = new Map<string, MemoryRow>();
  let closed = false;

  /** The row's JSON text, serializing a kept object once (it then stops being one). */
  const textOf = (conversationId: string, row: MemoryRow): string => {
    objectRows.delete(conversationId);
    if (typeof row.content !== 'string') row.content = serializeSnapshot(conversationId, row.content);
    return row.content;
  };

  const pushOutOldest = (): void => {
    const [conversationId, row] = objectRows.entries().next().value as [string, MemoryRow];
    try {
      textOf(conversationId, row);
    } catch {
      // Not JSON after all, against the runtime's promise: the row keeps its object, and its next load reports it for that conversation alone.
    }
  };

  const open = (): void => {
    if (closed) throw storeClosedError();
  };

  return {
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
        const kept = isRuntimeSnapshot(write.snapshot);
        const content = kept ? write.snapshot : serializeSnapshot(conversationId, write.snapshot);
        const current = rows.get(conversationId)?.version ?? 0;
        if (current !== expectedVersion) return { ok: false, code: 'VERSION_CONFLICT', expectedVersion };
        const version = expectedVersion + 1;
        const row: MemoryRow = { content, version, nextDeadline: write.nextDeadline };
        rows.set(conversationId, row);
        objectRows.delete(conversationId);
        if (kept) objectRows.set(conversationId, row);
        if (objectRows.size > objectRowLimit) pushOutOldest();
        return { ok: true, version };
      });
    },

    listDue(before: number, options?: ListDueOptions): Promise<readonly DueConversation[]> {
      return attempt(() => {
        open();
        const limit = effectiveLimit(options);
        const after = options?.after;
        const due: DueConversation[] = [];
        for (const [conversationId, row] of rows) {
          const deadline = row.nextDeadline;
          if (deadline === null || deadline > before) continue;
          if (after && compareDue(deadline, conversationId, after) <= 0) continue;
          due.push({ conversationId, nextDeadline: deadline });
        }
        due.sort((a, b) => compareDue(a.nextDeadline, a.conversationId, b));
        return due.slice(0, limit);
      });
    },

    delete(conversationId: string, expectedVersion?: number): Promise<boolean> {
      return attempt(() => {
        open();
        const row = rows.get(conversationId);
        if (!row || (expectedVersion !== undefined && row.version !== expectedVersion)) return false;
        objectRows.delete(conversationId);
        return rows.delete(conversationId);
      });
    },

    close(): Promise<void> {
      closed = true;
      rows.clear();
      objectRows.clear();
      return Promise.resolve();
    },
  };
}

/** Orders due rows by deadline, then by id in code-unit order. */
function compareDue(deadline: number, conversationId: string, other: DueConversation): number {
  if (deadline !== other.nextDeadline) return deadline - other.nextDeadline;
  return conversationId < other.conversationId ? -1 : conversationId > other.conversationId ? 1 : 0;
}

/** Runs a synchronous store operation, turning a throw into a rejection like an I/O store would. */
function attempt<T>(operation: () => T): Promise<T> {
  try {
    return Promise.resolve(operation());
  } catch (error) {
    return Promise.reject(error instanceof HandoffError ? error : new HandoffError('CORRUPT_SNAPSHOT', String(error), [], { cause: error }));
  }
}

import { HandoffError } from '../../errors.js';
import type { JsonValue } from '../json-value.js';

export type { JsonValue } from '../json-value.js';

/** One conversation as stored: its snapshot, its version, and its earliest pending deadline. */
export interface StoredConversation {
  readonly conversationId: string;
  /** The snapshot as it was saved (a fresh copy on every load, never a shared live object). */
  readonly snapshot: JsonValue;
  /** Starts at 1 on create and grows by 1 on every successful save. */
  readonly version: number;
  /** The earliest pending timeout in epoch milliseconds, or `null` when nothing is pending. */
  readonly nextDeadline: number | null;
}

/** What a save writes: the new snapshot and the earliest pending deadline. */
export interface ConversationWrite {
  readonly snapshot: JsonValue;
  readonly nextDeadline: number | null;
}

/**
 * The outcome of a compare-and-set save. A conflict is a result, not an exception: it is the
 * expected signal that another writer got there first, and the caller reloads and retries.
 */
export type SaveResult =
  | { readonly ok: true; readonly version: number }
  | { readonly ok: false; readonly code: 'VERSION_CONFLICT'; readonly expectedVersion: number };

/** A conversation whose deadline is due, as listed by `listDue`. */
export interface DueConversation {
  readonly conversationId: string;
  readonly nextDeadline: number;
}

/** Paging of `listDue`: at most `limit` rows, strictly after the `after` row in (deadline, id) order. */
export interface ListDueOptions {
  readonly limit?: number;
  readonly after?: DueConversation;
}

/**
 * Durable storage of conversation snapshots with optimistic concurrency.
 *
 * Contract, shared by every implementation and pinned by `test/store.contract.test.ts`:
 * - `save(id, 0, w)` creates; it conflicts when the conversation exists. `save(id, v, w)` with
 *   `v > 0` replaces version `v` and conflicts when the stored version is not `v` (or it is gone).
 *   A successful save returns the new version, `expectedVersion + 1`.
 * - `load` returns a fresh copy or `undefined`; it rejects with `CORRUPT_SNAPSHOT` when the stored
 *   row cannot be read, for that conversation only.
 * - `listDue(before)` lists conversations whose `nextDeadline <= before`, earliest first (ties by
 *   id), without reading snapshots, so a corrupt row never hides the others.
 * - After `close()` every call rejects with `RUNTIME_CLOSED`; `close` waits for calls in flight.
 */
export interface ConversationStore {
  load(conversationId: string): Promise<StoredConversation | undefined>;
  save(conversationId: string, expectedVersion: number, write: ConversationWrite): Promise<SaveResult>;
  listDue(before: number, options?: ListDueOptions): Promise<readonly DueConversation[]>;
  /** Deletes the conversation (only at `expectedVersion` when given); true when a row was deleted. */
  delete(conversationId: string, expectedVersion?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The page size of `listDue` when no `limit` is given. */
export const defaultListDueLimit = 100;

/** Turns a conflicting save result into the typed `VERSION_CONFLICT` error, for callers that give up. */
export function versionConflictError(conversationId: string, expectedVersion: number): HandoffError {
  const expected = expectedVersion === 0 ? 'no stored conversation (a create)' : `stored version ${expectedVersion}`;
  return new HandoffError(
    'VERSION_CONFLICT',
    `Conversation "${conversationId}" was changed by another writer: expected ${expected}; reload it and apply the event again`,
  );
}

/** Rejects versions that are not non-negative safe integers, before they reach a store. */
export function assertExpectedVersion(expectedVersion: number): void {
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw new HandoffError('INVALID_INPUT', `Expected a version that is an integer >= 0 (0 creates), got ${expectedVersion}`);
  }
}

/** Rejects deadlines that are neither `null` nor a finite epoch-millisecond number. */
export function assertDeadline(nextDeadline: number | null): void {
  if (nextDeadline !== null && !Number.isSafeInteger(nextDeadline)) {
    throw new HandoffError('INVALID_INPUT', `Expected nextDeadline to be null or an integer epoch-millisecond time, got ${nextDeadline}`);
  }
}

/** Rejects a `listDue` limit that is not a positive integer and returns the effective one. */
export function effectiveLimit(options: ListDueOptions | undefined): number {
  const limit = options?.limit ?? defaultListDueLimit;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new HandoffError('INVALID_INPUT', `Expected listDue's limit to be an integer >= 1, got ${limit}`);
  }
  return limit;
}

/** The error every store call raises once the store is closed. */
export function storeClosedError(): HandoffError {
  return new HandoffError('RUNTIME_CLOSED', 'The conversation store is closed; create a new store to keep going');
}

/** Serialises a snapshot to JSON text, rejecting values JSON cannot represent. */
export function serializeSnapshot(conversationId: string, snapshot: JsonValue): string {
  // JSON.stringify returns undefined for undefined, functions and symbols; its lib type hides that.
  const stringify: (value: unknown) => string | undefined = JSON.stringify;
  let text: string | undefined;
  try {
    text = stringify(snapshot);
  } catch (error) {
    throw new HandoffError('INVALID_INPUT', `Expected a JSON snapshot for conversation "${conversationId}": ${String(error)}`, [], { cause: error });
  }
  if (text === undefined) {
    throw new HandoffError('INVALID_INPUT', `Expected a JSON snapshot for conversation "${conversationId}", got ${typeof snapshot}`);
  }
  return text;
}

// What `listDue` must answer, worked out by scanning every conversation, and the helpers that page
// through it and track what a test saved: shared by the store contract and the memory store's tests.
import type { ConversationStore, DueConversation, SaveResult } from '../../src/runtime/store/store.js';

/** Due order: deadline, then id in code-unit order (not locale order). */
export const byDue = (a: DueConversation, b: DueConversation): number =>
  a.nextDeadline - b.nextDeadline || (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0);

/** What `listDue` must answer, by scanning every conversation: the contract, with no index. */
export function naiveDue(deadlines: ReadonlyMap<string, number | null>, before: number, limit: number, after?: DueConversation): DueConversation[] {
  const due: DueConversation[] = [];
  for (const [conversationId, nextDeadline] of deadlines) if (nextDeadline !== null && nextDeadline <= before) due.push({ conversationId, nextDeadline });
  return due.sort(byDue).filter((row) => !after || byDue(row, after) > 0).slice(0, limit);
}

/** Every page of `listDue(before)`, each asked for strictly after the last row of the one before. */
export async function allPages(store: ConversationStore, before: number, limit: number): Promise<DueConversation[][]> {
  const pages: DueConversation[][] = [];
  let after: DueConversation | undefined;
  for (;;) {
    const page = await store.listDue(before, after ? { limit, after } : { limit });
    if (page.length === 0) return pages;
    // A page that does not move past `after` would page forever.
    if (after && byDue(page[0]!, after) <= 0) {
      throw new Error(`listDue(${before}) after ${after.conversationId}@${after.nextDeadline} answered ${page[0]!.conversationId}@${page[0]!.nextDeadline}, not past it`);
    }
    pages.push([...page]);
    after = page.at(-1);
  }
}

/** One conversation a test saved: the version it is at and its deadline. */
export interface TrackedRow {
  readonly version: number;
  readonly deadline: number | null;
}

/** Each tracked conversation's deadline, as `naiveDue` takes them. */
export const deadlinesOf = (rows: ReadonlyMap<string, TrackedRow>): Map<string, number | null> => new Map([...rows].map(([id, row]) => [id, row.deadline]));

/**
 * Saves and deletes through `store`, each save at the conversation's next version, and tracks every
 * conversation's version and deadline; `checkSave` gets each save's result and the version it should answer.
 */
export function trackedRows(store: ConversationStore, checkSave: (result: SaveResult, version: number) => void) {
  const rows = new Map<string, TrackedRow>();
  return {
    rows,
    deadlines: () => deadlinesOf(rows),
    /** Saves `id` at its next version (the snapshot is the version saved over) with `deadline`. */
    put: async (id: string, deadline: number | null): Promise<void> => {
      const version = rows.get(id)?.version ?? 0;
      checkSave(await store.save(id, version, { snapshot: version, nextDeadline: deadline }), version + 1);
      rows.set(id, { version: version + 1, deadline });
    },
    /** Deletes `id`; resolves to whether the store had it. */
    remove: (id: string): Promise<boolean> => {
      rows.delete(id);
      return store.delete(id);
    },
  };
}

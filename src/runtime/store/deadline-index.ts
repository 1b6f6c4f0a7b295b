// The memory store's deadlines in order, so `listDue` reads the due conversations, not every stored
// one. Deadlines sit in one-second buckets: a Map from the second to its conversations (with their
// deadlines), and the seconds in a sorted array. A new second costs a binary search and a splice, but
// seconds are shared: conversations wait on now + the same few timeouts. A conversation with no
// deadline is not in it. The buckets lag behind the last `deadlineLagLimit` conversations whose
// deadline changed and catch up on a read, or when newer changes push them out: a conversation saves
// several times within milliseconds and each save moves its deadline (all seven of a full lifecycle
// do, the last one to none), so a burst moves it between buckets once, or not at all when it ends,
// and each save in the burst costs a Map lookup.
import type { DueConversation } from './store.js';

const bucketMs = 1000;

/** How many conversations' deadline changes the buckets may lag behind. */
export const deadlineLagLimit = 1024;

/** The stored conversations' deadlines, ordered for `listDue`. */
export interface DeadlineIndex {
  /** Records that a conversation's stored deadline moved from `from` to `to` (`null`: none). */
  move(conversationId: string, from: number | null, to: number | null): void;
  /** At most `limit` conversations due by `before`, strictly after `after`, by deadline then id. */
  listDue(before: number, limit: number, after: DueConversation | undefined): DueConversation[];
  /** Forgets every deadline. */
  clear(): void;
}

/**
 * Creates an empty index. Listing costs O(log s + r) for s seconds held and r rows in the seconds
 * read, plus moving at most `deadlineLagLimit` lagging conversations into their buckets.
 */
export function createDeadlineIndex(): DeadlineIndex {
  const buckets = new Map<number, Map<string, number>>();
  // The keys of `buckets`, ascending.
  const seconds: number[] = [];
  // The lagging conversations, in a ring of slots that the oldest leaves first: per slot the id, the
  // deadline its bucket holds and its latest one. Arrays, not a Map's insertion order: reaching a
  // Map's first entry steps over every entry deleted before it.
  const slots = new Map<string, number>();
  const ids: string[] = [];
  const held: (number | null)[] = [];
  const latest: (number | null)[] = [];
  let oldest = 0;

  /** Where `second` is, or would be inserted, in `seconds`. */
  const position = (second: number): number => {
    let low = 0;
    let high = seconds.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((seconds[middle] as number) < second) low = middle + 1;
      else high = middle;
    }
    return low;
  };

  const add = (conversationId: string, deadline: number): void => {
    const second = Math.floor(deadline / bucketMs);
    let bucket = buckets.get(second);
    if (!bucket) {
      bucket = new Map();
      buckets.set(second, bucket);
      seconds.splice(position(second), 0, second);
    }
    bucket.set(conversationId, deadline);
  };

  const remove = (conversationId: string, deadline: number): void => {
    const second = Math.floor(deadline / bucketMs);
    const bucket = buckets.get(second) as Map<string, number>;
    bucket.delete(conversationId);
    if (bucket.size > 0) return;
    buckets.delete(second);
    seconds.splice(position(second), 1);
  };

  /** Moves the conversation in `slot` from the bucket of the deadline it holds to that of its latest one. */
  const settle = (slot: number): void => {
    const conversationId = ids[slot] as string;
    const from = held[slot] as number | null;
    const to = latest[slot] as number | null;
    if (from === to) return;
    // Within one second, overwriting the entry keeps the bucket instead of emptying and remaking it.
    if (from !== null && to !== null && Math.floor(from / bucketMs) === Math.floor(to / bucketMs)) {
      (buckets.get(Math.floor(from / bucketMs)) as Map<string, number>).set(conversationId, to);
      return;
    }
    if (from !== null) remove(conversationId, from);
    if (to !== null) add(conversationId, to);
  };

  const clearLagging = (): void => {
    slots.clear();
    ids.length = 0;
    held.length = 0;
    latest.length = 0;
    oldest = 0;
  };

  return {
    move(conversationId, from, to) {
      const lagSlot = slots.get(conversationId);
      if (lagSlot !== undefined) {
        // Its bucket still holds the deadline it had when it started lagging.
        latest[lagSlot] = to;
        return;
      }
      let slot = ids.length;
      if (slot === deadlineLagLimit) {
        slot = oldest;
        oldest = (oldest + 1) % deadlineLagLimit;
        settle(slot);
        slots.delete(ids[slot] as string);
      }
      slots.set(conversationId, slot);
      ids[slot] = conversationId;
      held[slot] = from;
      latest[slot] = to;
    },

    listDue(before, limit, after) {
      for (let slot = 0; slot < ids.length; slot++) settle(slot);
      clearLagging();
      const due: DueConversation[] = [];
      const lastSecond = Math.floor(before / bucketMs);
      // Each second is sorted whole before the next is read, so the rows listed so far come first.
      for (let i = after ? position(Math.floor(after.nextDeadline / bucketMs)) : 0; i < seconds.length && due.length < limit; i++) {
        const second = seconds[i] as number;
        if (second > lastSecond) break;
        const inSecond: DueConversation[] = [];
        for (const [conversationId, nextDeadline] of buckets.get(second) as Map<string, number>) {
          if (nextDeadline > before || (after && compareDue(nextDeadline, conversationId, after) <= 0)) continue;
          inSecond.push({ conversationId, nextDeadline });
        }
        inSecond.sort((a, b) => compareDue(a.nextDeadline, a.conversationId, b));
        for (const row of inSecond) due.push(row);
      }
      if (due.length > limit) due.length = limit;
      return due;
    },

    clear() {
      buckets.clear();
      seconds.length = 0;
      clearLagging();
    },
  };
}

/** Orders due rows by deadline, then by id in code-unit order. */
function compareDue(deadline: number, conversationId: string, other: DueConversation): number {
  if (deadline !== other.nextDeadline) return deadline - other.nextDeadline;
  return conversationId < other.conversationId ? -1 : conversationId > other.conversationId ? 1 : 0;
}

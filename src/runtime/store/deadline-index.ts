// The memory store's deadlines in order, so `listDue` reads the due conversations, not every stored
// one. Deadlines sit in one-second buckets: a Map from the second to its conversations (with their
// deadlines), and the seconds in a sorted array. A new second costs a binary search and a splice, but
// seconds are shared: conversations wait on now + the same few timeouts. A conversation with no
// deadline is not in it. The buckets lag behind the last `deadlineLagLimit` conversations whose
// deadline changed and catch up on a read, or when newer changes push them out: a conversation saves
// several times within milliseconds and each save moves its deadline (all seven of a full lifecycle
// do, the last one to none), so a burst moves it between buckets once, or not at all when it ends,
// and each save in the burst costs a Map lookup.
//
// Many conversations can share a second (a burst of them created together, waiting on one timeout),
// and the scheduler pages through them by a few hundred. Sorting the whole second for every page made
// paging through it quadratic, so a bucket keeps a sorted copy of its rows from the first read that
// needs them, a page finds where it starts in it by binary search, and stops at its limit. A row that
// joins the bucket or moves within it drops the copy, which costs the save an assignment, never a
// sort. A row that leaves keeps its place in the copy and reads skip it, so the conversations the
// scheduler fires while it pages do not make it sort the rest again; the copy is dropped once more of
// its rows have left than remain. The copy costs 12 bytes a row, about a fifth of what the bucket's
// Map holds per row, and at most twice that per row still in the bucket.
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

/** One second's conversations, and, once a read needed them in order, a sorted copy of them. */
interface Bucket {
  /** Per conversation in this second, its deadline. */
  readonly deadlineOf: Map<string, number>;
  /** The rows by deadline then id as they were when sorted, or undefined until a read needs them. */
  sorted: SortedRows | undefined;
}

/**
 * A bucket's rows in due order, as two parallel arrays (an id reference and an unboxed deadline: 12
 * bytes a row, no object per row). Rows that left the bucket since they were sorted stay in them.
 */
interface SortedRows {
  readonly ids: string[];
  readonly deadlines: Float64Array;
  /** How many of these rows have left the bucket since they were sorted. */
  left: number;
}

/**
 * Creates an empty index. A page of k rows costs O(log s + log r + k) for s seconds held and r rows
 * in the second it starts in, once the seconds it reads have sorted copies, plus the rows it steps
 * over that left those seconds since (at most as many as remain). A second's copy is made, O(r log r),
 * on the first read of it, and again after a row joined it or moved within it. A save costs O(1), plus
 * a splice of the seconds array when a second starts or empties, and a read first moves at most
 * `deadlineLagLimit` lagging conversations into their buckets.
 */
export function createDeadlineIndex(): DeadlineIndex {
  const buckets = new Map<number, Bucket>();
  // The keys of `buckets`, ascending.
  const seconds: number[] = [];
  // The lagging conversations, in a ring of slots that the oldest leaves first: per slot the id, the
  // deadline its bucket holds and its latest one. Arrays, not a Map's insertion order: reaching a
  // Map's first entry steps over every entry deleted before it.
  const slotOf = new Map<string, number>();
  const ids: string[] = [];
  const held: (number | null)[] = [];
  const latest: (number | null)[] = [];
  let oldest = 0;

  /** Where `second` is, or would be inserted, in `seconds`. */
  const position = (second: number): number => firstPast(seconds.length, (i) => (seconds[i] as number) >= second);

  const add = (conversationId: string, deadline: number): void => {
    const second = Math.floor(deadline / bucketMs);
    let bucket = buckets.get(second);
    if (!bucket) {
      bucket = { deadlineOf: new Map(), sorted: undefined };
      buckets.set(second, bucket);
      seconds.splice(position(second), 0, second);
    }
    bucket.deadlineOf.set(conversationId, deadline);
    bucket.sorted = undefined;
  };

  const remove = (conversationId: string, deadline: number): void => {
    const second = Math.floor(deadline / bucketMs);
    const bucket = buckets.get(second) as Bucket;
    bucket.deadlineOf.delete(conversationId);
    if (bucket.deadlineOf.size === 0) {
      buckets.delete(second);
      seconds.splice(position(second), 1);
      return;
    }
    // Its row stays in the sorted copy, skipped on reads; the copy goes once it is mostly such rows.
    if (bucket.sorted && ++bucket.sorted.left > bucket.deadlineOf.size) bucket.sorted = undefined;
  };

  /** Moves the conversation in `slot` from the bucket of the deadline it holds to that of its latest one. */
  const settle = (slot: number): void => {
    const conversationId = ids[slot] as string;
    const from = held[slot] as number | null;
    const to = latest[slot] as number | null;
    if (from === to) return;
    // Within one second, overwriting the entry keeps the bucket instead of emptying and remaking it.
    if (from !== null && to !== null && Math.floor(from / bucketMs) === Math.floor(to / bucketMs)) {
      const bucket = buckets.get(Math.floor(from / bucketMs)) as Bucket;
      bucket.deadlineOf.set(conversationId, to);
      bucket.sorted = undefined;
      return;
    }
    if (from !== null) remove(conversationId, from);
    if (to !== null) add(conversationId, to);
  };

  const clearLagging = (): void => {
    slotOf.clear();
    ids.length = 0;
    held.length = 0;
    latest.length = 0;
    oldest = 0;
  };

  return {
    move(conversationId, from, to) {
      const lagSlot = slotOf.get(conversationId);
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
        slotOf.delete(ids[slot] as string);
      }
      slotOf.set(conversationId, slot);
      ids[slot] = conversationId;
      held[slot] = from;
      latest[slot] = to;
    },

    listDue(before, limit, after) {
      for (let slot = 0; slot < ids.length; slot++) settle(slot);
      clearLagging();
      const due: DueConversation[] = [];
      const lastSecond = Math.floor(before / bucketMs);
      const afterSecond = after ? Math.floor(after.nextDeadline / bucketMs) : Number.NEGATIVE_INFINITY;
      for (let i = after ? position(afterSecond) : 0; i < seconds.length; i++) {
        const second = seconds[i] as number;
        if (second > lastSecond) break;
        const bucket = buckets.get(second) as Bucket;
        const sorted = (bucket.sorted ??= sortRows(bucket.deadlineOf));
        for (let row = second === afterSecond ? firstAfter(sorted, after as DueConversation) : 0; row < sorted.ids.length; row++) {
          const nextDeadline = sorted.deadlines[row] as number;
          // The rows are in deadline order, and every later second is past `before` too.
          if (nextDeadline > before) return due;
          const conversationId = sorted.ids[row] as string;
          // A row that has left the bucket since the sort is still in the copy.
          if (bucket.deadlineOf.get(conversationId) !== nextDeadline) continue;
          due.push({ conversationId, nextDeadline });
          if (due.length === limit) return due;
        }
      }
      return due;
    },

    clear() {
      buckets.clear();
      seconds.length = 0;
      clearLagging();
    },
  };
}

/** A bucket's rows in due order. */
function sortRows(deadlineOf: Map<string, number>): SortedRows {
  const unsortedIds = [...deadlineOf.keys()];
  const unsortedDeadlines = [...deadlineOf.values()];
  // Sorting row numbers compares two array reads; sorting [id, deadline] pairs was three times slower.
  const order = unsortedIds.map((_, row) => row);
  // Ids are unique within a bucket, so two rows never compare equal.
  order.sort((a, b) => (unsortedDeadlines[a] as number) - (unsortedDeadlines[b] as number) || ((unsortedIds[a] as string) < (unsortedIds[b] as string) ? -1 : 1));
  const ids = order.map((row) => unsortedIds[row] as string);
  const deadlines = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) deadlines[i] = unsortedDeadlines[order[i] as number] as number;
  return { ids, deadlines, left: 0 };
}

/** The first row of `sorted` strictly after `after`. */
function firstAfter(sorted: SortedRows, after: DueConversation): number {
  return firstPast(sorted.ids.length, (row) => compareDue(sorted.deadlines[row] as number, sorted.ids[row] as string, after) > 0);
}

/** The first index below `count` where `past` holds, by binary search (`past` is false, then true); `count` if none. */
function firstPast(count: number, past: (index: number) => boolean): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (past(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Orders due rows by deadline, then by id in code-unit order. */
function compareDue(deadline: number, conversationId: string, other: DueConversation): number {
  if (deadline !== other.nextDeadline) return deadline - other.nextDeadline;
  return conversationId < other.conversationId ? -1 : conversationId > other.conversationId ? 1 : 0;
}

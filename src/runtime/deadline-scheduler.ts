// One timer for every conversation: a min-heap of the deadlines coming due soon, fed by the runtime's
// own saves and by polling the store, so a conversation another process (or a crashed one) left
// waiting still times out, and an idle conversation costs no timer and, past the lookahead, no memory.
import type { RuntimeClock } from './clock.js';
import type { RuntimeLogger } from './runtime-options.js';
import type { ConversationStore, DueConversation } from './store/store.js';

/** The deadline scheduler of a runtime. */
export interface DeadlineScheduler {
  /** Records a conversation's earliest deadline (`null`: none); far ones are left to a later poll. */
  note(conversationId: string, at: number | null): void;
  /** Polls the store now, then every poll interval. */
  start(): void;
  /** Stops every timer; polls in flight finish. */
  stop(): void;
  /** Resolves once no poll is in flight. */
  settled(): Promise<void>;
  /** How many deadline entries are held in memory, moved or cleared ones not yet dropped included. */
  readonly size: number;
}

/** Options of `createDeadlineScheduler`. */
export interface DeadlineSchedulerOptions {
  readonly store: ConversationStore;
  readonly clock: RuntimeClock;
  /** `null`: poll once at start and keep every deadline in memory. */
  readonly pollIntervalMs: number | null;
  readonly lookaheadMs: number;
  /** Called once per due conversation with the time it came due. */
  readonly fire: (conversationId: string, at: number) => void;
  readonly logger: RuntimeLogger | undefined;
}

const pageSize = 500;
/** How many moved or cleared entries the heap may hold beyond the live ones before it is rebuilt. */
const compactionSlack = 1024;

/** Creates a scheduler; nothing runs until `start`. */
export function createDeadlineScheduler(options: DeadlineSchedulerOptions): DeadlineScheduler {
  const { store, clock, pollIntervalMs, fire, logger } = options;
  const lookahead = pollIntervalMs === null ? Number.POSITIVE_INFINITY : options.lookaheadMs;
  // A binary min-heap as two parallel arrays (deadline, id): 16 bytes an entry, no object per entry.
  const ats: number[] = [];
  const ids: string[] = [];
  // The one deadline held per id (the last a save here noted, or an earlier one a poll found), the
  // only one of its entries that fires: polls pile up no copies, and a moved or cleared one never ticks.
  const held = new Map<string, number>();
  let timer: unknown;
  let timerAt = Number.POSITIVE_INFINITY;
  // Bumped whenever the timer is re-armed or fires, so a superseded immediate firing does nothing.
  let generation = 0;
  let pollTimer: unknown;
  let polling: Promise<void> | undefined;
  let running = false;

  const swap = (i: number, j: number): void => {
    const at = ats[i] as number;
    const id = ids[i] as string;
    ats[i] = ats[j] as number;
    ids[i] = ids[j] as string;
    ats[j] = at;
    ids[j] = id;
  };
  const push = (id: string, at: number): void => {
    ats.push(at);
    ids.push(id);
    let i = ats.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((ats[parent] as number) <= at) break;
      swap(i, parent);
      i = parent;
    }
  };
  const pop = (): void => {
    const last = ats.length - 1;
    swap(0, last);
    ats.pop();
    ids.pop();
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < ats.length && (ats[left] as number) < (ats[smallest] as number)) smallest = left;
      if (right < ats.length && (ats[right] as number) < (ats[smallest] as number)) smallest = right;
      if (smallest === i) break;
      swap(i, smallest);
      i = smallest;
    }
  };

  const arm = (): void => {
    const next = ats[0];
    if (!running || next === undefined || next >= timerAt) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    timerAt = next;
    const delay = next - clock.now();
    // Already due (found by the start-up poll after a restart, say): fire now, not on a clock's next turn.
    if (delay <= 0) {
      timer = undefined;
      const armed = ++generation;
      queueMicrotask(() => {
        if (armed === generation && running) onTimer();
      });
      return;
    }
    timer = clock.setTimeout(onTimer, delay);
  };

  function onTimer(): void {
    generation += 1;
    timer = undefined;
    timerAt = Number.POSITIVE_INFINITY;
    const now = clock.now();
    // Each conversation at most once: its held deadline is forgotten as it fires.
    const due: string[] = [];
    while (ats.length > 0 && (ats[0] as number) <= now) {
      const id = ids[0] as string;
      // Only the deadline held for a conversation fires: an entry it moved from or cleared would
      // tick a conversation with nothing due, which costs a load from the store.
      if (held.get(id) === ats[0]) {
        held.delete(id);
        due.push(id);
      }
      pop();
    }
    for (const id of due) fire(id, now);
    arm();
  }

  /** Rebuilds the heap from the live entries once moved and cleared deadlines outnumber them. */
  const compact = (): void => {
    if (ats.length <= 2 * held.size + compactionSlack) return;
    const live = [...held].sort((a, b) => a[1] - b[1]);
    // A sorted array is a min-heap.
    ats.length = 0;
    ids.length = 0;
    for (const [id, at] of live) {
      ids.push(id);
      ats.push(at);
    }
  };

  const hold = (conversationId: string, at: number): void => {
    held.set(conversationId, at);
    push(conversationId, at);
    compact();
    arm();
  };

  /** What this runtime just saved: the conversation's deadline now, which replaces any held before. */
  const note = (conversationId: string, at: number | null): void => {
    if (held.get(conversationId) === at) return;
    if (at === null || at > clock.now() + lookahead) {
      // Far or gone: a later poll notes it when it comes near.
      if (held.delete(conversationId)) compact();
      return;
    }
    hold(conversationId, at);
  };

  /**
   * What a poll read, which may predate a save this runtime noted while the poll ran: it only adds a
   * deadline earlier than the one held. Firing early is harmless (the tick finds nothing due and the
   * runtime notes the deadline again); firing late is not.
   */
  const notePolled = (conversationId: string, at: number): void => {
    const holding = held.get(conversationId);
    if (holding === undefined || at < holding) hold(conversationId, at);
  };

  const poll = async (): Promise<void> => {
    const before = Math.min(Number.MAX_SAFE_INTEGER, clock.now() + lookahead);
    let after: DueConversation | undefined;
    for (;;) {
      const page = await store.listDue(before, after ? { limit: pageSize, after } : { limit: pageSize });
      for (const row of page) notePolled(row.conversationId, row.nextDeadline);
      if (page.length < pageSize) return;
      after = page[page.length - 1];
    }
  };

  const schedulePoll = (): void => {
    if (!running || pollIntervalMs === null) return;
    pollTimer = clock.setTimeout(() => {
      pollTimer = undefined;
      runPoll();
    }, pollIntervalMs);
  };

  function runPoll(): void {
    if (!running || polling) return;
    polling = poll()
      .catch((error: unknown) => {
        logger?.error?.('Polling the store for due deadlines failed; retrying at the next poll', { error });
      })
      .finally(() => {
        polling = undefined;
        schedulePoll();
      });
  }

  return {
    note,
    start() {
      if (running) return;
      running = true;
      arm();
      runPoll();
    },
    stop() {
      running = false;
      if (timer !== undefined) clock.clearTimeout(timer);
      if (pollTimer !== undefined) clock.clearTimeout(pollTimer);
      timer = undefined;
      pollTimer = undefined;
      timerAt = Number.POSITIVE_INFINITY;
    },
    async settled() {
      while (polling) await polling;
    },
    get size() {
      return ats.length;
    },
  };
}

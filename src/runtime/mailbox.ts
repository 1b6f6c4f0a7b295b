/** A task the mailbox runs: the processing of one event for one conversation. */
export type MailboxTask<T> = () => T | Promise<T>;

/**
 * Serial processing per conversation: tasks for one key run strictly one after another in the
 * order they were posted; tasks for different keys run concurrently. A failing task rejects its
 * own promise and does not stop the tasks behind it.
 */
export interface Mailbox {
  /** Queues `task` behind every task already posted for `key` and resolves with its result. */
  post<T>(key: string, task: MailboxTask<T>): Promise<T>;
  /** How many tasks are queued or running for `key` (0 when it has none). */
  pending(key: string): number;
  /** How many keys have tasks queued or running; finished keys are forgotten, so this bounds memory. */
  readonly activeKeys: number;
  /** Resolves once every task posted so far, for every key, has settled. */
  drain(): Promise<void>;
}

/** The queue of one key: the tail of its promise chain and the number of unsettled tasks. */
interface Lane {
  tail: Promise<unknown>;
  pending: number;
}

/** How many settled lanes stay for reuse: a conversation's next event usually follows soon. */
export const idleLaneLimit = 1024;

/**
 * Creates a mailbox. Each key holds one small record while it has unsettled tasks, and the keys
 * that settled last keep theirs for reuse (at most `idleLaneLimit`, then swept): creating and
 * deleting a Map entry for every event made the Map rebuild itself over and over. A million idle
 * conversations still cost nothing here.
 *
 * @example
 * const mailbox = createMailbox();
 * const view = await mailbox.post(conversationId, () => processEvent(conversationId, event));
 */
export function createMailbox(): Mailbox {
  const lanes = new Map<string, Lane>();
  // Lanes with nothing pending, kept for reuse.
  let idle = 0;

  const sweep = (): void => {
    for (const [key, lane] of lanes) if (lane.pending === 0) lanes.delete(key);
    idle = 0;
  };

  return {
    post<T>(key: string, task: MailboxTask<T>): Promise<T> {
      let lane = lanes.get(key);
      if (!lane) {
        lane = { tail: Promise.resolve(), pending: 0 };
        lanes.set(key, lane);
      } else if (lane.pending === 0) {
        idle -= 1;
      }
      const current = lane;
      current.pending += 1;
      const result = current.tail.then(task);
      const settle = (): void => {
        current.pending -= 1;
        if (current.pending > 0) return;
        idle += 1;
        if (idle > idleLaneLimit) sweep();
      };
      // The next task waits for this one to settle either way; a failure stays with its own caller.
      current.tail = result.then(settle, settle);
      // A promise of its own for the caller: `result` has the handler above, so a failure nobody
      // awaits would vanish instead of being reported as an unhandled rejection.
      return result.then();
    },

    pending(key: string): number {
      return lanes.get(key)?.pending ?? 0;
    },

    get activeKeys() {
      return lanes.size - idle;
    },

    async drain(): Promise<void> {
      while (lanes.size > idle) await Promise.all([...lanes.values()].filter((lane) => lane.pending > 0).map((lane) => lane.tail));
    },
  };
}

// The runtime's one deadline timer: a conversation is ticked at the deadline it has now, never at one
// it moved from or cleared (each tick loads the conversation), and moved entries do not pile up.
import { afterEach, describe, expect, it } from 'vitest';
import { createDeadlineScheduler, type DeadlineScheduler } from '../src/runtime/deadline-scheduler.js';
import type { ConversationStore, DueConversation } from '../src/runtime/store/store.js';
import { createTestClock, T0, type TestClock } from './runtime/support.js';

/** A store whose `listDue` answers from `rows`; the scheduler reads nothing else. */
function storeListing(rows: () => readonly DueConversation[]): ConversationStore {
  return {
    load: () => Promise.resolve(undefined),
    save: () => Promise.reject(new Error('not used')),
    listDue: (before) => Promise.resolve(rows().filter((row) => row.nextDeadline <= before)),
    delete: () => Promise.resolve(false),
    close: () => Promise.resolve(),
  };
}

const started: DeadlineScheduler[] = [];
afterEach(() => {
  for (const deadlines of started.splice(0)) deadlines.stop();
});

function scheduler(options: { pollIntervalMs?: number | null; rows?: () => readonly DueConversation[]; store?: ConversationStore } = {}): { clock: TestClock; deadlines: DeadlineScheduler; fired: string[] } {
  const clock = createTestClock();
  const fired: string[] = [];
  const deadlines = createDeadlineScheduler({
    store: options.store ?? storeListing(options.rows ?? (() => [])),
    clock,
    pollIntervalMs: options.pollIntervalMs === undefined ? 60_000 : options.pollIntervalMs,
    lookaheadMs: 120_000,
    fire: (conversationId, at) => fired.push(`${conversationId}@${at - T0}`),
    logger: undefined,
  });
  deadlines.start();
  started.push(deadlines);
  return { clock, deadlines, fired };
}

describe('deadline scheduler', () => {
  it('fires a noted deadline once, at its time', async () => {
    const { clock, deadlines, fired } = scheduler();
    deadlines.note('c1', T0 + 10_000);
    deadlines.note('c1', T0 + 10_000);
    await clock.advance(9_999);
    expect(fired).toEqual([]);
    await clock.advance(50_000);
    expect(fired).toEqual(['c1@10000']);
  });

  it('fires a moved deadline only at its new time, earlier or later', async () => {
    const { clock, deadlines, fired } = scheduler();
    deadlines.note('later', T0 + 10_000);
    deadlines.note('later', T0 + 30_000);
    deadlines.note('earlier', T0 + 30_000);
    deadlines.note('earlier', T0 + 20_000);
    await clock.advance(60_000);
    expect(fired).toEqual(['earlier@20000', 'later@30000']);
  });

  it('does not fire a cleared deadline, nor one moved past the lookahead, until a poll finds it near', async () => {
    let rows: DueConversation[] = [];
    const { clock, deadlines, fired } = scheduler({ rows: () => rows });
    deadlines.note('ended', T0 + 10_000);
    deadlines.note('ended', null);
    deadlines.note('far', T0 + 10_000);
    deadlines.note('far', T0 + 500_000);
    rows = [{ conversationId: 'far', nextDeadline: T0 + 500_000 }];
    await clock.advance(499_999);
    expect(fired).toEqual([]);
    // The poll at 480 s lists it (the store still does later, as nothing here processes the tick).
    await clock.advance(1);
    expect(fired).toEqual(['far@500000']);
  });

  it('fires once a deadline cleared and noted again, though both entries are held', async () => {
    const { clock, deadlines, fired } = scheduler();
    deadlines.note('c1', T0 + 10_000);
    deadlines.note('c1', null);
    deadlines.note('c1', T0 + 10_000);
    await clock.advance(20_000);
    expect(fired).toEqual(['c1@10000']);
  });

  it('holds a bounded number of entries however often deadlines move, and still fires the live ones', async () => {
    const { clock, deadlines, fired } = scheduler({ pollIntervalMs: null });
    for (let round = 1; round <= 50; round++) {
      for (let c = 0; c < 100; c++) deadlines.note(`c${c}`, T0 + 1_000 * round + c);
    }
    // 100 live deadlines; the 4 900 moved ones are dropped as they outnumber the live ones.
    expect(deadlines.size).toBeLessThanOrEqual(2 * 100 + 1024);
    await clock.advance(100_000);
    expect(fired).toHaveLength(100);
    expect(fired[0]).toBe('c0@50000');
    expect(fired.at(-1)).toBe('c99@50099');
  });

  describe('a poll that read the store before a save noted here', () => {
    /** A store whose `listDue` answers only when the test says, with the rows it read earlier. */
    const slowPoll = () => {
      let answer: ((rows: DueConversation[]) => void) | undefined;
      const store: ConversationStore = {
        ...storeListing(() => []),
        listDue: () =>
          new Promise((resolve) => {
            answer = resolve;
          }),
      };
      return { store, answer: (rows: DueConversation[]) => answer?.(rows) };
    };

    it('does not delay the earlier deadline the save noted', async () => {
      const poll = slowPoll();
      const { clock, deadlines, fired } = scheduler({ store: poll.store });
      deadlines.note('c1', T0 + 10_000);
      poll.answer([{ conversationId: 'c1', nextDeadline: T0 + 100_000 }]);
      await clock.advance(10_000);
      expect(fired).toEqual(['c1@10000']);
      });

    it('fires its earlier deadline too, which is early at worst', async () => {
      const poll = slowPoll();
      const { clock, deadlines, fired } = scheduler({ store: poll.store });
      deadlines.note('c1', T0 + 100_000);
      poll.answer([{ conversationId: 'c1', nextDeadline: T0 + 10_000 }]);
      await clock.advance(10_000);
      expect(fired).toEqual(['c1@10000']);
      });
  });
});

import type { RuntimeClock } from '../runtime/clock.js';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** A clock that moves only when told, firing its timers in order and letting work settle between them. */
export interface ScenarioClock extends RuntimeClock {
  /**
   * Moves time forward by `ms`: each timer due on the way fires at its own time, after `before`
   * is told that time, and `settle` runs after each so the work a timer starts finishes first.
   */
  advance(ms: number, hooks: { readonly settle: () => Promise<void>; readonly before?: (at: number) => void }): Promise<void>;
}

/** Creates a scenario clock reading `start` (epoch ms); timers with equal times fire in the order they were set. */
export function createScenarioClock(start: number): ScenarioClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, Timer>();
  const nextDue = (until: number): Timer | undefined => {
    let next: Timer | undefined;
    for (const timer of timers.values()) {
      if (timer.at <= until && (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))) next = timer;
    }
    return next;
  };
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, ms), seq: id, fn });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms, { settle, before }) {
      const target = now + ms;
      await settle();
      for (let next = nextDue(target); next; next = nextDue(target)) {
        timers.delete(next.seq);
        now = Math.max(now, next.at);
        before?.(now);
        next.fn();
        await settle();
      }
      now = target;
      before?.(now);
      await settle();
    },
  };
}

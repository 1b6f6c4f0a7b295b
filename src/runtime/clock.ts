/**
 * Time for the runtime and its in-process adapters: the current epoch-ms time and timers. XState's
 * `SimulatedClock` fits it, so one simulated clock can drive the machines and the simulated desk.
 */
export interface RuntimeClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock: `Date.now` and the global timers. */
export const systemClock: RuntimeClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => {
    clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
  },
};

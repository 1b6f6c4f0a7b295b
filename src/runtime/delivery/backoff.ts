/** Exponential backoff bounds: the ceiling starts at `initialMs` and doubles up to `maxMs`. */
export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * The wait after the `failedAttempt`-th attempt (1-based), with full jitter: a uniform draw
 * between 0 and min(maxMs, initialMs × 2^(failedAttempt-1)), `random` giving a number in [0, 1].
 */
export function backoffDelay(failedAttempt: number, backoff: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, failedAttempt - 1));
  const draw = Math.min(1, Math.max(0, random()));
  return Math.round(draw * ceiling);
}

/** Reads a `Retry-After` header (seconds or an HTTP date) as milliseconds from `now`; `undefined` when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

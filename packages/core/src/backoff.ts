export interface BackoffOptions {
  /** Ceiling of the first delay. Default 1000 ms. */
  initialDelayMs?: number;
  /** Ceiling that the exponential growth stops at. Default 30 000 ms. */
  maxDelayMs?: number;
  /** Floor of every delay, so no retry is ever immediate. Default 100 ms. */
  minDelayMs?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  minDelayMs: 100,
};

/**
 * Full jitter: a delay drawn uniformly from [floor, ceiling), where the ceiling doubles from
 * `initialDelayMs` per attempt up to `maxDelayMs`. The draw is repeated at every attempt, the capped
 * ones included, so clients that failed together spread out instead of retrying in lockstep.
 *
 * @param attempt 0 for the first retry; any non-negative number, however large.
 * @param random a source of numbers in [0, 1); injectable for tests.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  // The defaults are DEFAULT_BACKOFF's (its test checks them).
  const initial = positive(options.initialDelayMs, 1000);
  // Beyond 2^30 the ceiling is pinned at maxDelayMs anyway; the cap keeps 2^n finite at any attempt count.
  const ceiling = Math.min(
    Math.max(initial, positive(options.maxDelayMs, 30_000)),
    initial * 2 ** Math.min(Math.max(0, Math.floor(attempt) || 0), 30),
  );
  const floor = Math.min(positive(options.minDelayMs, 100), ceiling);
  let r = random();
  if (!(r >= 0 && r < 1)) r = r >= 1 ? 1 - Number.EPSILON : 0.5;
  return floor + r * (ceiling - floor);
}

function positive(value: number | undefined, fallback: number): number {
  return value! > 0 && value! < Infinity ? value! : fallback;
}

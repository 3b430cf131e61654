/** The longest delay a timer can take: beyond it Node (and browsers) fire after 1 ms instead. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * A duration a server announced (or an app configured), bounded to `[min, max]`; `fallback` for
 * anything that is not a finite number. A server announcing 0.5 ms or 2^31 ms must not turn a
 * heartbeat into a timer flood.
 */
export function clampMs(value: unknown, min: number, max: number, fallback: number): number {
  // `Number.isFinite` is false for anything but a finite number (no coercion, unlike the global `isFinite`).
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value as number)) : fallback;
}

/** A delay safe to hand to `setTimeout`: never negative, never past the timer's range. */
export function timerDelay(ms: number): number {
  return ms > MAX_TIMER_MS ? MAX_TIMER_MS : ms > 0 ? ms : 0;
}

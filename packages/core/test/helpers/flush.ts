import { vi } from 'vitest';

/** Lets chains of microtasks (memory transport deliveries, awaited handshakes) run to completion. */
export async function flush(rounds = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** Advances fake time and lets everything that became due run. */
export async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await flush();
}

import { afterEach, beforeEach, describe, it, vi } from 'vitest';
import { arm, MODEL_FAKE_TIMERS, newReal, runModel, step } from '../helpers/lifecycle-model';
import { advance } from '../helpers/flush';

// The model-based test of the core (issue 14): a few hundred random sequences in `npm test`; the full
// reliability run (test/reliability/lifecycle-model.test.ts) runs thousands.

beforeEach(() => {
  vi.useFakeTimers(MODEL_FAKE_TIMERS);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the core lifecycle, model-based', () => {
  it('300 random sequences of app calls (also from inside listeners), server and browser events keep every invariant', async () => {
    await runModel(300, 20_261_202);
  }, 120_000);

  // Issue 14's item 1, as the model states it: on the code before the fix this sequence broke the
  // "no socket while closed" invariant (the client reconnected after the close).
  it.each(['disconnected', 'reconnecting'] as const)(
    'its invariants catch a close() from a %s listener being undone',
    async (event) => {
      const real = newReal([]);
      await step(real, 'connect', (r) => void r.h.client.connect());
      await step(real, `in ${event}: close`, (r) => arm(r, event, 'closed', 'close'));
      await step(real, 'server: drop', (r) => r.h.echo.server.last!.drop());
      await step(real, 'advance 1000 ms', () => advance(1000));
      await step(real, 'advance 20000 ms', () => advance(20_000));
    },
  );
});

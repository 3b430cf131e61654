import { afterEach, beforeEach, describe, it, vi } from 'vitest';
import { MODEL_FAKE_TIMERS, runModel } from '../../packages/core/test/helpers/lifecycle-model';

// The core's model-based test at scale (issue 14): `npm test` runs 300 sequences (the unit file); the full
// reliability run (RELIABILITY_FULL=1, npm run test:reliability) runs 5,000 more from other seeds.
const FULL = process.env.RELIABILITY_FULL === '1';

beforeEach(() => {
  vi.useFakeTimers(MODEL_FAKE_TIMERS);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the core lifecycle, model-based, at scale', () => {
  const runs = FULL ? 5000 : 200;
  it(`${runs} sequences of up to 60 steps keep every invariant`, async () => {
    await runModel(runs, FULL ? 20_261_203 : 20_261_204);
  }, 600_000);
});

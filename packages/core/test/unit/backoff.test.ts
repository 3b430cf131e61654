import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '@polysocket/core';

const options = { initialDelayMs: 1000, maxDelayMs: 30_000, minDelayMs: 100 };

describe('backoffDelay (full jitter)', () => {
  it('draws from [floor, min(max, initial·2^n)) at every attempt', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const ceiling = Math.min(30_000, 1000 * 2 ** attempt);
      expect(backoffDelay(attempt, options, () => 0)).toBe(100);
      const top = backoffDelay(attempt, options, () => 0.999_999);
      expect(top).toBeLessThan(ceiling);
      expect(top).toBeGreaterThan(ceiling * 0.99);
    }
  });

  it('doubles the ceiling until the cap', () => {
    const high = (attempt: number): number => backoffDelay(attempt, options, () => 0.5);
    expect(high(0)).toBeCloseTo(100 + 0.5 * 900);
    expect(high(1)).toBeCloseTo(100 + 0.5 * 1900);
    expect(high(2)).toBeCloseTo(100 + 0.5 * 3900);
    expect(high(5)).toBeCloseTo(100 + 0.5 * 29_900);
    expect(high(6)).toBeCloseTo(100 + 0.5 * 29_900);
  });

  it('still re-draws the delay at the cap (the spread between clients never collapses)', () => {
    const values = [0.1, 0.3, 0.5, 0.7, 0.9].map((r) => backoffDelay(50, options, () => r));
    expect(new Set(values).size).toBe(5);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(20_000);
  });

  it('is finite, positive and capped at attempt 100,000 and beyond', () => {
    for (const attempt of [1_000, 1_015, 1_100, 100_000, 1e12, Number.MAX_SAFE_INTEGER, Infinity, NaN]) {
      for (const r of [0, 0.5, 0.999_999]) {
        const delay = backoffDelay(attempt, options, () => r);
        expect(Number.isFinite(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(100);
        expect(delay).toBeLessThanOrEqual(30_000);
      }
    }
  });

  it('survives a broken random source', () => {
    for (const r of [NaN, -1, 1, 2, Infinity]) {
      const delay = backoffDelay(3, options, () => r);
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThan(8000);
    }
  });

  it('falls back to defaults for invalid options', () => {
    const delay = backoffDelay(0, { initialDelayMs: -5, maxDelayMs: NaN, minDelayMs: 0 }, () => 0);
    expect(delay).toBe(DEFAULT_BACKOFF.minDelayMs);
    expect(backoffDelay(100, { maxDelayMs: NaN }, () => 0.999_999)).toBeLessThan(DEFAULT_BACKOFF.maxDelayMs);
  });

  it('never goes below the first ceiling when the floor is larger', () => {
    expect(backoffDelay(0, { initialDelayMs: 50, minDelayMs: 100 }, () => 0.5)).toBe(50);
  });
});

// The size budget (size-budget.json, enforced by `npm run size`): one entry per row of issue 16's table with the
// issue's targets, and the ratchet that `--update-limits` applies.
import { describe, expect, it } from 'vitest';
import { BUDGET_ROWS, nextLimit, readBudget } from '../../build/size';

describe('size-budget.json', () => {
  const budget = readBudget();

  it("holds issue 16's must and stretch for every row, and a limit no looser than needed once a must is met", () => {
    const targets = Object.fromEntries(BUDGET_ROWS.map((row) => [row.id, budget[row.id]]));
    expect(Object.fromEntries(Object.entries(targets).map(([id, e]) => [id, [e?.must, e?.stretch]]))).toEqual({
      foony: [8000, 7000],
      ignis: [8000, 7000],
      socketio: [10000, 9000],
      sockr: [13000, 11000],
      'all-in-one': [22000, 18000],
    });
    for (const entry of Object.values(targets)) expect(entry.limit).toBeGreaterThanOrEqual(entry.must);
  });
});

describe('--update-limits', () => {
  const entry = { must: 8000, stretch: 7000, limit: 17_560 };

  it('makes the must the limit once the row meets it', () => {
    expect(nextLimit(entry, 7_990)).toBe(8000);
    expect(nextLimit(entry, 8_000)).toBe(8000);
  });

  it('lowers a ratchet to the measurement + 2 %, rounded up to 10 bytes', () => {
    expect(nextLimit(entry, 12_000)).toBe(12_240);
    expect(nextLimit(entry, 12_001)).toBe(12_250);
  });

  it('never raises a limit', () => {
    expect(nextLimit(entry, 17_500)).toBe(17_560);
    expect(nextLimit(entry, 20_000)).toBe(17_560);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Typing } from '@polysocket/sockr';

describe('Typing', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('throttles starts, stops after idle, expires remote indicators, and releases its timers', () => {
    const sent: string[] = [];
    const changes: [string, boolean][] = [];
    const typing = new Typing(
      { throttleMs: 2000, idleMs: 3000, expireMs: 5000 },
      (t) => sent.push(`start:${t}`),
      (t) => sent.push(`stop:${t}`),
      (k, on) => changes.push([k, on]),
    );
    typing.start('bob');
    vi.advanceTimersByTime(1000);
    typing.start('bob');
    expect(sent).toEqual(['start:bob']);
    vi.advanceTimersByTime(1500);
    typing.start('bob'); // 2.5 s after the first: sent again
    expect(sent).toEqual(['start:bob', 'start:bob']);
    vi.advanceTimersByTime(3000);
    expect(sent).toEqual(['start:bob', 'start:bob', 'stop:bob']);

    typing.remote('carol', true);
    typing.remote('carol', true);
    vi.advanceTimersByTime(4999);
    expect(changes).toEqual([['carol', true]]);
    vi.advanceTimersByTime(1);
    expect(changes).toEqual([
      ['carol', true],
      ['carol', false],
    ]);

    typing.start('dave');
    typing.remote('erin', true);
    typing.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('throttles a start/stop/start toggle too: the second start waits for the window, a stop in between drops it', () => {
    const sent: string[] = [];
    const typing = new Typing(
      { throttleMs: 2000, idleMs: 3000, expireMs: 5000 },
      (t) => sent.push(`start:${t}`),
      (t) => sent.push(`stop:${t}`),
      () => undefined,
    );
    typing.start('bob');
    vi.advanceTimersByTime(500);
    typing.stop('bob'); // the stop goes out at once
    typing.start('bob'); // 0.5 s after the last start: held back
    typing.start('bob');
    expect(sent).toEqual(['start:bob', 'stop:bob']);
    vi.advanceTimersByTime(1499);
    expect(sent).toEqual(['start:bob', 'stop:bob']);
    vi.advanceTimersByTime(1); // the window ends: one start
    expect(sent).toEqual(['start:bob', 'stop:bob', 'start:bob']);
    typing.stop('bob');
    typing.start('bob'); // held again …
    typing.stop('bob'); // … and dropped: bob was told stop already, nothing more to tell
    vi.advanceTimersByTime(5000);
    expect(sent).toEqual(['start:bob', 'stop:bob', 'start:bob', 'stop:bob']);
    // Typing on and off fast for 10 s: at most one start per 2 s.
    sent.length = 0;
    for (let ms = 0; ms < 10_000; ms += 250) {
      if (ms % 500 === 0) typing.start('bob');
      else typing.stop('bob');
      vi.advanceTimersByTime(250);
    }
    expect(sent.filter((s) => s === 'start:bob').length).toBeLessThanOrEqual(5);
    expect(sent.filter((s) => s === 'start:bob').length).toBeGreaterThanOrEqual(4);
    typing.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from '@polysocket/core';
import { harness, type Harness } from '../helpers/client';
import { advance, flush } from '../helpers/flush';

// Issue 19: the browser's network and page lifecycle, with injected targets (Chromium runs the same in
// test/browser/offline.test.ts). On the code before, `offline` only probed (the client stayed `connected`
// for the probe's whole deadline) and kept its normal backoff while offline.

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

interface Page {
  window: EventTarget;
  document: EventTarget & { visibilityState: string };
  navigator: { onLine: boolean };
  goOffline(): void;
  goOnline(): void;
  pageTransition(type: 'pagehide' | 'pageshow', persisted: boolean): void;
}

function page(): Page {
  const window = new EventTarget();
  const document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  const navigator = { onLine: true };
  return {
    window,
    document,
    navigator,
    goOffline() {
      navigator.onLine = false;
      window.dispatchEvent(new Event('offline'));
    },
    goOnline() {
      navigator.onLine = true;
      window.dispatchEvent(new Event('online'));
    },
    pageTransition(type, persisted) {
      window.dispatchEvent(Object.assign(new Event(type), { persisted }));
    },
  };
}

async function connectedIn(p: Page, random = 0.5): Promise<Harness> {
  const h = harness({
    connection: { browser: { network: p.window, document: p.document, navigator: p.navigator }, random: () => random },
  });
  await h.client.connect();
  return h;
}

describe('offline means offline', () => {
  it('offline while connected leaves connected at once; sends wait and go out once, in order, after online', async () => {
    const p = page();
    const h = await connectedIn(p);
    const first = h.echo.server.last!;
    first.silent = true; // the dead Wi-Fi: the socket stays half-open
    p.goOffline();
    expect(h.client.state).toBe('reconnecting');
    const sent = [h.client.send({ t: 'msg', body: 'a' }), h.client.send({ t: 'msg', body: 'b' })];
    expect(h.client.queued.messages).toBe(2);
    await advance(10_000);
    p.goOnline();
    await advance(500);
    expect(h.client.state).toBe('connected');
    await expect(Promise.all(sent)).resolves.toEqual([true, true]);
    expect(h.echo.frames().filter((f) => f.t === 'msg')).toEqual([
      { t: 'msg', body: 'a' },
      { t: 'msg', body: 'b' },
    ]);
    expect(h.echo.frames(first).filter((f) => f.t === 'msg')).toEqual([]);
    h.client.close();
  });

  it('while the browser is offline: at most one attempt until online (then one per backoff cap)', async () => {
    const p = page();
    const h = await connectedIn(p);
    p.goOffline();
    h.echo.server.refuse = true; // what an attempt meets with no network
    const before = h.echo.server.attempts;
    await advance(29_000);
    expect(h.echo.server.attempts - before).toBe(1);
    expect(h.client.state).toBe('reconnecting');
    h.echo.server.refuse = false;
    p.goOnline();
    await advance(250); // random() = 0.5 → half of the 500 ms window
    expect(h.client.state).toBe('connected');
    expect(h.echo.server.attempts - before).toBe(2);
    h.client.close();
  });

  it('a client started while offline makes one attempt, then waits for online', async () => {
    const p = page();
    p.navigator.onLine = false;
    const h = harness({ connection: { browser: { network: p.window, document: p.document, navigator: p.navigator } } });
    h.echo.server.refuse = true;
    void h.client.connect().catch(() => undefined);
    await advance(20_000);
    expect(h.echo.server.attempts).toBe(1);
    h.echo.server.refuse = false;
    p.goOnline();
    await advance(500);
    expect(h.client.state).toBe('connected');
    h.client.close();
  });

  it('reconnects after online with jitter: clients spread over the 500 ms window', async () => {
    const p = page();
    const early = await connectedIn(p, 0.1);
    const late = await connectedIn(p, 0.9);
    p.goOffline();
    early.echo.server.refuse = late.echo.server.refuse = true;
    await advance(5_000);
    early.echo.server.refuse = late.echo.server.refuse = false;
    p.goOnline();
    await advance(50);
    expect(early.client.state).toBe('connected');
    expect(late.client.state).toBe('reconnecting');
    await advance(400);
    expect(late.client.state).toBe('connected');
    early.client.close();
    late.client.close();
  });
});

describe('the page lifecycle', () => {
  it('pagehide (persisted) lets go of the link cleanly and makes no attempt; pageshow (persisted) reconnects', async () => {
    const p = page();
    const h = await connectedIn(p);
    const peer = h.echo.server.last!;
    const closes: boolean[] = [];
    peer.onClose = (info) => closes.push(info.wasClean);
    p.pageTransition('pagehide', true);
    await flush();
    expect(h.client.state).toBe('reconnecting');
    expect(closes).toEqual([true]);
    await advance(120_000);
    expect(h.echo.server.attempts).toBe(1);
    p.pageTransition('pageshow', true);
    await advance(500);
    expect(h.client.state).toBe('connected');
    expect(h.echo.server.attempts).toBe(2);
    h.client.close();
  });

  it('a pagehide that is a plain unload (not persisted) leaves the link alone', async () => {
    const p = page();
    const h = await connectedIn(p);
    p.pageTransition('pagehide', false);
    expect(h.client.state).toBe('connected');
    h.client.close();
  });

  it('freeze lets go of the link; resume reconnects', async () => {
    const p = page();
    const h = await connectedIn(p);
    const states: ConnectionState[] = [];
    h.client.on('state', (s) => states.push(s));
    p.document.dispatchEvent(new Event('freeze'));
    await advance(60_000);
    expect(h.client.state).toBe('reconnecting');
    p.document.dispatchEvent(new Event('resume'));
    await advance(500);
    expect(states).toEqual(['reconnecting', 'connecting', 'connected']);
    h.client.close();
  });

  it('close() removes every page listener', async () => {
    const p = page();
    const spy = vi.spyOn(p.window, 'removeEventListener');
    const h = await connectedIn(p);
    h.client.close();
    expect(spy.mock.calls.map((c) => c[0]).sort()).toEqual(['offline', 'online', 'pagehide', 'pageshow']);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PolySocketError } from '@polysocket/core';
import { conversationIdOf, Limiter, ReplyMatcher, SocketEvent, type EventPayloads } from '@polysocket/sockr';
import { pageBackwards } from '../../src/messages';

describe('sockr-shared types', () => {
  it('has the 63 event names (60 protocol events + connect/disconnect/error), each with a payload type', () => {
    const names = Object.values(SocketEvent);
    expect(names).toHaveLength(63);
    expect(new Set(names).size).toBe(63);
    // Every protocol event is a key of EventPayloads (checked by the compiler through this map).
    const payloadKeys: Record<
      Exclude<SocketEvent, 'connect' | 'disconnect' | 'error'>,
      keyof EventPayloads
    > = Object.fromEntries(
      names.filter((n) => !['connect', 'disconnect', 'error'].includes(n)).map((n) => [n, n]),
    ) as never;
    expect(Object.keys(payloadKeys)).toHaveLength(60);
  });

  it('computes the 1:1 conversation id as the server does', () => {
    expect(conversationIdOf('bob', 'alice')).toBe('alice:bob');
    expect(conversationIdOf('alice', 'bob')).toBe('alice:bob');
  });
});

describe('ReplyMatcher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const fail = (_e: string, d: Record<string, unknown>) => new PolySocketError('SERVER', String(d.error));

  it('gives each reply to the oldest matching waiter', async () => {
    const m = new ReplyMatcher();
    const a = m.expect({ ok: 'done', timeoutMs: 1000, fail, send: () => undefined });
    const b = m.expect({ ok: 'done', timeoutMs: 1000, fail, send: () => undefined });
    const c = m.expect({ ok: 'other', match: (_e, d) => d.key === 'x', timeoutMs: 1000, fail, send: () => undefined });
    expect(m.handle('other', { key: 'y' })).toBe(false);
    expect(m.handle('done', { n: 1 })).toBe(true);
    expect(m.handle('other', { key: 'x' })).toBe(true);
    expect(m.handle('done', { n: 2 })).toBe(true);
    expect(await a).toEqual({ n: 1 });
    expect(await b).toEqual({ n: 2 });
    expect(await c).toEqual({ key: 'x' });
  });

  it('rejects on an error event, on timeout, and (only for written requests) on a drop', async () => {
    const m = new ReplyMatcher();
    const errored = m.expect({ ok: 'ok', errors: ['bad'], timeoutMs: 1000, fail, send: () => undefined });
    m.handle('bad', { error: 'nope' });
    await expect(errored).rejects.toMatchObject({ code: 'SERVER', message: 'nope' });

    const slow = m.expect({ ok: 'ok', timeoutMs: 1000, fail, send: () => undefined });
    const outcome = expect(slow).rejects.toMatchObject({ code: 'TIMEOUT' });
    await vi.advanceTimersByTimeAsync(1000);
    await outcome;

    const written = m.expect({ ok: 'ok', timeoutMs: 5000, fail, send: () => Promise.resolve(true) });
    let writeQueued!: (written: boolean) => void;
    const queued = m.expect({
      ok: 'ok',
      timeoutMs: 5000,
      fail,
      send: () => new Promise<boolean>((resolve) => (writeQueued = resolve)),
    });
    await Promise.resolve();
    await Promise.resolve();
    m.onDrop(new PolySocketError('DISCONNECTED', 'dropped'), false);
    await expect(written).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(m.handle('ok', { early: true })).toBe(false); // no reply is owed to a request not yet written
    writeQueued(true);
    await Promise.resolve();
    m.handle('ok', { late: true });
    expect(await queued).toEqual({ late: true });
  });

  it('shares one timer: each waiter still times out at its own deadline, and close releases the timer', async () => {
    const m = new ReplyMatcher();
    const long = m.expect({ ok: 'ok', timeoutMs: 3000, fail, send: () => undefined });
    const short = m.expect({ ok: 'ok', timeoutMs: 1000, fail, send: () => undefined });
    const answered = m.expect({ ok: 'other', timeoutMs: 500, fail, send: () => undefined });
    expect(vi.getTimerCount()).toBe(1);
    m.handle('other', { n: 1 });
    expect(await answered).toEqual({ n: 1 });
    let shortDone = false;
    let longDone = false;
    short.catch(() => (shortDone = true));
    long.catch(() => (longDone = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(shortDone).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect([shortDone, longDone]).toEqual([true, false]);
    await expect(short).rejects.toMatchObject({ code: 'TIMEOUT' });
    await vi.advanceTimersByTimeAsync(2000);
    await expect(long).rejects.toMatchObject({ code: 'TIMEOUT' });

    const pending = m.expect({ ok: 'ok', timeoutMs: 1000, fail, send: () => undefined });
    m.rejectAll(new PolySocketError('CLOSED', 'closed'));
    await expect(pending).rejects.toMatchObject({ code: 'CLOSED' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a request that timed out keeps a tombstone that takes its late reply (for one more timeout)', async () => {
    const m = new ReplyMatcher();
    const first = m.expect({ ok: 'done', timeoutMs: 1000, fail, send: () => undefined });
    const timedOut = expect(first).rejects.toMatchObject({ code: 'TIMEOUT', maybeDelivered: true });
    await vi.advanceTimersByTimeAsync(1000);
    await timedOut;
    const second = m.expect({ ok: 'done', timeoutMs: 1000, fail, send: () => undefined });
    expect(m.handle('done', { id: 'first' })).toBe(true); // taken by the tombstone
    m.handle('done', { id: 'second' });
    expect(await second).toEqual({ id: 'second' });

    // Unanswered, the tombstone goes after one more timeout.
    const third = m.expect({ ok: 'done', timeoutMs: 1000, fail, send: () => undefined });
    const thirdOut = expect(third).rejects.toMatchObject({ code: 'TIMEOUT' });
    await vi.advanceTimersByTimeAsync(1000);
    await thirdOut;
    await vi.advanceTimersByTimeAsync(1000);
    const fourth = m.expect({ ok: 'done', timeoutMs: 1000, fail, send: () => undefined });
    m.handle('done', { id: 'fourth' });
    expect(await fourth).toEqual({ id: 'fourth' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('one request the server never answers does not make every later one time out', async () => {
    const m = new ReplyMatcher();
    const silent = m.expect({ ok: 'done', timeoutMs: 1000, fail, send: () => undefined });
    const silentOut = expect(silent).rejects.toMatchObject({ code: 'TIMEOUT' });
    await vi.advanceTimersByTimeAsync(1000);
    await silentOut;
    // The next reply is taken by the tombstone (it cannot tell), so this request times out too...
    const robbed = m.expect({ ok: 'done', timeoutMs: 1000, fail, send: () => undefined });
    m.handle('done', { id: 'robbed' });
    const robbedOut = expect(robbed).rejects.toMatchObject({ code: 'TIMEOUT' });
    await vi.advanceTimersByTimeAsync(1000);
    await robbedOut;
    // ...but its reply was the one taken: it leaves no tombstone, and the next request gets its own reply.
    const next = m.expect({ ok: 'done', timeoutMs: 1000, fail, send: () => undefined });
    m.handle('done', { id: 'next' });
    expect(await next).toEqual({ id: 'next' });
  });

  it('sends the server always answers: each timed-out one takes exactly one late reply, in order, however late (the sk14 sequence)', async () => {
    // One message in flight, a 300 ms timeout, and replies delayed 400 ms for a while (m4, m5), then prompt.
    const m = new ReplyMatcher();
    const limiter = new Limiter(1);
    const send = (id: string) =>
      limiter
        .run(() =>
          m.expect<{ messageId: string }>({
            ok: 'message_delivered',
            timeoutMs: 300,
            fail,
            send: () => undefined,
            answered: true,
          }),
        )
        .then(
          (reply) => [id, reply.messageId],
          (error: PolySocketError) => [id, error.code],
        );
    const results = ['m4', 'm5', 'm6', 'm7'].map(send);
    await vi.advanceTimersByTimeAsync(300); // m4 times out; m5 goes out
    await vi.advanceTimersByTimeAsync(100);
    expect(m.handle('message_delivered', { messageId: 'id4' })).toBe(true); // m4's late reply: its tombstone takes it
    await vi.advanceTimersByTimeAsync(200); // m5 times out too (its reply is still owed); m6 goes out
    await vi.advanceTimersByTimeAsync(100);
    expect(m.handle('message_delivered', { messageId: 'id5' })).toBe(true); // m5's late reply, not m6's
    m.handle('message_delivered', { messageId: 'id6' });
    await vi.advanceTimersByTimeAsync(0);
    // A reply later than two timeouts still goes to its own tombstone.
    await vi.advanceTimersByTimeAsync(1000); // m7 times out; nothing else waits
    const m8 = send('m8');
    await vi.advanceTimersByTimeAsync(0);
    m.handle('message_delivered', { messageId: 'id7' });
    m.handle('message_delivered', { messageId: 'id8' });
    expect(await Promise.all([...results, m8])).toEqual([
      ['m4', 'TIMEOUT'],
      ['m5', 'TIMEOUT'],
      ['m6', 'id6'],
      ['m7', 'TIMEOUT'],
      ['m8', 'id8'],
    ]);
    await vi.advanceTimersByTimeAsync(300);
    expect(vi.getTimerCount()).toBe(0); // the tombstones took their replies: nothing is left to time
  });

  it('tombstones: at most 32, cleared by a drop, only for replies of the same kind and key', async () => {
    const m = new ReplyMatcher();
    const many = Array.from({ length: 40 }, () =>
      m.expect({ ok: 'done', timeoutMs: 1000, fail, send: () => undefined }).catch(() => undefined),
    );
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(many);
    let taken = 0;
    while (m.handle('done', {})) taken++;
    expect(taken).toBe(32);

    const keyed = m
      .expect({ ok: 'page', match: (_e, d) => d.key === 'a', timeoutMs: 1000, fail, send: () => undefined })
      .catch(() => undefined);
    await vi.advanceTimersByTimeAsync(1000);
    await keyed;
    const other = m.expect({
      ok: 'page',
      match: (_e, d) => d.key === 'b',
      timeoutMs: 1000,
      fail,
      send: () => undefined,
    });
    m.handle('page', { key: 'b' });
    expect(await other).toEqual({ key: 'b' });
    m.onDrop(new PolySocketError('DISCONNECTED', 'dropped'), false);
    const after = m.expect({
      ok: 'page',
      match: (_e, d) => d.key === 'a',
      timeoutMs: 1000,
      fail,
      send: () => undefined,
    });
    m.handle('page', { key: 'a', n: 2 });
    expect(await after).toEqual({ key: 'a', n: 2 });
    m.rejectAll(new PolySocketError('CLOSED', 'closed'));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('after a drop, a resendOnDrop request is sent again behind what was queued, with a fresh timeout; others fail', async () => {
    const m = new ReplyMatcher();
    const wire: string[] = [];
    const sender = (name: string) => () => {
      wire.push(name);
      return Promise.resolve(true);
    };
    const dm = m.expect({ ok: 'done', timeoutMs: 1000, fail, send: sender('dm'), resendOnDrop: true });
    const other = m.expect({ ok: 'done', timeoutMs: 1000, fail, send: sender('other') });
    await Promise.resolve();
    let writeQueued!: (written: boolean) => void;
    const queued = m.expect({
      ok: 'done',
      timeoutMs: 1000,
      fail,
      send: () => new Promise<boolean>((resolve) => (writeQueued = resolve)),
    });
    await vi.advanceTimersByTimeAsync(600);
    m.onDrop(new PolySocketError('DISCONNECTED', 'dropped', { maybeDelivered: true }), true);
    await expect(other).rejects.toMatchObject({ code: 'DISCONNECTED', maybeDelivered: true });
    expect(wire).toEqual(['dm', 'other', 'dm']);
    writeQueued(true); // the outbox flushes in order: the queued request, then the resend
    await vi.advanceTimersByTimeAsync(300);
    m.handle('done', { id: 'queued' });
    expect(await queued).toEqual({ id: 'queued' });
    await vi.advanceTimersByTimeAsync(300); // past the first deadline: the resend's timeout started again at the drop
    m.handle('done', { id: 'dm' });
    expect(await dm).toEqual({ id: 'dm' });

    // Without a reconnect to come, it fails like the others; a resend refused later says it may have been delivered.
    const ended = m.expect({
      ok: 'done',
      timeoutMs: 1000,
      fail,
      send: () => Promise.resolve(true),
      resendOnDrop: true,
    });
    await Promise.resolve();
    m.onDrop(new PolySocketError('DISCONNECTED', 'dropped', { maybeDelivered: true }), false);
    await expect(ended).rejects.toMatchObject({ code: 'DISCONNECTED' });
    let attempts = 0;
    const refusedLater = m.expect({
      ok: 'done',
      timeoutMs: 1000,
      fail,
      send: () => (++attempts === 1 ? Promise.resolve(true) : Promise.reject(new PolySocketError('CLOSED', 'closed'))),
      resendOnDrop: true,
    });
    await Promise.resolve();
    m.onDrop(new PolySocketError('DISCONNECTED', 'dropped'), true);
    await expect(refusedLater).rejects.toMatchObject({ code: 'CLOSED', maybeDelivered: true });
  });

  it('a request is written again at most 3 times: one the server drops the link over cannot loop', async () => {
    const m = new ReplyMatcher();
    let writes = 0;
    const looping = m.expect({
      ok: 'done',
      timeoutMs: 1000,
      fail,
      send: () => (writes++, Promise.resolve(true)),
      resendOnDrop: true,
    });
    for (let drop = 0; drop < 4; drop++) {
      await Promise.resolve();
      m.onDrop(new PolySocketError('DISCONNECTED', 'dropped', { maybeDelivered: true }), true);
    }
    await expect(looping).rejects.toMatchObject({ code: 'DISCONNECTED', maybeDelivered: true });
    expect(writes).toBe(4);
  });

  it('a malformed reply fails the request it answers with that error at once (not at its timeout)', async () => {
    const m = new ReplyMatcher();
    const status = m.expect({ ok: 'online_status', timeoutMs: 1000, fail, send: () => undefined });
    const next = m.expect({ ok: 'online_status', timeoutMs: 1000, fail, send: () => undefined });
    expect(m.handle('online_status', 'garbage' as never, new PolySocketError('PROTOCOL', 'malformed'))).toBe(true);
    await expect(status).rejects.toMatchObject({ code: 'PROTOCOL', message: expect.stringContaining('malformed') });
    m.handle('online_status', { statuses: {} });
    expect(await next).toEqual({ statuses: {} });
  });

  it('Limiter runs at most n tasks at once, in call order', async () => {
    const limiter = new Limiter(1);
    const order: string[] = [];
    let release!: () => void;
    const first = limiter.run(() => new Promise<void>((r) => (release = () => (order.push('first'), r()))));
    const second = limiter.run(async () => void order.push('second'));
    await Promise.resolve();
    expect(order).toEqual([]);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
  });
});

describe('history paging', () => {
  async function pageAll(timestamps: number[], limit: number): Promise<{ ids: string[]; stored: string[] }> {
    const stored = timestamps.map((timestamp, i) => ({
      id: `m${i}`,
      from: 'a',
      content: '',
      conversationId: 'a:b',
      timestamp,
      deliveredTo: [],
      readBy: [],
    }));
    // The server's rule: the newest `limit` messages strictly older than `before`, ascending.
    const server = (before: number | undefined) => {
      const older = stored.filter((m) => before === undefined || m.timestamp < before);
      return older.slice(Math.max(0, older.length - limit));
    };
    const ids: string[] = [];
    for await (const page of pageBackwards(async (before) => server(before), { limit }))
      ids.push(...page.map((m) => m.id));
    return { ids, stored: stored.map((m) => m.id) };
  }

  it('returns every message once when timestamps collide (up to a page per millisecond)', async () => {
    const { ids, stored } = await pageAll([1, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7, 7], 3);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...stored].sort());
  });

  it('never repeats or stalls when one millisecond holds more than a page', async () => {
    const timestamps = [1, 2, 3, 4, 4, 4, 4, 4, 5, 6, 6, 7];
    const { ids } = await pageAll(timestamps, 3);
    expect(new Set(ids).size).toBe(ids.length);
    // Everything outside the crowded millisecond is there; inside it, a timestamp cursor can reach at most a page.
    const outside = timestamps.map((t, i) => (t === 4 ? undefined : `m${i}`)).filter(Boolean);
    for (const id of outside) expect(ids).toContain(id);
  });
});

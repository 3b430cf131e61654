// Which transport each attempt uses with foonyLongPoll: a fake WebSocket transport and a fake long-poll server.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Transport, TransportData, TransportListener } from '@polysocket/core';
import {
  FoonyClient,
  foonyBinaryWire,
  foonyLongPoll,
  type FoonyLongPollOptions,
  type LongPollFetch,
} from '@polysocket/foony';
// The official client's codec writes the server's records: it shares no code with ours.
import { encodeServerFrame, frameBinaryRecord } from '../../../../node_modules/@foony/realtime/lib/binary.js';

type Behaviour = 'refuse' | 'silent' | 'http403';

/** A WebSocket transport that fails as told: refused at once, an HTTP 403 to the upgrade, or open and silent. */
class FakeSocket implements Transport {
  readonly name = 'websocket';
  readonly bufferedAmount = 0;
  closed = false;
  private listener: TransportListener | undefined;
  constructor(private readonly behaviour: Behaviour) {}
  open(listener: TransportListener): void {
    this.listener = listener;
    setTimeout(() => {
      if (this.closed) return;
      if (this.behaviour === 'silent') return this.listener?.onOpen();
      const error: Error & { status?: number } = new Error(
        this.behaviour === 'http403' ? 'Unexpected server response: 403' : 'connect ECONNREFUSED',
      );
      if (this.behaviour === 'http403') error.status = 403;
      this.listener?.onError(error);
      this.listener?.onClose({ code: 1006, reason: '', wasClean: false });
    }, 1);
  }
  send(_data: TransportData): void {}
  close(): void {
    this.closed = true;
  }
}

/** A long-poll server: connect answers `connected`, polls are held 25 s, sends are taken. Counts what it served. */
function fakeServer(): {
  fetch: LongPollFetch;
  connects: number;
  down: boolean;
  /** An HTTP status every `/lp/connect` is answered with instead of a session (no long-poll route: 404). */
  connectStatus: number | undefined;
  dropAll(): void;
  log: string[];
} {
  const held: (() => void)[] = [];
  const server = {
    log: [] as string[],
    connects: 0,
    down: false,
    connectStatus: undefined as number | undefined,
    dropAll: () => held.splice(0).forEach((end) => end()),
    fetch: ((url, init) =>
      new Promise((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        init.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new DOMException('aborted', 'AbortError'));
        });
        const answer = (status: number, body: Uint8Array = new Uint8Array(0), session?: string): void =>
          resolve({
            ok: status < 300,
            status,
            headers: { get: () => session ?? null },
            arrayBuffer: () => Promise.resolve(body.slice().buffer),
          });
        const route = url.split('/').pop();
        if (route === 'connect') server.log.push('lp');
        if (server.down) return reject(new TypeError('fetch failed'));
        if (route === 'connect' && server.connectStatus !== undefined) return answer(server.connectStatus);
        if (route === 'connect') {
          server.connects++;
          const record = encodeServerFrame({ t: 'connected', connectionId: 'c1', keepAliveMs: 0, clientId: 'ann' });
          return answer(200, frameBinaryRecord(record), `S${server.connects}`);
        }
        if (route === 'poll') {
          // Held 25 s, as the service does, unless the session is dropped first (410).
          timer = setTimeout(() => answer(200), 25_000);
          return held.push(() => {
            clearTimeout(timer);
            answer(410);
          });
        }
        answer(204);
      })) as LongPollFetch,
  };
  return server;
}

let client: FoonyClient | undefined;
afterEach(() => {
  client?.close();
  client = undefined;
  vi.useRealTimers();
});

function setup(behaviours: Behaviour[], options: FoonyLongPollOptions = {}) {
  vi.useFakeTimers();
  const server = fakeServer();
  const sockets: FakeSocket[] = [];
  let next = 0;
  client = new FoonyClient({
    url: 'ws://host/foony',
    token: 't',
    wire: foonyBinaryWire,
    fallback: foonyLongPoll({ fetch: server.fetch, ...options }),
    transport: () => {
      const socket = new FakeSocket(behaviours[Math.min(next++, behaviours.length - 1)]!);
      server.log.push('ws');
      sockets.push(socket);
      return socket;
    },
    backoff: { initialDelayMs: 10, maxDelayMs: 10 },
    browser: { network: null, document: null },
  });
  return { client, server, sockets };
}

describe('foonyLongPoll: the transport of each attempt', () => {
  it('a WebSocket refused falls back to long-poll; an HTTP status to the upgrade falls back too instead of stopping', async () => {
    for (const behaviour of ['refuse', 'http403'] as const) {
      const { client: c, server, sockets } = setup([behaviour], { upgrade: false });
      const connected = c.connect();
      await vi.advanceTimersByTimeAsync(100);
      await connected;
      expect(c.state).toBe('connected');
      expect([sockets.length, server.connects]).toEqual([1, 1]);
      c.close();
      vi.useRealTimers();
    }
  });

  it('a WebSocket that opens and stays silent until the connect timeout falls back as well', async () => {
    const { client: c, server, sockets } = setup(['silent'], { upgrade: false });
    const connected = c.connect();
    await vi.advanceTimersByTimeAsync(15_100);
    await connected;
    expect([sockets.length, server.connects]).toEqual([1, 1]);
    expect(sockets[0]!.closed).toBe(true);
  });

  it('a long-poll attempt that fails the same way (the network is down) sends the next attempt back to WebSocket', async () => {
    const { client: c, server, sockets } = setup(['refuse'], { upgrade: false });
    server.down = true;
    void c.connect().catch(() => undefined);
    await vi.advanceTimersByTimeAsync(200);
    // WebSocket refused: long-poll next, down too: WebSocket again, and so on.
    expect(server.log.slice(0, 5)).toEqual(['ws', 'lp', 'ws', 'lp', 'ws']);
    expect(sockets.length).toBeGreaterThan(2);
    server.down = false;
    await vi.advanceTimersByTimeAsync(200);
    expect(c.state).toBe('connected');
    expect(server.connects).toBe(1);
  });

  it('with upgrade: false a healthy long-poll session stays; after reprobeMs the next reconnect tries WebSocket first', async () => {
    const { client: c, server, sockets } = setup(['refuse'], { upgrade: false, reprobeMs: 5000 });
    const connected = c.connect();
    await vi.advanceTimersByTimeAsync(100);
    await connected;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(c.state).toBe('connected');
    expect([sockets.length, server.connects]).toEqual([1, 1]);
    server.dropAll(); // the session ends: 410 to the held poll
    await vi.advanceTimersByTimeAsync(100);
    expect(c.state).toBe('connected');
    expect([sockets.length, server.connects]).toEqual([2, 2]); // WebSocket tried (refused), then long-poll again
  });

  it('a drop before reprobeMs has passed reconnects over long-poll at once, without trying WebSocket', async () => {
    const { client: c, server, sockets } = setup(['refuse'], { upgrade: false, reprobeMs: 5000 });
    const connected = c.connect();
    await vi.advanceTimersByTimeAsync(100);
    await connected;
    server.dropAll();
    await vi.advanceTimersByTimeAsync(100);
    expect(c.state).toBe('connected');
    expect([sockets.length, server.connects]).toEqual([1, 2]);
  });

  it('probes WebSocket every reprobeMs while on long-poll; a move whose WebSocket then carries nothing stops the probes', async () => {
    // Refused, then a probe that opens, then the moved attempt: open and silent.
    const { client: c, server, sockets } = setup(['refuse', 'silent'], { reprobeMs: 5000 });
    const connected = c.connect();
    await vi.advanceTimersByTimeAsync(100);
    await connected;
    expect([sockets.length, server.connects]).toEqual([1, 1]);
    await vi.advanceTimersByTimeAsync(5000);
    // The probe opened and was closed at once; the client moved: a WebSocket attempt (silent).
    expect(sockets.length).toBe(3);
    expect(sockets[1]!.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(15_100); // its connect timeout: back to long-poll
    expect(c.state).toBe('connected');
    expect(server.connects).toBe(2);
    // No probe after a move that failed: the long-poll session is left alone.
    await vi.advanceTimersByTimeAsync(60_000);
    expect([sockets.length, server.connects]).toEqual([3, 2]);
  });

  it('close() on long-poll stops the probe timer: nothing is left', async () => {
    const { client: c } = setup(['refuse'], { reprobeMs: 5000 });
    const connected = c.connect();
    await vi.advanceTimersByTimeAsync(100);
    await connected;
    c.close();
    await vi.advanceTimersByTimeAsync(2000); // the bounded /lp/disconnect
    expect(vi.getTimerCount()).toBe(0);
  });

  it('only: true never tries WebSocket', async () => {
    const { client: c, server, sockets } = setup(['refuse'], { only: true });
    const connected = c.connect();
    await vi.advanceTimersByTimeAsync(100);
    await connected;
    server.dropAll();
    await vi.advanceTimersByTimeAsync(120_000);
    expect([sockets.length, server.connects]).toEqual([0, 2]);
  });

  it('a long-poll connect answered 404 (no long-poll route) stops the client with NOT_FOUND; a 503 is retried', async () => {
    for (const [status, only] of [
      [404, true],
      [404, false],
    ] as const) {
      const { client: c, server } = setup(['http403'], { upgrade: false, only });
      server.connectStatus = status;
      const errors: string[] = [];
      c.on('error', (error) => errors.push(error.code));
      const connected = c.connect().catch((error: { code: string }) => error.code);
      await vi.advanceTimersByTimeAsync(2000);
      expect(c.state).toBe('failed');
      expect(await connected).toBe('NOT_FOUND');
      expect(server.log.filter((route) => route === 'lp')).toEqual(['lp']);
      c.close();
      vi.useRealTimers();
    }
    const { client: c, server } = setup(['refuse'], { upgrade: false, only: true });
    server.connectStatus = 503;
    void c.connect().catch(() => undefined);
    await vi.advanceTimersByTimeAsync(200);
    expect(c.state).toBe('reconnecting');
    expect(server.log.filter((route) => route === 'lp').length).toBeGreaterThan(2);
  });
});

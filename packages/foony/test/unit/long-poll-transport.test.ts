// The long-poll transport against a fake fetch: routes, the session header, one send at a time, failures, close().
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PolySocketError, type CloseInfo, type TransportData, type TransportListener } from '@polysocket/core';
import { LongPollTransport, longPollUrl, type LongPollResponse } from '../../src/long-poll/transport';
import {
  FoonyClient,
  foonyBinaryWire,
  foonySeedWire,
  foonyLongPoll,
  type FoonyClientOptions,
  type LongPollFetch,
} from '@polysocket/foony';
// The official client's codec writes the server's records: it shares no code with ours.
import { encodeServerFrame, frameBinaryRecord } from '../../../../node_modules/@foony/realtime/lib/binary.js';

interface Call {
  url: string;
  route: string;
  headers: Record<string, string>;
  body: number[];
  signal: AbortSignal;
  answer(status: number, body?: number[], session?: string): void;
  fail(error: Error): void;
}

/** A fetch whose every request waits until the test answers it. */
function fakeFetch(): { fetch: LongPollFetch; calls: Call[]; pending(): Call[] } {
  const calls: Call[] = [];
  const settled = new Set<Call>();
  const fetch: LongPollFetch = (url, init) =>
    new Promise<LongPollResponse>((resolve, reject) => {
      const call: Call = {
        url,
        route: url.replace(/\?.*$/, '').split('/').pop()!,
        headers: init.headers,
        body: init.body ? [...init.body] : [],
        signal: init.signal,
        answer(status, body = [], session) {
          settled.add(call);
          resolve({
            ok: status >= 200 && status < 300,
            status,
            headers: { get: (name) => (name === 'foony-lp-session' ? (session ?? null) : null) },
            arrayBuffer: () => Promise.resolve(new Uint8Array(body).buffer),
          });
        },
        fail(error) {
          settled.add(call);
          reject(error);
        },
      };
      init.signal.addEventListener('abort', () => {
        settled.add(call);
        reject(new DOMException('aborted', 'AbortError'));
      });
      calls.push(call);
    });
  return { fetch, calls, pending: () => calls.filter((c) => !settled.has(c)) };
}

/** A listener that records what the transport tells. */
function recorder(): TransportListener & { events: string[]; messages: number[][]; closed?: CloseInfo; error?: Error } {
  const r = {
    events: [] as string[],
    messages: [] as number[][],
    closed: undefined as CloseInfo | undefined,
    error: undefined as Error | undefined,
    onOpen: () => r.events.push('open'),
    onMessage: (data: TransportData) => {
      r.events.push('message');
      r.messages.push([...(data as Uint8Array)]);
    },
    onClose: (info: CloseInfo) => {
      r.events.push(`close ${info.code}`);
      r.closed = info;
    },
    onError: (error: Error) => {
      r.events.push('error');
      r.error = error;
    },
  };
  return r;
}

const tick = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

afterEach(() => {
  vi.useRealTimers();
});

describe('the long-poll transport', () => {
  it('builds the route URLs from the client url: ws→http, wss→https, the path and query kept, userinfo as Basic', () => {
    expect(longPollUrl('ws://127.0.0.1:8080/foony').route('connect')).toBe('http://127.0.0.1:8080/foony/lp/connect');
    expect(longPollUrl('wss://rt.example.com').route('poll')).toBe('https://rt.example.com/lp/poll');
    expect(longPollUrl('wss://rt.example.com/a/b/?v=2').route('send')).toBe('https://rt.example.com/a/b/lp/send?v=2');
    const withUser = longPollUrl('wss://me:pw@rt.example.com/foony');
    expect(withUser.route('connect')).toBe('https://rt.example.com/foony/lp/connect');
    expect(withUser.authorization).toBe(`Basic ${btoa('me:pw')}`);
  });

  it('opens at once; the first write is the connect body; then polls and sends carry the session, one send at a time', async () => {
    const { fetch, calls } = fakeFetch();
    const transport = new LongPollTransport({ url: 'ws://host/foony', fetch });
    const r = recorder();
    transport.open(r);
    await tick();
    expect(r.events).toEqual(['open']);
    expect(calls).toHaveLength(0);

    transport.send(new Uint8Array([1, 2]));
    expect(calls.map((c) => c.route)).toEqual(['connect']);
    expect(calls[0]!.url).toBe('http://host/foony/lp/connect');
    expect(calls[0]!.body).toEqual([1, 2]);
    expect(calls[0]!.headers['foony-lp-session']).toBeUndefined();
    // Written while the connect is in flight: waits for the session.
    transport.send(new Uint8Array([3]));
    expect(transport.bufferedAmount).toBe(1);
    calls[0]!.answer(200, [9, 9], 'S1');
    await tick();
    expect(r.messages).toEqual([[9, 9]]);
    expect(calls.map((c) => c.route)).toEqual(['connect', 'poll', 'send']);
    expect(calls[1]!.headers['foony-lp-session']).toBe('S1');
    expect(calls[2]!.body).toEqual([3]);

    // While that send is in flight, two writes queue and go joined in the next one.
    transport.send(new Uint8Array([4]));
    transport.send(new Uint8Array([5, 6]));
    expect(calls.filter((c) => c.route === 'send')).toHaveLength(1);
    calls[2]!.answer(204);
    await tick();
    const sends = calls.filter((c) => c.route === 'send');
    expect(sends.map((c) => c.body)).toEqual([[3], [4, 5, 6]]);
    expect(sends[1]!.headers['foony-lp-session']).toBe('S1');

    // A poll's body is one message; an empty one is none; the loop goes on.
    calls[1]!.answer(200, [7]);
    await tick();
    calls.filter((c) => c.route === 'poll')[1]!.answer(200, []);
    await tick();
    expect(r.messages).toEqual([[9, 9], [7]]);
    expect(calls.filter((c) => c.route === 'poll')).toHaveLength(3);
    transport.close(4000);
  });

  it('a poll answered 410 (the session is gone) ends the transport as a drop', async () => {
    const { fetch, calls } = fakeFetch();
    const transport = new LongPollTransport({ url: 'ws://host/foony', fetch });
    const r = recorder();
    transport.open(r);
    transport.send(new Uint8Array([1]));
    calls[0]!.answer(200, [], 'S1');
    await tick();
    calls[1]!.answer(410);
    await tick();
    expect(r.events).toEqual(['open', 'error', 'close 1006']);
    expect(r.error!.message).toBe('long-poll session ended: HTTP 410');
    // Nothing more: no poll after the failure, and writes are refused.
    expect(calls.map((c) => c.route)).toEqual(['connect', 'poll']);
    expect(() => transport.send(new Uint8Array([2]))).toThrow();
  });

  it('joins queued records only up to maxSendBody (a body over the server limit would drop the session)', async () => {
    const { fetch, calls } = fakeFetch();
    const transport = new LongPollTransport({ url: 'ws://host/foony', fetch, maxSendBody: 5 });
    transport.open(recorder());
    await tick();
    transport.send(new Uint8Array([1]));
    calls[0]!.answer(200, [], 'S1');
    await tick();
    transport.send(new Uint8Array([2])); // goes at once, alone
    // Queued while that send is in flight: 3 + 2 + 3 + 6 bytes, at most 5 per body, a larger record alone.
    transport.send(new Uint8Array([3, 3, 3]));
    transport.send(new Uint8Array([4, 4]));
    transport.send(new Uint8Array([5, 5, 5]));
    transport.send(new Uint8Array([6, 6, 6, 6, 6, 6]));
    expect(transport.bufferedAmount).toBe(14);
    for (let i = 0; i < 4; i++) {
      calls
        .filter((c) => c.route === 'send')
        .at(-1)!
        .answer(204);
      await tick();
    }
    const sends = calls.filter((c) => c.route === 'send').map((c) => c.body);
    expect(sends).toEqual([[2], [3, 3, 3, 4, 4], [5, 5, 5], [6, 6, 6, 6, 6, 6]]);
    expect(transport.bufferedAmount).toBe(0);
    transport.close(4000);
  });

  it('a connect answered with an HTTP error reports its status (the core stops on a 4xx); a network error names its cause', async () => {
    const { fetch, calls } = fakeFetch();
    const transport = new LongPollTransport({ url: 'ws://host/foony', fetch });
    const r = recorder();
    transport.open(r);
    transport.send(new Uint8Array([1]));
    calls[0]!.answer(404);
    await tick();
    expect((r.error as Error & { status?: number }).status).toBe(404);

    const second = new LongPollTransport({ url: 'ws://host/foony', fetch });
    const r2 = recorder();
    second.open(r2);
    second.send(new Uint8Array([1]));
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:80'), { code: 'ECONNREFUSED' }),
    });
    calls[1]!.fail(refused);
    await tick();
    expect(r2.error!.message).toBe('long-poll connect failed: fetch failed (connect ECONNREFUSED 127.0.0.1:80)');
    expect((r2.error as Error & { code?: string }).code).toBe('ECONNREFUSED');
    expect((r2.error as Error & { status?: number }).status).toBeUndefined();
  });

  it('a refused connect (error records, no session) hands the records over before it ends', async () => {
    const { fetch, calls } = fakeFetch();
    const transport = new LongPollTransport({ url: 'ws://host/foony', fetch });
    const r = recorder();
    transport.open(r);
    transport.send(new Uint8Array([1]));
    calls[0]!.answer(200, [5, 6]);
    await tick();
    expect(r.events).toEqual(['open', 'message']);
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(r.events).toEqual(['open', 'message', 'error', 'close 1006']);
  });

  it('a request with no answer times out and ends the transport', async () => {
    vi.useFakeTimers();
    const { fetch, calls } = fakeFetch();
    const transport = new LongPollTransport({ url: 'ws://host/foony', fetch, requestTimeoutMs: 5000 });
    const r = recorder();
    transport.open(r);
    transport.send(new Uint8Array([1]));
    calls[0]!.answer(200, [], 'S1');
    await vi.advanceTimersByTimeAsync(4999);
    expect(r.closed).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(r.error!.message).toBe('long-poll poll timed out after 5000 ms');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a response body over maxBodySize drops the link with PROTOCOL', async () => {
    const { fetch, calls } = fakeFetch();
    const transport = new LongPollTransport({ url: 'ws://host/foony', fetch, maxBodySize: 4 });
    const r = recorder();
    transport.open(r);
    transport.send(new Uint8Array([1]));
    calls[0]!.answer(200, [1, 2, 3, 4, 5], 'S1');
    await tick();
    expect(r.error).toBeInstanceOf(PolySocketError);
    expect(r.closed!.code).toBe(1002);
    expect(r.messages).toEqual([]);
  });

  it('close() by the app aborts every request and says goodbye once, bounded; a drop does not say goodbye', async () => {
    vi.useFakeTimers();
    const { fetch, calls, pending } = fakeFetch();
    const transport = new LongPollTransport({ url: 'ws://host/foony', fetch });
    const r = recorder();
    transport.open(r);
    transport.send(new Uint8Array([1]));
    calls[0]!.answer(200, [], 'S1');
    await vi.advanceTimersByTimeAsync(0);
    transport.send(new Uint8Array([2])); // a send in flight, beside the held poll
    expect(pending().map((c) => c.route)).toEqual(['poll', 'send']);
    transport.close(1000);
    await vi.advanceTimersByTimeAsync(0);
    // Only the goodbye is left, with the session, and it is bounded.
    expect(pending().map((c) => c.route)).toEqual(['disconnect']);
    expect(pending()[0]!.headers['foony-lp-session']).toBe('S1');
    expect(r.events).toEqual(['open']); // the app closed it: nothing more is told
    await vi.advanceTimersByTimeAsync(2000);
    expect(pending()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    transport.close(1000);
    expect(calls.filter((c) => c.route === 'disconnect')).toHaveLength(1);

    // A drop by the client (4000): no goodbye, so the next session can resume this one.
    const dropped = new LongPollTransport({ url: 'ws://host/foony', fetch });
    dropped.open(recorder());
    dropped.send(new Uint8Array([1]));
    calls.at(-1)!.answer(200, [], 'S2');
    await vi.advanceTimersByTimeAsync(0);
    dropped.close(4000);
    await vi.advanceTimersByTimeAsync(0);
    expect(pending()).toEqual([]);
    expect(calls.filter((c) => c.route === 'disconnect')).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('FoonyClient with foonyLongPoll', () => {
  const base = { url: 'ws://host/foony', token: 'secret-token-123' };

  it('on the seed wire is INVALID saying to drop the seed wire; a fallback that is no module too', () => {
    expect(() => new FoonyClient({ ...base, wire: foonySeedWire, fallback: foonyLongPoll })).toThrow(
      'fallback needs the binary wire (the default): drop wire: foonySeedWire',
    );
    expect(() => new FoonyClient({ ...base, fallback: foonyLongPoll })).not.toThrow();
    expect(
      () => new FoonyClient({ ...base, wire: foonyBinaryWire, fallback: true } as unknown as FoonyClientOptions),
    ).toThrow("fallback needs { fallback: foonyLongPoll } from '@polysocket/foony'");
  });

  it('a secret in the url goes to the server as a query, and never into an error the app sees', async () => {
    const seen: string[] = [];
    const fetch: LongPollFetch = (url) => {
      seen.push(url);
      return Promise.reject(new TypeError(`Failed to fetch ${url}`));
    };
    const client = new FoonyClient({
      url: 'ws://host/foony?accessToken=supersecret123',
      token: 'secret-token-123',
      wire: foonyBinaryWire,
      fallback: foonyLongPoll({ fetch, only: true }),
      browser: { network: null, document: null },
      reconnect: false,
    });
    const errors: string[] = [];
    client.on('error', (e) => errors.push(`${e.message} ${String((e.cause as Error | undefined)?.message)}`));
    await client.connect().catch(() => undefined);
    expect(seen).toEqual(['http://host/foony/lp/connect?accessToken=supersecret123']);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join()).toContain('long-poll connect failed');
    expect(errors.join()).not.toContain('supersecret123');
    client.close();
  });

  it('close() while on long-poll leaves no request and no timer behind', async () => {
    vi.useFakeTimers();
    const { fetch, calls, pending } = fakeFetch();
    const client = new FoonyClient({
      ...base,
      wire: foonyBinaryWire,
      fallback: foonyLongPoll({ fetch, only: true }),
      browser: { network: null, document: null },
    });
    const connected = client.connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.route)).toEqual(['connect']);
    calls[0]!.answer(200, [...connectedRecord('c1', 'ann')], 'S1');
    await connected;
    expect(client.state).toBe('connected');
    expect(pending().map((c) => c.route)).toEqual(['poll']);
    client.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(pending().map((c) => c.route)).toEqual(['disconnect']);
    await vi.advanceTimersByTimeAsync(2000);
    expect(pending()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

/** A `connected` record as the server encodes it (see the binary wire's frames). */
function connectedRecord(connectionId: string, clientId: string): Uint8Array {
  return frameBinaryRecord(encodeServerFrame({ t: 'connected', connectionId, keepAliveMs: 0, clientId }));
}

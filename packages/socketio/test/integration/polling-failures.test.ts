import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloseInfo, TransportListener } from '@polysocket/core';
import { MockServer, sockrModule } from '@polysocket/mock-server';
import { engineUrl, PollingTransport, type FetchLike } from '@polysocket/socketio';
import { startIo, type IoServer } from '../helpers/servers';

/** What a transport told its listener, in order. */
function recorder(): {
  listener: TransportListener;
  events: string[];
  errors: (Error & { status?: number; code?: unknown })[];
  closed: Promise<CloseInfo>;
  opened: Promise<void>;
} {
  const events: string[] = [];
  const errors: (Error & { status?: number })[] = [];
  let close!: (info: CloseInfo) => void;
  let open!: () => void;
  const closed = new Promise<CloseInfo>((resolve) => (close = resolve));
  const opened = new Promise<void>((resolve) => (open = resolve));
  const listener: TransportListener = {
    onOpen: () => (events.push('open'), open()),
    onMessage: () => undefined,
    onError: (error) => (events.push('error'), errors.push(error)),
    onClose: (info) => (events.push('close'), close(info)),
  };
  return { listener, events, errors, closed, opened };
}

/** A port nothing listens on. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

let mock: MockServer | undefined;
let io: IoServer | undefined;

afterEach(async () => {
  await mock?.close();
  mock = undefined;
  await io?.close();
  io = undefined;
});

describe('PollingTransport failures say what happened', () => {
  it('an HTTP error to the handshake is reported with its status, before the close', async () => {
    mock = new MockServer({ modules: [sockrModule()] });
    await mock.listen();
    const seen = recorder();
    new PollingTransport({ url: engineUrl(mock.url, '/wrong/', 'polling') }).open(seen.listener);
    await seen.closed;
    expect(seen.events).toEqual(['error', 'close']);
    expect(seen.errors[0].status).toBe(404);
    expect(seen.errors[0].message).toMatch(/HTTP 404/);
  });

  it("a refusing server (the mock server's refuse fault) answers the handshake 503", async () => {
    mock = new MockServer({ modules: [sockrModule()] });
    await mock.listen();
    mock.faults.refuse(60_000);
    const seen = recorder();
    new PollingTransport({ url: engineUrl(mock.url, '/socket.io/', 'polling') }).open(seen.listener);
    await seen.closed;
    expect(seen.errors[0].status).toBe(503);
  });

  it('a refused connection is reported with its cause (ECONNREFUSED)', async () => {
    const seen = recorder();
    new PollingTransport({ url: engineUrl(`http://127.0.0.1:${await refusedPort()}`, '/socket.io/', 'polling') }).open(
      seen.listener,
    );
    await seen.closed;
    expect(seen.events).toEqual(['error', 'close']);
    expect(seen.errors[0].message).toMatch(/ECONNREFUSED/);
    expect(seen.errors[0].code).toBe('ECONNREFUSED');
    expect(seen.errors[0].status).toBeUndefined();
  });

  it('a 400 to an established session (the server restarted and forgot it) is a drop: no status', async () => {
    io = await startIo();
    const seen = recorder();
    // Every request after the handshake names a session the server does not know, as after a restart.
    const forgotten: FetchLike = (input, init) => fetch(input.replace(/sid=[^&]+/, 'sid=forgotten'), init);
    new PollingTransport({ url: engineUrl(io.url, '/socket.io/', 'polling'), fetch: forgotten }).open(seen.listener);
    await seen.opened;
    await seen.closed;
    expect(seen.events).toEqual(['open', 'error', 'close']);
    expect(seen.errors[0].message).toMatch(/HTTP 400/);
    expect(seen.errors[0].status).toBeUndefined();
  });
});

import { Server, WebSocket as MockWebSocket } from 'mock-socket';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The browser path: isomorphic-ws resolves to the page's global WebSocket (its browser.js does
// exactly this), and `ws` must never be loaded.
vi.mock('isomorphic-ws', () => {
  (globalThis as { WebSocket?: unknown }).WebSocket = MockWebSocket;
  return { default: (globalThis as { WebSocket?: unknown }).WebSocket };
});
vi.mock('ws', () => {
  throw new Error('the browser path must not load ws');
});

/**
 * The core afresh (the secrets-audit setup file already loaded it with the real isomorphic-ws), as the default
 * build has it, or as the package's `browser` build does: with `socket-runtime.browser.ts` for `socket-runtime.ts`.
 */
async function loadCore(browserBuild: boolean) {
  vi.resetModules();
  if (browserBuild) vi.doMock('../../src/socket-runtime', () => import('../../src/socket-runtime.browser'));
  else vi.doUnmock('../../src/socket-runtime');
  return { ...(await import('@polysocket/core')), ...(await import('../helpers/echo-protocol')) };
}
const builds = [
  ['default build', await loadCore(false)],
  ['browser build', await loadCore(true)],
] as const;

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.stop();
});

function echoServer(url: string): Server {
  const server = new Server(url);
  servers.push(server);
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { t: string; id?: number; body?: unknown };
      if (frame.t === 'hello') socket.send(JSON.stringify({ t: 'welcome', session: 'browser' }));
      if (frame.t === 'req') socket.send(JSON.stringify({ t: 'res', id: frame.id, body: frame.body }));
    });
  });
  return server;
}

describe.each(builds)('WebSocketTransport on a browser-style global WebSocket (mock-socket), %s', (build, core) => {
  const { Connection, WebSocketTransport, webSocketTransport, echoProtocol } = core;

  it('uses the global WebSocket, which has no ping', () => {
    expect((globalThis as { WebSocket?: unknown }).WebSocket).toBe(MockWebSocket);
    const transport = new WebSocketTransport({ url: 'ws://localhost:7001/x' });
    expect(transport.ping()).toBe(false);
  });

  it("takes a `ws`-like socket's events through its emit only in the default build", () => {
    let made: { binaryType: string; onmessage: unknown } | undefined;
    class WsLike {
      readyState = 0;
      bufferedAmount = 0;
      binaryType = 'blob';
      onopen = null;
      onmessage = null;
      onclose = null;
      onerror = null;
      constructor() {
        // eslint-disable-next-line @typescript-eslint/no-this-alias -- the socket the transport made
        made = this;
      }
      send(): void {}
      close(): void {}
      ping(): void {}
      on(): void {}
    }
    const transport = new WebSocketTransport({ url: 'ws://localhost:7004/x', WebSocket: WsLike });
    transport.open({ onOpen() {}, onMessage() {}, onClose() {}, onError() {} });
    const browserBuild = build === 'browser build';
    expect(made!.binaryType).toBe(browserBuild ? 'arraybuffer' : 'nodebuffer');
    expect(typeof made!.onmessage).toBe(browserBuild ? 'function' : 'object');
    transport.close();
  });

  it('connects, handshakes, answers a request and reconnects after the server closes', async () => {
    const url = 'ws://localhost:7002/echo';
    const server = echoServer(url);
    const client = new Connection({
      protocol: echoProtocol(),
      transport: webSocketTransport({ url }),
      backoff: { initialDelayMs: 20, minDelayMs: 5 },
      browser: { network: null, document: null },
    });
    await client.connect();
    expect(client.info).toEqual({ session: 'browser' });
    const reply = await client.request((id) => ({ t: 'req', id, body: 'from a browser' }));
    expect(reply).toMatchObject({ t: 'res', body: 'from a browser' });

    const reconnected = new Promise<void>((resolve) => client.once('connected', () => resolve()));
    for (const socket of server.clients()) socket.close({ code: 1011, reason: 'restart', wasClean: true });
    await reconnected;
    expect(client.state).toBe('connected');
    client.close();
  });

  it('reports a connection it cannot open as a failed attempt, not an exception', async () => {
    const client = new Connection({
      protocol: echoProtocol(),
      transport: webSocketTransport({ url: 'ws://localhost:7003/nobody' }),
      maxAttempts: 0,
      browser: { network: null, document: null },
    });
    await expect(client.connect()).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(client.state).toBe('failed');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import { SocketIOClient, type AuthOption, type SocketIOClientOptions } from '@polysocket/socketio';
import { startIo, waitFor, type IoServer, closeAll } from '../helpers/servers';

// An `auth` function that never answered left the client `connecting` for good, with no error and no cause;
// a static `auth` that is not an object had the server close the link on every attempt, silently.
let server: IoServer | undefined;
const clients: SocketIOClient[] = [];

afterEach(() => closeAll(clients, server).then(() => (server = undefined)));

function newClient(options: Partial<SocketIOClientOptions>): SocketIOClient {
  const client = new SocketIOClient({
    url: server!.url,
    transports: ['websocket'],
    autoConnect: false,
    backoff: { initialDelayMs: 20, maxDelayMs: 50, minDelayMs: 10 },
    browser: { network: null, document: null },
    ...options,
  });
  clients.push(client);
  return client;
}

/** Starts a server that records the auth of each CONNECT to `/`. */
async function recordingServer(): Promise<unknown[]> {
  const seen: unknown[] = [];
  server = await startIo({}, (io) => io.use((socket, next) => (seen.push(socket.handshake.auth), next())));
  return seen;
}

describe('an auth function', () => {
  const hangsFirst: Record<string, (calls: () => number) => AuthOption> = {
    'that never calls back': (calls) => (cb) => void (calls() > 1 && cb({ token: 't' })),
    'whose promise never settles': (calls) => () =>
      calls() > 1 ? Promise.resolve({ token: 't' }) : new Promise(() => undefined),
  };
  for (const [name, make] of Object.entries(hangsFirst)) {
    it(`${name}: the attempt fails with a retryable AUTH_FAILED after connectTimeoutMs (an error event), and is retried`, async () => {
      const seen = await recordingServer();
      let calls = 0;
      const client = newClient({ connectTimeoutMs: 300, auth: make(() => ++calls) });
      const errors: PolySocketError[] = [];
      client.onLifecycle('error', (error) => errors.push(error));
      await client.connect();
      expect(calls).toBe(2);
      expect(errors[0]).toMatchObject({
        code: 'AUTH_FAILED',
        retryable: true,
        message: 'auth did not settle within 300 ms',
      });
      expect(seen).toEqual([{ token: 't' }]);
    });
  }

  it('that answers something other than a plain object: a retryable AUTH_FAILED, nothing sent', async () => {
    const seen = await recordingServer();
    let calls = 0;
    const client = newClient({ auth: (cb) => cb((++calls === 1 ? 'a string' : { token: 't' }) as never) });
    const errors: PolySocketError[] = [];
    client.onLifecycle('error', (error) => errors.push(error));
    await client.connect();
    expect(errors[0]).toMatchObject({ code: 'AUTH_FAILED', retryable: true });
    expect(errors[0].message).toContain('auth must return a plain object');
    expect(seen).toEqual([{ token: 't' }]);
  });

  it('that never answers for a namespace opened while connected: connect_error AUTH_FAILED and an error event', async () => {
    await recordingServer();
    const client = newClient({ connectTimeoutMs: 300 });
    await client.connect();
    const errors: PolySocketError[] = [];
    client.onLifecycle('error', (error) => errors.push(error));
    const admin = client.socket('/admin', { auth: () => undefined });
    const refused = new Promise<PolySocketError>((resolve) => admin.on('connect_error', resolve));
    expect(await refused).toMatchObject({ code: 'AUTH_FAILED', retryable: true });
    await waitFor(() => errors.length === 1, 'the error event');
    expect(admin.state).toBe('failed');
    expect(client.state).toBe('connected');
  });
});

describe('a static auth', () => {
  for (const auth of ['', 'token', 5, null, ['t'], new Date()]) {
    it(`${JSON.stringify(auth)} is refused with INVALID (client and namespace)`, async () => {
      server = await startIo();
      expect(() => newClient({ auth: auth as never })).toThrow(expect.objectContaining({ code: 'INVALID' }));
      const client = newClient({});
      expect(() => client.socket('/admin', { auth: auth as never })).toThrow(
        expect.objectContaining({ code: 'INVALID' }),
      );
    });
  }
});

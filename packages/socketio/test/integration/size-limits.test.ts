import { afterEach, describe, expect, it } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import { SocketIOClient, type TransportName, socketioPolling } from '@polysocket/socketio';
import { sleep, startIo, waitFor, type IoServer, closeAll } from '../helpers/servers';

// Issue 14: nothing over a limit is dropped silently. The server announces maxHttpBufferSize as the open
// packet's maxPayload; an emit over it used to resolve true, the server closed the link and the message was lost.

const LIMIT = 10_000;
let server: IoServer | undefined;
const clients: SocketIOClient[] = [];

afterEach(() => closeAll(clients, server).then(() => (server = undefined)));

async function setup(
  transports: TransportName[],
): Promise<{ client: SocketIOClient; received: unknown[]; errors: PolySocketError[]; sessions: () => number }> {
  const received: unknown[] = [];
  let sessions = 0;
  server = await startIo({ maxHttpBufferSize: LIMIT }, (io) => {
    io.engine.on('connection', () => sessions++);
    io.on('connection', (socket) =>
      socket.on('msg', (value: unknown, ack?: (reply: string) => void) => (received.push(value), ack?.('ok'))),
    );
  });
  const client = new SocketIOClient({
    url: server.url,
    transports,
    polling: socketioPolling,
    autoConnect: false,
    backoff: { initialDelayMs: 20, maxDelayMs: 50, minDelayMs: 10 },
    browser: { network: null, document: null },
  });
  clients.push(client);
  const errors: PolySocketError[] = [];
  client.onLifecycle('error', (error) => errors.push(error));
  await client.connect();
  return { client, received, errors, sessions: () => sessions };
}

describe.each([['websocket'], ['polling'], ['polling', 'websocket']] as TransportName[][])(
  'over %s',
  (...transports) => {
    it('an emit over maxPayload is refused with TOO_LARGE (and an error event); the link stays up and later emits arrive', async () => {
      const { client, received, errors, sessions } = await setup(transports);
      const disconnects: string[] = [];
      client.on('disconnect', (reason: string) => disconnects.push(reason));
      expect(client.engine?.maxPayload).toBe(LIMIT);

      await expect(client.emit('msg', 'x'.repeat(LIMIT * 2))).rejects.toMatchObject({
        code: 'TOO_LARGE',
        retryable: false,
      });
      expect(errors.map((e) => e.code)).toEqual(['TOO_LARGE']);
      await expect(client.emitWithAck('msg', 'y'.repeat(LIMIT * 2))).rejects.toMatchObject({ code: 'TOO_LARGE' });
      expect(await client.emit('msg', 'small')).toBe(true);
      expect(await client.emitWithAck('msg', 'small with ack')).toBe('ok');
      await waitFor(() => received.length === 2, 'the two small emits');
      expect(received).toEqual(['small', 'small with ack']);
      expect(client.state).toBe('connected');
      expect(disconnects).toEqual([]);
      expect(sessions()).toBe(1);
    });
  },
);

describe('long-polling carries binary as base64, 4/3 larger', () => {
  const bytes = new Uint8Array(LIMIT - 1000); // fits in a WebSocket frame, not in a polling body

  it('a binary emit that would be over maxPayload as polling sends it is refused there', async () => {
    const { client, received, errors } = await setup(['polling']);
    await expect(client.emit('msg', bytes)).rejects.toMatchObject({ code: 'TOO_LARGE' });
    await expect(client.emitWithAck('msg', bytes)).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(errors.map((e) => e.code)).toEqual(['TOO_LARGE']);
    expect(await client.emitWithAck('msg', new Uint8Array(10))).toBe('ok');
    expect(received).toHaveLength(1);
    expect(client.state).toBe('connected');
  });

  it('the same emit goes over a WebSocket', async () => {
    const { client, received } = await setup(['websocket']);
    expect(await client.emitWithAck('msg', bytes)).toBe('ok');
    expect((received[0] as Uint8Array).byteLength).toBe(bytes.byteLength);
  });

  it('queued on a WebSocket session, it is refused when the next session writes it over polling', async () => {
    const { client, received, errors } = await setup(['polling', 'websocket']);
    await waitFor(() => client.transport === 'websocket', 'the upgrade');
    const down = new Promise((resolve) => client.on('disconnect', resolve));
    for (const socket of server!.io.sockets.sockets.values()) socket.conn.close();
    await down;
    const queued = client.emit('msg', bytes);
    const after = client.emit('msg', 'after');
    await expect(queued).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(await after).toBe(true);
    await waitFor(() => received.length === 1, 'the emit queued behind it');
    expect(received).toEqual(['after']);
    expect(errors.map((e) => e.code)).toContain('TOO_LARGE');
  });

  it('many small emits are split into POST bodies within maxPayload (the server drops the session on a bigger one)', async () => {
    const { client, received, sessions } = await setup(['polling']);
    const sent = Array.from({ length: 40 }, (_, i) => client.emit('msg', `${i}:${'z'.repeat(900)}`));
    expect(await Promise.all(sent)).toEqual(sent.map(() => true));
    await waitFor(() => received.length === 40, 'all forty');
    await sleep(50);
    expect(received.map((value) => Number(String(value).split(':')[0]))).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
    expect(sessions()).toBe(1);
  });
});

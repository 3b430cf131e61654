// @vitest-environment jsdom
import { WebSocketTransport, type TransportData } from '@polysocket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';

// In jsdom (how React apps are tested) the globals are the window's: a Node Buffer from `ws` is not an
// `instanceof Uint8Array` there. The transport still hands binary messages on as bytes, not as text.
const servers: WebSocketServer[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

describe('WebSocketTransport where Node buffers are of another realm (jsdom)', () => {
  it('delivers a binary message as a Uint8Array of this realm with its bytes', async () => {
    expect(Buffer.from([1]) instanceof Uint8Array).toBe(false); // the precondition: jsdom's globals
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    server.on('connection', (socket) => {
      socket.send(Buffer.from([1, 2, 250]));
      socket.send('text');
    });
    const { port } = server.address() as { port: number };
    const transport = new WebSocketTransport({ url: `ws://127.0.0.1:${port}/` });
    const got: TransportData[] = [];
    await new Promise<void>((resolve, reject) =>
      transport.open({
        onOpen: () => undefined,
        onMessage: (data) => {
          got.push(data);
          if (got.length === 2) resolve();
        },
        onClose: () => reject(new Error('closed')),
        onError: reject,
      }),
    );
    transport.close(1000, 'done');
    expect(got[0]).toBeInstanceOf(Uint8Array);
    expect([...(got[0] as Uint8Array)]).toEqual([1, 2, 250]);
    expect(got[1]).toBe('text');
  });
});

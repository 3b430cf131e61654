import type { ServerResponse } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import { SocketIOClient, type FetchLike, socketioPolling } from '@polysocket/socketio';
import { startEngineStub, type EngineStub } from '../helpers/engine-stub';
import { waitFor } from '../helpers/servers';

// Issue 14: long-polling read a whole response body (and base64-decoded it) before maxFrameSize was applied:
// a 200 MiB body with a 64 KiB limit raised RSS by ~1 GB before one PROTOCOL error.

const TOTAL = 50 * 1024 * 1024;
const LIMIT = 64 * 1024;
let stub: EngineStub | undefined;
const clients: SocketIOClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await stub?.close();
  stub = undefined;
});

/** Streams one endless-looking text packet (`42["x","aaaa…`) of up to TOTAL bytes, as fast as the client reads. */
function streamHugePacket(response: ServerResponse, done: (written: number) => void): void {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  let written = 0;
  let gone = false;
  response.on('close', () => {
    gone = true;
    done(written);
  });
  response.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8', connection: 'close' });
  response.write('42["x","');
  const pump = (): void => {
    while (!gone && written < TOTAL) {
      written += chunk.length;
      if (!response.write(chunk)) return void response.once('drain', pump);
    }
    if (!gone) response.end('"]');
  };
  pump();
}

async function hostile(
  fetchImpl?: FetchLike,
): Promise<{ client: SocketIOClient; errors: PolySocketError[]; reasons: string[]; written: Promise<number> }> {
  let hostileNow = false;
  let reportWritten!: (written: number) => void;
  const written = new Promise<number>((resolve) => (reportWritten = resolve));
  stub = await startEngineStub({ poll: (response) => hostileNow && (streamHugePacket(response, reportWritten), true) });
  const client = new SocketIOClient({
    url: stub.url,
    transports: ['polling'],
    polling: socketioPolling,
    autoConnect: false,
    reconnect: false,
    maxFrameSize: LIMIT,
    fetch: fetchImpl,
    browser: { network: null, document: null },
  });
  clients.push(client);
  const errors: PolySocketError[] = [];
  client.onLifecycle('error', (error) => errors.push(error));
  const reasons: string[] = [];
  client.on('disconnect', (reason: string) => reasons.push(reason));
  await client.connect();
  hostileNow = true;
  stub.push('6'); // a noop ends the poll being held; the next one gets the huge body
  return { client, errors, reasons, written };
}

it('stops reading a polling body as soon as a packet crosses maxFrameSize: one PROTOCOL error, the link dropped', async () => {
  const { client, errors, reasons, written } = await hostile();
  await waitFor(() => client.state === 'failed', 'the link to be dropped');
  expect(errors.map((e) => e.code)).toEqual(['PROTOCOL']);
  expect(reasons).toEqual(['parse error']); // socket.io-client's reason for a packet it could not take
  expect(errors[0].message).toMatch(/maxFrameSize/);
  // The server could write only what the client read plus the socket buffers: far below the 50 MiB it had.
  const bytes = await written;
  console.info(`hostile server wrote ${(bytes / 1024 / 1024).toFixed(1)} MiB of ${TOTAL / 1024 / 1024} MiB`);
  expect(bytes).toBeLessThan(8 * 1024 * 1024);
});

it('without body streams (a fetch that only has text()), the same limit still ends in one PROTOCOL error', async () => {
  const textOnly: FetchLike = async (input, init) => {
    const response = await fetch(input, init);
    return { ok: response.ok, status: response.status, text: () => response.text() };
  };
  const { client, errors } = await hostile(textOnly);
  await waitFor(() => client.state === 'failed', 'the link to be dropped', 20_000);
  expect(errors.map((e) => e.code)).toEqual(['PROTOCOL']);
});

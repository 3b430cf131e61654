import { afterEach, expect, it } from 'vitest';
import { SocketIOClient, type FetchLike, socketioPolling } from '@polysocket/socketio';
import { startEngineStub } from '../helpers/engine-stub';
import { startIo, waitFor, type IoServer } from '../helpers/servers';

let server: IoServer | undefined;

/** Active timers, as Node counts them. */
const timers = (): number => process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function rejectOnAbort(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    const abort = (): void => reject(new DOMException('This operation was aborted', 'AbortError'));
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
  });
}

// Found by the long-life run (test/reliability/long-life.test.ts): a polling client closed while its
// handshake was in flight aborted the request, but the server had already opened the session, which
// then waited out its ping timeout (45 s: two server timers and a socket per abandoned session).
it('close() during the polling handshake still ends the session the server opened', async () => {
  server = await startIo({ pingInterval: 25_000, pingTimeout: 20_000 });
  let answered!: () => void;
  const handshakeAnswered = new Promise<void>((resolve) => (answered = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  // The real request reaches the server; only the handshake's answer is held back until the client has closed.
  const holdHandshake: FetchLike = async (input, init) => {
    const response = await fetch(input, init);
    if (!input.includes('sid=')) {
      answered();
      await Promise.race([released, rejectOnAbort(init?.signal)]);
    }
    return response;
  };
  const client = new SocketIOClient({
    url: server.url,
    transports: ['polling'],
    polling: socketioPolling,
    fetch: holdHandshake,
    autoConnect: false,
    browser: { network: null, document: null },
  });

  const ready = client.connect().catch(() => undefined);
  await handshakeAnswered;
  expect(server.io.engine.clientsCount).toBe(1);
  client.close();
  release();
  await ready;
  await waitFor(() => server!.io.engine.clientsCount === 0, 'the server to end the abandoned session', 5_000);
  expect(client.state).toBe('closed');
});

// Issue 14: close() sent its farewell POST with the 60 s request timeout, so a server that did not
// answer it kept a timer and a socket alive for a minute after the client was closed.
it('close() bounds the farewell POST: an unanswered one leaves no timer or socket behind', async () => {
  const stub = await startEngineStub({ hold: (body) => body === '1' });
  try {
    await new Promise((resolve) => setTimeout(resolve, 150)); // vitest's own report timer (100 ms) has fired
    const baseline = timers();
    const client = new SocketIOClient({
      url: stub.url,
      transports: ['polling'],
      polling: socketioPolling,
      autoConnect: false,
      browser: { network: null, document: null },
    });
    await client.connect();
    client.close();
    await waitFor(() => stub.held.length === 1, 'the farewell to reach the server');
    await waitFor(() => stub.held[0].closed, 'the client to give up on the unanswered farewell', 3_000);
    await waitFor(() => timers() <= baseline, 'no timer left', 3_000);
  } finally {
    await stub.close();
  }
});

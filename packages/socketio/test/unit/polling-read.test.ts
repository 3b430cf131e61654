import { expect, it } from 'vitest';
import type { TransportData } from '@polysocket/core';
import { PollingTransport, type FetchLike } from '@polysocket/socketio';

/** A fetch whose first GET answers with `chunks` as a body stream; every later request waits until aborted. */
function chunkedFetch(chunks: Uint8Array[]): FetchLike {
  let first = true;
  return (_input, init) => {
    if (!first) {
      return new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    }
    first = false;
    const queue = [...chunks];
    return Promise.resolve({
      ok: true,
      status: 200,
      text: () => Promise.reject(new Error('read as a stream')),
      body: {
        getReader: () => ({
          read: async () => (queue.length > 0 ? { done: false, value: queue.shift() } : { done: true }),
          cancel: async () => undefined,
        }),
      },
    });
  };
}

it('reads a streamed poll packet by packet, whatever the chunk boundaries (separators, UTF-8 sequences)', async () => {
  const open = '0{"sid":"s","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000}';
  const body = new TextEncoder().encode(`${open}\x1e42["héllo"]\x1ebAQID\x1e6`);
  // Split everywhere awkward: inside the open packet, right after a separator, inside the two bytes of é.
  const at = [5, open.length + 1, open.length + 7, body.length - 3];
  const chunks = [0, ...at].map((from, i) => body.subarray(from, at[i] ?? body.length));
  const messages: TransportData[] = [];
  const transport = new PollingTransport({
    url: 'http://stub/socket.io/?EIO=4&transport=polling',
    fetch: chunkedFetch(chunks),
  });
  let opened = false;
  transport.open({
    onOpen: () => (opened = true),
    onMessage: (data) => messages.push(data),
    onClose: () => undefined,
    onError: () => undefined,
  });
  for (let turn = 0; turn < 100 && messages.length < 4; turn++) await Promise.resolve(); // the reads are promises: no timers
  transport.detach();
  expect(opened).toBe(true);
  expect(messages.slice(0, 2)).toEqual([open, '42["héllo"]']);
  expect([...(messages[2] as Uint8Array)]).toEqual([1, 2, 3]);
  expect(messages[3]).toBe('6');
  expect(messages).toHaveLength(4);
});

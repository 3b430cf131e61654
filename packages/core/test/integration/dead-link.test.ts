import { afterEach, expect, it } from 'vitest';
import { Connection, webSocketTransport } from '@polysocket/core';
import { MockServer } from '@polysocket/mock-server';
import { echoModule } from '../helpers/echo-module';
import { clientPingHeartbeat, echoProtocol, type EchoIn, type EchoOut } from '../helpers/echo-protocol';
import { waitFor } from '../helpers/wait';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
});

const count = (type: string): number => process.getActiveResourcesInfo().filter((t) => t === type).length;

// Found by the chaos suite: a link found dead (half-open server) was closed with a closing handshake
// that its peer never answers, so `ws` kept the socket and a 30 s timer alive after the client had
// moved on, and even after `close()`.
it('a link abandoned as dead is dropped at once: no socket or timer left behind after close()', async () => {
  server = new MockServer({ modules: [echoModule()] });
  await server.listen();
  const timers = count('Timeout');
  const sockets = count('TCPSocketWrap');
  const client = new Connection<EchoOut, EchoIn>({
    protocol: echoProtocol({ heartbeat: clientPingHeartbeat(100, 100) }),
    transport: webSocketTransport({ url: server.wsUrl('/echo') }),
    backoff: { initialDelayMs: 20, maxDelayMs: 50, minDelayMs: 5 },
    browser: { network: null, document: null },
  });
  await client.connect();
  server.faults.silence();
  await waitFor(() => client.state === 'reconnecting', 'the dead link to be noticed', 5_000);
  await waitFor(() => client.state === 'connected', 'a new link', 5_000);
  client.close();
  // The silenced server end stays open (the server no longer reads): only it may remain.
  await waitFor(
    () => count('Timeout') <= timers && count('TCPSocketWrap') <= sockets + 1,
    'the client to release its sockets and timers',
    2_000,
  );
  expect(count('TCPSocketWrap')).toBeLessThanOrEqual(sockets + 1);
});

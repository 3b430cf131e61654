import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, webSocketTransport } from '@polysocket/core';
import { MockServer } from '@polysocket/mock-server';
import { echoModule } from '../helpers/echo-module';
import { clientPingHeartbeat, echoProtocol, type EchoIn, type EchoOut } from '../helpers/echo-protocol';
import { waitFor } from '../helpers/wait';

let server: MockServer;

beforeAll(async () => {
  server = new MockServer({ modules: [echoModule()] });
  await server.listen();
});
afterAll(async () => {
  await server.close();
});

/** Active handles by type, as Node reports them (sockets, timers, ...). */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

function sameResources(baseline: Record<string, number>): boolean {
  const now = resources();
  const keys = new Set([...Object.keys(baseline), ...Object.keys(now)]);
  return [...keys].every((key) => (now[key] ?? 0) <= (baseline[key] ?? 0));
}

describe('1,000 connect/close cycles', () => {
  it('leave no active handles and no listener growth', async () => {
    const baseline = resources();
    const client = new Connection<EchoOut, EchoIn>({
      protocol: echoProtocol({ heartbeat: clientPingHeartbeat(5000, 1000) }),
      transport: webSocketTransport({ url: server.wsUrl('/echo') }),
      browser: { network: null, document: null },
    });
    const onState = (): void => undefined;
    client.on('state', onState);
    const listenersBefore = client.eventNames().map((name) => client.listenerCount(name));

    for (let i = 0; i < 1000; i++) {
      await client.connect();
      if (i % 2 === 0) await client.request((id) => ({ t: 'req', id, body: i }));
      else void client.send({ t: 'msg', body: i });
      client.close();
    }
    expect(client.state).toBe('closed');
    expect(client.pendingRequests).toBe(0);
    expect(client.queued.messages).toBe(0);
    expect(client.eventNames().map((name) => client.listenerCount(name))).toEqual(listenersBefore);

    await waitFor(() => server.connections().length === 0, 'the server to see every close', 10_000);
    await waitFor(
      () => sameResources(baseline),
      `handles back to baseline (now ${JSON.stringify(resources())}, baseline ${JSON.stringify(baseline)})`,
      10_000,
    );
  });

  it('1,000 clients created and closed (some mid-handshake) leave nothing behind', async () => {
    const baseline = resources();
    for (let i = 0; i < 1000; i++) {
      const client = new Connection<EchoOut, EchoIn>({
        protocol: echoProtocol({ heartbeat: clientPingHeartbeat(5000, 1000) }),
        transport: webSocketTransport({ url: server.wsUrl('/echo') }),
        browser: { network: null, document: null },
      });
      const ready = client.connect().catch(() => undefined);
      if (i % 3 === 0) {
        client.close(); // while connecting
      } else {
        await ready;
        client.close();
      }
      await ready;
    }
    await waitFor(() => server.connections().length === 0, 'the server to see every close', 10_000);
    await waitFor(
      () => sameResources(baseline),
      `handles back to baseline (now ${JSON.stringify(resources())}, baseline ${JSON.stringify(baseline)})`,
      10_000,
    );
  });
});

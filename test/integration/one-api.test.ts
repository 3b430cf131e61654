import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModules, MockServer } from '@polysocket/mock-server';
import { createClient, type ClientOptions, type LifecycleClient } from 'polysocket';
import { sleep, waitFor } from '../support/wait';

// Issue 15, "one API across protocols": every client createClient makes has the same lifecycle events under
// the same names with the same payloads, and starts idle unless the app asks for autoConnect.

let server: MockServer;
beforeAll(async () => {
  server = new MockServer({ modules: defaultModules() });
  await server.listen();
});
afterAll(async () => {
  await server.close();
});

const tuning = {
  backoff: { initialDelayMs: 20, maxDelayMs: 50, minDelayMs: 10 },
  browser: { network: null, document: null },
} as const;

/** Each protocol against the mock server, and the fault target that drops its links. */
const protocols: { name: string; target: string; options: () => ClientOptions }[] = [
  {
    name: 'foony',
    target: '/foony',
    options: () => ({ protocol: 'foony', url: server.wsUrl('/foony'), token: 'valid-token', ...tuning }),
  },
  {
    name: 'ignis',
    target: '/ignis',
    options: () => ({ protocol: 'ignis', url: server.wsUrl('/ignis'), auth: { token: 'good-token' }, ...tuning }),
  },
  {
    name: 'socketio',
    target: 'sockr',
    options: () => ({ protocol: 'socketio', url: server.url, transports: ['websocket'], ...tuning }),
  },
  {
    name: 'sockr',
    target: 'sockr',
    options: () => ({ protocol: 'sockr', url: server.url, token: 'token:one-api', ...tuning }),
  },
];

/** Every lifecycle event, by the one set of names, as a line that shows its payload's shape. */
function record(client: LifecycleClient): string[] {
  const events: string[] = [];
  client.on('state', (state, previous) => events.push(`state ${previous} -> ${state}`));
  client.on('connected', (info) => events.push(`connected ${typeof info}`));
  client.on('disconnected', (event) =>
    events.push(`disconnected willReconnect=${event.willReconnect} code=${typeof event.code}`),
  );
  client.on('reconnecting', (event) =>
    events.push(`reconnecting attempt=${event.attempt} delay=${typeof event.delayMs}`),
  );
  return events;
}

const connections = (events: string[]): number => events.filter((line) => line.startsWith('connected ')).length;

describe('one lifecycle API across protocols (createClient, against the mock server)', () => {
  for (const protocol of protocols) {
    it(`${protocol.name}: idle until connect(), then the same lifecycle events as every protocol`, async () => {
      const client: LifecycleClient = createClient(protocol.options());
      const events = record(client);
      const errors: string[] = [];
      client.on('error', (error) => errors.push(error.code));
      try {
        // No autoConnect: nothing happens on its own (Socket.IO and Sockr used to connect in the constructor).
        await sleep(50);
        expect(client.state).toBe('idle');
        expect(events).toEqual([]);

        await client.connect();
        expect(events).toEqual(['state idle -> connecting', 'state connecting -> connected', 'connected object']);

        events.length = 0;
        server.faults.drop(protocol.target);
        await waitFor(() => connections(events) === 1, `${protocol.name} reconnected`);
        expect(events).toEqual([
          'state connected -> reconnecting',
          'disconnected willReconnect=true code=number',
          'reconnecting attempt=1 delay=number',
          'state reconnecting -> connecting',
          'state connecting -> connected',
          'connected object',
        ]);

        events.length = 0;
        client.close();
        expect(events).toEqual(['state connected -> closed', 'disconnected willReconnect=false code=number']);
        expect(errors.filter((code) => code !== 'DISCONNECTED')).toEqual([]);
      } finally {
        client.close();
      }
    });

    it(`${protocol.name}: autoConnect: true connects after the current task, so a listener added right away sees connecting`, async () => {
      const client: LifecycleClient = createClient({ ...protocol.options(), autoConnect: true });
      expect(client.state).toBe('idle');
      const events = record(client);
      try {
        await waitFor(() => connections(events) === 1, `${protocol.name} connected`);
        expect(events).toEqual(['state idle -> connecting', 'state connecting -> connected', 'connected object']);
      } finally {
        client.close();
      }
    });
  }

  it("a close() before autoConnect's turn wins: the client stays closed", async () => {
    const client = createClient({ ...protocols[0].options(), autoConnect: true });
    client.close();
    await sleep(50);
    expect(client.state).toBe('closed');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IgnisClient } from '@polysocket/ignis';
import { ignisModule, MockServer, type IgnisMock } from '@polysocket/mock-server';
import { waitFor } from '../support/wait';
import { CHAOS_SEED, ChaosSchedule, FULL, prng, serverTarget, type Fault } from './chaos-schedule';
import { activeTimers, RequestLedger } from './chaos-support';

/**
 * An Ignis client in rooms, with requests always in flight, under the seeded chaos schedule. After
 * every fault, once it is back, the server must have exactly the rooms the client wants (changed
 * while connected and while not), a fresh request must round-trip, and at the end every request made
 * under the chaos has settled (a reply, or a typed error) and the client is connected.
 */
const FAULTS = FULL ? 150 : 12;
const DEFAULT_ROOMS = ['ws-default', 'ws-notification'];

let server: MockServer;
let ignis: IgnisMock;
let client: IgnisClient | undefined;
let chaos: ChaosSchedule | undefined;

beforeAll(async () => {
  ignis = ignisModule();
  server = new MockServer({ modules: [ignis] });
  await server.listen();
});
afterAll(async () => {
  await chaos?.stop();
  client?.close();
  await server.close();
});

describe(`Ignis under chaos: rooms and requests across ${FAULTS} faults`, () => {
  it('rejoins exactly the wanted rooms after every fault, settles every request and never gets stuck', async () => {
    const timersBefore = activeTimers();
    const started = Date.now();
    const wanted = new Set(['room-0', 'room-1']);
    client = new IgnisClient({
      url: server.wsUrl('/ignis'),
      auth: { token: 'good-token' },
      rooms: [...wanted],
      heartbeatIntervalMs: 150,
      deadServerTimeoutMs: 300,
      backoff: { initialDelayMs: 30, maxDelayMs: 300, minDelayMs: 5 },
      browser: { network: null, document: null },
    });
    const c = client;
    await c.connect();

    // Room changes come from their own seeded stream, so the schedule's sequence stays the seed's.
    const random = prng(CHAOS_SEED + 1);
    let nextRoom = 2;
    const changeRooms = (): void => {
      if (wanted.size > 1 && random() < 0.4) {
        const rooms = [...wanted];
        const room = rooms[Math.floor(random() * rooms.length)];
        wanted.delete(room);
        c.leave(room);
      } else {
        const room = `room-${nextRoom++}`;
        wanted.add(room);
        c.join(room);
      }
    };
    const serverRooms = (): string[] | undefined => {
      const id = c.session?.clientId;
      const info = id === undefined ? undefined : ignis.client(id);
      return info ? [...info.rooms].sort() : undefined;
    };
    const expectedRooms = (): string[] => [...wanted, ...DEFAULT_ROOMS, c.session!.clientId].sort();
    const sameRooms = (): boolean => JSON.stringify(serverRooms()) === JSON.stringify(expectedRooms());

    const requests = new RequestLedger();
    let n = 0;
    const traffic = setInterval(() => {
      const sent = ++n;
      requests.track(
        c.request<{ n: number }>('echo', { n: sent }, { timeoutMs: 2_000 }),
        (reply) => reply.data?.n === sent,
      );
    }, 20);

    let session = c.session!.clientId;
    let checked = 0;
    const afterFault = async (fault: Fault): Promise<void> => {
      changeRooms(); // most likely while the link is down or coming back
      const newLink = fault.kind !== 'delay';
      await waitFor(
        () => c.state === 'connected' && (!newLink || c.session!.clientId !== session),
        `connected again after fault ${fault.n} (${fault.kind})`,
        30_000,
      );
      session = c.session!.clientId;
      changeRooms(); // while connected
      await waitFor(
        sameRooms,
        `the rooms after fault ${fault.n} (${fault.kind}): server ${JSON.stringify(serverRooms())}, wanted ${JSON.stringify(expectedRooms())}`,
        10_000,
      );
      const probe = await c.request<{ probe: number }>('echo', { probe: fault.n });
      expect(probe.data?.probe).toBe(fault.n);
      checked++;
    };
    chaos = new ChaosSchedule(serverTarget(server), { afterFault });
    chaos.start();
    try {
      await waitFor(() => chaos!.failed || checked >= FAULTS, `${FAULTS} faults checked`, 280_000);
    } finally {
      clearInterval(traffic);
      await chaos.stop();
    }

    await waitFor(() => c.state === 'connected', 'connected after the faults stopped', 30_000);
    await waitFor(() => requests.open === 0, `every request settled (${requests.open} open)`, 30_000);
    await waitFor(sameRooms, 'the rooms after the faults stopped', 10_000);
    console.info(
      `chaos/ignis: ${checked} faults checked (rooms and a round trip after each) in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `${chaos.summary()}; ${requests.summary()}; ${nextRoom - 2} rooms joined, ${nextRoom - wanted.size} left`,
    );
    expect(chaos.coveredAllKinds).toBe(true);
    expect(requests.strays).toEqual([]);
    expect(requests.resolved).toBeGreaterThan(0);
    expect(c.connection.pendingRequests).toBe(0);
    expect(c.connection.queued.messages).toBe(0);

    c.close();
    expect(c.state).toBe('closed');
    await waitFor(
      () => activeTimers() <= timersBefore,
      `timers back to ${timersBefore} (now ${activeTimers()})`,
      15_000,
    );
  });
});

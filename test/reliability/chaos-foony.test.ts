import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FoonyClient } from '@polysocket/foony';
import { foonyModule, MockServer, type FoonyMock } from '@polysocket/mock-server';
import { waitFor } from '../support/wait';
import { ChaosSchedule, FULL, serverTarget } from './chaos-schedule';
import { activeTimers, RequestLedger } from './chaos-support';

/**
 * A Foony subscriber under the seeded chaos schedule while the server publishes a numbered stream:
 * every message must reach the app once, in order (resume from the cursor, de-duplication), every
 * request made meanwhile must settle, and the client must end connected and leave no timer behind.
 */
const MESSAGES = FULL ? 20_000 : 2_000;
const MIN_FAULTS = FULL ? 60 : 10;
const PER_TICK = 5;
const TICK_MS = 10;
const CHANNEL = 'chaos';

let server: MockServer;
let foony: FoonyMock;
let client: FoonyClient | undefined;
let chaos: ChaosSchedule | undefined;

beforeAll(async () => {
  // The server keeps the whole stream, so any cursor can be resumed (a loss can only be the client's),
  // and replays 25 messages from before the cursor, as a coarse server cursor may (duplicates to drop).
  foony = foonyModule({ keepAliveMs: 200, historyLimit: MESSAGES + 1_000, resumeOverlap: 25 });
  server = new MockServer({ modules: [foony] });
  await server.listen();
});
afterAll(async () => {
  await chaos?.stop();
  client?.close();
  await server.close();
});

describe(`Foony under chaos: ${MESSAGES.toLocaleString('en')} messages`, () => {
  it('delivers every message once and in order, settles every request, ends connected and leaves no timer', async () => {
    const timersBefore = activeTimers();
    const started = Date.now();
    client = new FoonyClient({
      url: server.wsUrl('/foony'),
      token: 'valid-token',
      backoff: { initialDelayMs: 30, maxDelayMs: 300, minDelayMs: 5 },
      browser: { network: null, document: null },
    });
    const received: number[] = [];
    const violations: string[] = [];
    let lastSeen = -1;
    const channel = client.channel(CHANNEL);
    channel.subscribe((message) => {
      const seq = message.data as number;
      if (seq !== lastSeen + 1) violations.push(`got ${seq} after ${lastSeen}`);
      lastSeen = Math.max(lastSeen, seq);
      received.push(seq);
    });
    await client.connect();
    await waitFor(() => foony.subscriberCount(CHANNEL) === 1, 'the subscription');

    chaos = new ChaosSchedule(serverTarget(server));
    chaos.start();

    // The server publishes the stream; the client keeps asking for history and publishing on a side channel.
    const requests = new RequestLedger();
    const side = client.channel('side');
    let published = 0;
    const publisher = setInterval(() => {
      for (let i = 0; i < PER_TICK && published < MESSAGES; i++) foony.publish(CHANNEL, 'n', published++);
      if (published % 50 === 0) {
        requests.track(channel.history({ limit: 1, timeoutMs: 3_000 }));
        requests.track(side.publish('side', published, { timeoutMs: 3_000 }));
      }
    }, TICK_MS);
    try {
      await waitFor(
        () => chaos!.failed || (published === MESSAGES && chaos!.total >= MIN_FAULTS),
        'the stream and the faults',
        280_000,
      );
    } finally {
      clearInterval(publisher);
      await chaos.stop();
    }

    await waitFor(() => client!.state === 'connected', 'connected again after the faults stopped', 30_000);
    await waitFor(() => received.length >= MESSAGES, `every message (${received.length}/${MESSAGES})`, 60_000);
    // A sentinel behind the stream: anything still in flight (a late replay, a duplicate) arrives before it.
    foony.publish(CHANNEL, 'n', MESSAGES);
    await waitFor(() => lastSeen === MESSAGES, 'the sentinel', 30_000);
    await waitFor(() => requests.open === 0, `every request settled (${requests.open} open)`, 30_000);

    console.info(
      `chaos/foony: ${received.length - 1} messages + sentinel in ${((Date.now() - started) / 1000).toFixed(1)} s; ${chaos.summary()}; ${requests.summary()}`,
    );
    expect(violations).toEqual([]);
    expect(received).toEqual(Array.from({ length: MESSAGES + 1 }, (_, i) => i));
    expect(chaos.coveredAllKinds).toBe(true);
    expect(requests.strays).toEqual([]);
    expect(requests.resolved).toBeGreaterThan(0);
    expect(client.connection.pendingRequests).toBe(0);
    expect(client.connection.queued.messages).toBe(0);
    expect(client.state).toBe('connected');

    client.close();
    expect(client.state).toBe('closed');
    // close() leaves no timer of the client's running: back to what there was before it existed.
    await waitFor(
      () => activeTimers() <= timersBefore,
      `timers back to ${timersBefore} (now ${activeTimers()})`,
      15_000,
    );
  });
});

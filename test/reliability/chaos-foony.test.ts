import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FoonyClient, foonySeedWire } from '@polysocket/foony';
import { foonyModule, MockServer, type FoonyMock } from '@polysocket/mock-server';
import { waitFor } from '../support/wait';
import { ChaosSchedule, FULL, serverTarget } from './chaos-schedule';
import { activeTimers, RequestLedger } from './chaos-support';

/**
 * A Foony subscriber under the seeded chaos schedule while the server publishes a numbered stream, on each wire:
 * every message must reach the app once, in order (resume from the cursor, de-duplication; on the binary wire
 * resume by serial, and gaps — some serials are never delivered live — filled by fetch), every request made
 * meanwhile must settle, every publish must be stored once (the binary wire resends with its message id), and the
 * client must end connected and leave no timer behind.
 */
const MESSAGES = FULL ? 20_000 : 2_000;
const MIN_FAULTS = FULL ? 60 : 10;
const PER_TICK = 5;
const TICK_MS = 10;
const CHANNEL = 'chaos';

/** Serials the binary wire never delivers live: a gap the client must fetch before what follows it. */
// Every 100th: a gap that falls while the client is away is healed by the resume's replay instead, so many are needed.
const GAPS = Array.from({ length: Math.floor(MESSAGES / 100) }, (_, i) => 50 + i * 100);

describe.each(['json', 'binary'] as const)(
  `Foony (%s wire) under chaos: ${MESSAGES.toLocaleString('en')} messages`,
  (wire) => {
    let server: MockServer;
    let foony: FoonyMock;
    let client: FoonyClient | undefined;
    let chaos: ChaosSchedule | undefined;

    beforeAll(async () => {
      // The server keeps the whole stream, so any cursor can be resumed (a loss can only be the client's),
      // and replays 25 messages from before the cursor, as a coarse server cursor may (duplicates to drop; seed wire).
      foony = foonyModule({ keepAliveMs: 200, historyLimit: MESSAGES + 1_000, resumeOverlap: 25 });
      server = new MockServer({ modules: [foony] });
      await server.listen();
    });
    afterAll(async () => {
      await chaos?.stop();
      client?.close();
      await server.close();
    });

    it('delivers every message once and in order, settles every request, stores every publish once, ends connected and leaves no timer', async () => {
      const timersBefore = activeTimers();
      const started = Date.now();
      client = new FoonyClient({
        url: server.wsUrl('/foony'),
        token: 'valid-token',
        backoff: { initialDelayMs: 30, maxDelayMs: 300, minDelayMs: 5 },
        browser: { network: null, document: null },
        // The default wire is the binary records; the seed's JSON wire is the module.
        ...(wire === 'json' ? { wire: foonySeedWire } : {}),
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

      if (wire === 'binary')
        foony.dropLive(
          CHANNEL,
          GAPS.map((i) => i + 1),
        );
      chaos = new ChaosSchedule(serverTarget(server));
      chaos.start();

      // The server publishes the stream; the client keeps asking for history and publishing on a side channel.
      const requests = new RequestLedger();
      const side = client.channel('side');
      const sidePublished: number[] = [];
      let published = 0;
      const publisher = setInterval(() => {
        for (let i = 0; i < PER_TICK && published < MESSAGES; i++) foony.publish(CHANNEL, 'n', published++);
        if (published % 50 === 0) {
          requests.track(channel.history({ limit: 1, timeoutMs: 3_000 }));
          const value = published;
          requests.track(side.publish('side', value, { timeoutMs: 3_000 }).then(() => void sidePublished.push(value)));
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
        `chaos/foony (${wire}): ${received.length - 1} messages + sentinel in ${((Date.now() - started) / 1000).toFixed(1)} s; ${chaos.summary()}; ${requests.summary()}`,
      );
      expect(violations).toEqual([]);
      expect(received).toEqual(Array.from({ length: MESSAGES + 1 }, (_, i) => i));
      expect(chaos.coveredAllKinds).toBe(true);
      expect(requests.strays).toEqual([]);
      expect(requests.resolved).toBeGreaterThan(0);
      expect(client.connection.pendingRequests).toBe(0);
      expect(client.connection.queued.messages).toBe(0);
      expect(client.state).toBe('connected');
      const stored = foony.historyOf('side').map((m) => m.data as number);
      // Every acknowledged publish is stored; on the binary wire, resent ones are stored once.
      for (const value of sidePublished) expect(stored).toContain(value);
      if (wire === 'binary') {
        expect(new Set(stored).size).toBe(stored.length);
        expect(foony.requestsFor(CHANNEL).fetch).toBeGreaterThanOrEqual(1);
      }
      console.info(
        `chaos/foony (${wire}): side publishes resent ${foony.requestsFor('side').resent}, fetches ${foony.requestsFor(CHANNEL).fetch}`,
      );

      client.close();
      expect(client.state).toBe('closed');
      // close() leaves no timer of the client's running: back to what there was before it existed.
      await waitFor(
        () => activeTimers() <= timersBefore,
        `timers back to ${timersBefore} (now ${activeTimers()})`,
        15_000,
      );
    });
  },
);

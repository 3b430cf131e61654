import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolySocketError } from '@polysocket/core';
import { MockServer, sockrModule, type SockrMock } from '@polysocket/mock-server';
import { SockrClient } from '@polysocket/sockr';
import type { SockrUserFaults } from '@polysocket/mock-server';
import { sleep, waitFor } from '../support/wait';
import { ChaosSchedule, FULL } from './chaos-schedule';
import { activeTimers } from './chaos-support';

/**
 * Sockr direct messages from a sender to a receiver whose links are both hit by the seeded chaos
 * schedule (drops, half-open silences, delayed packets, refused reconnects, restarts), through the mock
 * server's per-user Sockr faults (`sockr.faultsFor`). The sender's client writes a message again after a
 * drop (same clientMessageId); the app retries a send that still fails with a typed error, as an app
 * would. The receiver must see every message the server stored exactly once (live, from the offline
 * queue, or caught up from history after a reconnect), a resent copy (same clientMessageId) included.
 */
const DMS = FULL ? 2_000 : 200;
const MIN_FAULTS = FULL ? 60 : 10;
const MAX_TRIES = 50;
const SENDER = 'alice';
const RECEIVER = 'bob';

let server: MockServer;
let sockr: SockrMock;
const clients: SockrClient[] = [];
let chaos: ChaosSchedule | undefined;

beforeAll(async () => {
  // Short Engine.IO heartbeats, so a half-open link is noticed within a second.
  sockr = sockrModule({ pingInterval: 400, pingTimeout: 400 });
  server = new MockServer({ modules: [sockr] });
  await server.listen();
});
afterAll(async () => {
  await chaos?.stop();
  for (const client of clients) client.close();
  await server.close();
});

function client(user: string): SockrClient {
  const c = new SockrClient({
    url: server.url,
    token: `token:${user}`,
    autoConnect: false,
    requestTimeoutMs: 3_000,
    backoff: { initialDelayMs: 30, maxDelayMs: 300, minDelayMs: 5 },
    browser: { network: null, document: null },
  });
  clients.push(c);
  return c;
}

describe(`Sockr under chaos: ${DMS.toLocaleString('en')} direct messages`, () => {
  it('delivers every stored message to the receiver exactly once across its drops, and both clients end connected', async () => {
    const timersBefore = activeTimers();
    const started = Date.now();
    const sender = client(SENDER);
    const receiver = client(RECEIVER);
    // Keyed by clientMessageId: a copy the sender wrote again after a drop is stored under a second messageId.
    const deliveries = new Map<string, number>();
    let sentinel = false;
    receiver.on('message', (message) => {
      const key = keyOf(message.messageId, message.metadata);
      deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
      if (message.content === 'end') sentinel = true;
    });
    await Promise.all([sender.connect(), receiver.connect()]);
    // Catch-up can only page conversations the receiver knows of (Sockr has no "my conversations" call),
    // so it hears from the sender once before the chaos starts.
    await sender.sendMessage(RECEIVER, 'hello');
    await waitFor(() => deliveries.size === 1, 'the first message');

    // Each fault waits for the receiver to be back, so the next one hits a live link (the losses that
    // matter: messages the server wrote to a link that was dying, and counts delivered).
    chaos = new ChaosSchedule(both(sockr.faultsFor(SENDER), sockr.faultsFor(RECEIVER)), {
      afterFault: () =>
        waitFor(
          () => sender.state === 'connected' && receiver.state === 'connected',
          'both back after a fault',
          30_000,
        ),
    });
    chaos.start();

    const sendErrors: Record<string, number> = {};
    const strays: unknown[] = [];
    const retriedAfterMaybeDelivered = new Set<number>();
    let sent = 0;
    const sending = (async () => {
      for (let i = 0; i < DMS; i++) {
        for (let attempt = 1; ; attempt++) {
          try {
            await sender.sendMessage(RECEIVER, `dm-${i}`);
            break;
          } catch (error) {
            if (!(error instanceof PolySocketError) || attempt >= MAX_TRIES) {
              strays.push(error);
              break;
            }
            sendErrors[error.code] = (sendErrors[error.code] ?? 0) + 1;
            if (error.maybeDelivered) retriedAfterMaybeDelivered.add(i);
            await sleep(20);
          }
        }
        sent = i + 1;
        await sleep(8); // about 100 messages a second, so the stream spans many faults
      }
    })();
    try {
      await waitFor(
        () => chaos!.failed || (sent === DMS && chaos!.total >= MIN_FAULTS),
        'the messages and the faults',
        280_000,
      );
    } finally {
      await chaos.stop();
      await sending;
    }

    await waitFor(
      () => sender.state === 'connected' && receiver.state === 'connected',
      'both connected after the faults stopped',
      30_000,
    );
    const storedNow = () => sockr.messages.filter((m) => m.from === SENDER && m.to === RECEIVER);
    await waitFor(
      () => storedNow().every((m) => deliveries.has(keyOf(m.id, m.metadata))),
      `every stored message delivered (${deliveries.size}/${storedNow().length})`,
      60_000,
    );
    await sender.sendMessage(RECEIVER, 'end');
    await waitFor(() => sentinel, 'the sentinel', 30_000);
    const stored = storedNow();

    // Distinct sends stored per content: a resend keeps its clientMessageId, only an app retry makes a new one.
    const sends = new Map<string, Set<string>>();
    for (const m of stored) sends.set(m.content, (sends.get(m.content) ?? new Set()).add(keyOf(m.id, m.metadata)));
    const copies = new Map([...sends].map(([content, keys]) => [content, keys.size]));
    const storedKeys = new Set(stored.map((m) => keyOf(m.id, m.metadata)));
    const duplicated = [...deliveries].filter(([, n]) => n !== 1);
    const unexplained = [...copies].filter(
      ([content, n]) => n > 1 && !retriedAfterMaybeDelivered.has(Number(content.slice(3))),
    );
    console.info(
      `chaos/sockr: ${DMS} messages (${stored.length - 2} stored copies incl. resends and retries) in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `${chaos.summary()}; sender retries ${JSON.stringify(sendErrors)}`,
    );
    expect(strays).toEqual([]);
    expect(duplicated).toEqual([]);
    expect(deliveries.size).toBe(storedKeys.size);
    for (let i = 0; i < DMS; i++) expect(copies.has(`dm-${i}`), `dm-${i} stored`).toBe(true);
    // A second stored copy only comes from a retry of a send that may have gone through.
    expect(unexplained).toEqual([]);
    expect(chaos.coveredAllKinds).toBe(true);

    sender.close();
    receiver.close();
    expect([sender.state, receiver.state]).toEqual(['closed', 'closed']);
    await waitFor(
      () => activeTimers() <= timersBefore,
      `timers back to ${timersBefore} (now ${activeTimers()})`,
      15_000,
    );
  });
});

function keyOf(messageId: string, metadata: Record<string, unknown> | undefined): string {
  return typeof metadata?.clientMessageId === 'string' ? metadata.clientMessageId : messageId;
}

/** Drops, silences and delays hit both users' links; refusals and restarts are server-wide anyway. */
function both(a: SockrUserFaults, b: SockrUserFaults): SockrUserFaults {
  return {
    drop: () => a.drop() + b.drop(),
    silence: () => a.silence() + b.silence(),
    delay: (ms) => {
      a.delay(ms);
      b.delay(ms);
    },
    refuse: (ms) => a.refuse(ms),
    restart: (downMs) => a.restart(downMs),
  };
}

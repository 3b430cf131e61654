import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FoonyClient } from '@polysocket/foony';
import { foonyModule, MockServer } from '@polysocket/mock-server';
import { waitFor } from '../support/wait';

/**
 * A reconnect storm on loopback: 200 clients, a server that goes away for 300 ms and comes back. Every
 * client must come back, none may retry sooner than the delay it announced, and the reconnects must be
 * spread out rather than arriving in lockstep. Bounded: 200 clients, one restart, 20 s at most.
 */
const CLIENTS = 200;

let server: MockServer;
const clients: FoonyClient[] = [];

beforeAll(async () => {
  server = new MockServer({ modules: [foonyModule({ keepAliveMs: 0 })] });
  await server.listen();
});
afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe(`a reconnect storm of ${CLIENTS} clients`, () => {
  it('spreads the reconnects, respects every backoff delay and leaves nobody stuck', async () => {
    const schedule: { announcedAt: number; delayMs: number; startedAt?: number }[][] = [];
    const reconnectedAt: number[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const client = new FoonyClient({ url: server.wsUrl('/foony'), token: 'valid-token', browser: { network: null, document: null } });
      const own: (typeof schedule)[number] = [];
      schedule.push(own);
      client.on('reconnecting', ({ delayMs }) => own.push({ announcedAt: performance.now(), delayMs }));
      client.on('state', (state) => {
        if (state === 'connecting' && own.length > 0 && own[own.length - 1].startedAt === undefined) own[own.length - 1].startedAt = performance.now();
      });
      clients.push(client);
    }
    await Promise.all(clients.map((c) => c.connect()));
    expect(server.connections('/foony')).toHaveLength(CLIENTS);

    const restartedAt = performance.now();
    await server.restart(300);
    const backAt = performance.now();
    for (const [i, client] of clients.entries()) client.once('connected', () => (reconnectedAt[i] = performance.now() - backAt));
    await waitFor(() => clients.every((c) => c.state === 'connected'), 'every client back', 20_000);

    // Nobody retried before its own announced delay (5 ms of timer slack).
    for (const attempts of schedule) {
      for (const attempt of attempts) {
        if (attempt.startedAt !== undefined) expect(attempt.startedAt - attempt.announcedAt).toBeGreaterThanOrEqual(attempt.delayMs - 5);
      }
    }
    // Spread: the reconnects are not in lockstep.
    const times = reconnectedAt.filter((t) => t !== undefined).sort((a, b) => a - b);
    const p10 = percentile(times, 10);
    const p50 = percentile(times, 50);
    const p90 = percentile(times, 90);
    const delays = schedule.flatMap((attempts) => attempts.map((a) => a.delayMs));
    console.info(
      `reconnect storm: ${CLIENTS} clients, down ${Math.round(backAt - restartedAt)} ms; back after p10 ${Math.round(p10)} ms, p50 ${Math.round(p50)} ms, p90 ${Math.round(p90)} ms, max ${Math.round(times[times.length - 1])} ms; ` +
        `${delays.length} retries, delays ${Math.round(Math.min(...delays))}–${Math.round(Math.max(...delays))} ms`,
    );
    expect(p90 - p10).toBeGreaterThan(300);
    expect(new Set(delays.map((d) => Math.round(d / 10))).size).toBeGreaterThan(CLIENTS / 4);
    expect(server.connections('/foony')).toHaveLength(CLIENTS);
  });
});

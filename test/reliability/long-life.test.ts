import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, SOCKETIO_POLLING, type Rig } from './support/adapters';
import {
  activeResources,
  atOrBelow,
  CountingTarget,
  MB,
  mb,
  processListeners,
  quietResources,
  settledHeap,
  type HeapFigure,
} from './support/leaks';
import { waitFor } from '../support/wait';

/**
 * Long life, per adapter, on loopback sockets: thousands of connect/close cycles, then one session
 * that receives a long stream from the server. Afterwards the heap (after GC) has grown by less than
 * 2 MB since a warmed-up baseline, Node holds no more handles than before, and every emitter, the
 * browser hooks and `process` carry exactly the listeners they had. The quick run (npm test) uses
 * small counts; RELIABILITY_FULL=1 runs 10,000 cycles and 100,000 messages per adapter.
 *
 * The warm-up is long because the JIT keeps optimising for the first ~3,000 cycles (about 1.5 MB
 * of code and feedback, then flat); a baseline taken after it leaves leaks, not compilation, to measure.
 */
const FULL = process.env.RELIABILITY_FULL === '1';
const CYCLES = FULL ? 10_000 : 600;
const WARMUP_CYCLES = FULL ? 3_000 : 200;
const MESSAGES = FULL ? 100_000 : 10_000;
const WARMUP_MESSAGES = FULL ? 10_000 : 2_000;
/** Messages the server sends before it waits for the client to have them all (bounds the socket buffers). */
const BATCH = 1_000;
const HEAP_LIMIT = 2 * MB;
/** Socket.IO over long-polling too in the full run (each check there waits out fetch's ~4 s keep-alive sockets). */
const RIGS = FULL ? [...ADAPTERS, SOCKETIO_POLLING] : ADAPTERS;

function growth(before: HeapFigure, after: HeapFigure): string {
  return `heap growth ${mb(after.used - before.used)} (compiled code ${mb(after.code - before.code)})`;
}

describe.each(RIGS.map((adapter) => [adapter.name, adapter] as const))('long life: %s', (_name, adapter) => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await adapter.start();
  });
  afterAll(async () => {
    await rig.close();
  });

  const serverIdle = (): Promise<void> =>
    waitFor(
      () => rig.serverSessions() === 0 && rig.server.connections().length === 0,
      'the server to see every close',
      10_000,
    );
  const handlesBackTo = (baseline: Record<string, number>): Promise<void> =>
    waitFor(
      () => atOrBelow(baseline),
      `handles back to baseline (now ${JSON.stringify(activeResources())}, before ${JSON.stringify(baseline)})`,
      10_000,
    );

  it(`${CYCLES.toLocaleString('en')} connect/close cycles: heap, handles and listeners back where they were`, async () => {
    const handles = await quietResources();
    const onProcess = processListeners();
    const network = new CountingTarget();
    const document = new CountingTarget();
    const client = rig.client(0, { network, document });
    // What an app registers: these must still be there at the end, and nothing else.
    let sessions = 0;
    client.onState((state) => void (state === 'connected' && sessions++));
    client.onStream(() => undefined);
    const listeners = client.listenerCounts();
    let fresh = 0;
    let expectedSessions = 0;

    // Every third cycle is closed while connecting; every tenth is a fresh client (module-level state).
    const cycle = async (i: number): Promise<void> => {
      if (i % 10 === 9) {
        const other = rig.client(1 + (fresh++ % 50), { network, document });
        await other.connect();
        other.close();
        return;
      }
      const ready = client.connect();
      if (i % 3 === 2) {
        client.close();
        await ready.catch(() => undefined);
        return;
      }
      await ready;
      expectedSessions++;
      client.close();
    };

    const startedAt = performance.now();
    for (let i = 0; i < WARMUP_CYCLES; i++) await cycle(i);
    await serverIdle();
    rig.trimServerLogs();
    const before = await settledHeap();
    for (let i = 0; i < CYCLES; i++) await cycle(i);
    await serverIdle();
    await handlesBackTo(handles);
    rig.trimServerLogs();
    const after = await settledHeap();
    const seconds = (performance.now() - startedAt) / 1000;

    console.info(
      `long life ${rig.name}: ${WARMUP_CYCLES.toLocaleString('en')} + ${CYCLES.toLocaleString('en')} cycles in ${seconds.toFixed(1)} s, ${growth(before, after)}`,
    );
    expect(sessions).toBe(expectedSessions);
    expect(fresh).toBe((WARMUP_CYCLES + CYCLES) / 10);
    expect(client.state).toBe('closed');
    expect(client.listenerCounts()).toEqual(listeners);
    expect(network.listeners + document.listeners).toBe(0);
    expect(processListeners()).toEqual(onProcess);
    expect(after.used - before.used).toBeLessThan(HEAP_LIMIT);
  });

  it(`a ${MESSAGES.toLocaleString('en')}-message session: each message once, in order; heap, handles and listeners back where they were`, async () => {
    const handles = await quietResources();
    const network = new CountingTarget();
    const document = new CountingTarget();
    const client = rig.client(0, { network, document });
    let received = 0;
    let outOfOrder = 0;
    client.onStream((n) => {
      if (n !== received) outOfOrder++;
      received++;
    });
    const listeners = client.listenerCounts();
    await client.connect();
    await waitFor(
      () => rig.serverSessions() === 1 && client.streamReady(),
      'the session and its subscription on the server',
    );

    let sent = 0;
    const streamUpTo = async (total: number): Promise<void> => {
      while (sent < total) {
        const end = Math.min(total, sent + BATCH);
        while (sent < end) rig.push(sent++);
        await waitFor(
          () => received === sent || outOfOrder > 0,
          `message ${sent} to arrive (have ${received})`,
          20_000,
        );
      }
    };
    const startedAt = performance.now();
    await streamUpTo(WARMUP_MESSAGES);
    rig.trimServerLogs();
    const before = await settledHeap();
    await streamUpTo(MESSAGES);
    rig.trimServerLogs();
    const after = await settledHeap();
    const seconds = (performance.now() - startedAt) / 1000;

    client.close();
    await serverIdle();
    await handlesBackTo(handles);
    console.info(
      `long life ${rig.name}: ${MESSAGES.toLocaleString('en')} messages in ${seconds.toFixed(1)} s, ${growth(before, after)}`,
    );
    expect(outOfOrder).toBe(0);
    expect(received).toBe(MESSAGES);
    expect(client.state).toBe('closed');
    expect(client.listenerCounts()).toEqual(listeners);
    expect(network.listeners + document.listeners).toBe(0);
    expect(after.used - before.used).toBeLessThan(HEAP_LIMIT);
  });
});

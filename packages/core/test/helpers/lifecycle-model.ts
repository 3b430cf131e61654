import fc from 'fast-check';
import { vi } from 'vitest';
import { type PolySocketError, type ConnectionState, type MemoryPeer } from '@polysocket/core';
import { clientPingHeartbeat } from './echo-protocol';
import { harness, type Harness } from './client';
import { advance, flush } from './flush';

/**
 * A model-based test of the core's lifecycle (issue 14): random interleavings of app calls — also made
 * from inside every listener — with server and browser events, over the in-memory transport and fake
 * timers. After every step the invariants below must hold. It has no model of *what* should happen; it
 * checks that whatever happened is coherent: the state, the events and every settled promise agree, and
 * nothing is left running after the client ends.
 */

export type AppAction = 'connect' | 'close' | 'reconnect' | 'send' | 'request';
export type ListenedEvent = 'state' | 'connected' | 'disconnected' | 'reconnecting' | 'error';

interface Tracked {
  kind: 'connect' | 'send' | 'request';
  /** Index in `transitions` at the call, and the state then. */
  at: number;
  stateAtCall: ConnectionState;
  calledAt: number;
  outcome?: { ok: true } | { ok: false; error: PolySocketError };
}

export interface Real {
  h: Harness;
  window: EventTarget;
  document: EventTarget & { visibilityState: string };
  navigator: { onLine: boolean };
  token: { value: string };
  transitions: { previous: ConnectionState; next: ConnectionState }[];
  /** The page is in the back/forward cache (between a persisted pagehide and pageshow). */
  asleep: boolean;
  disconnects: number;
  tracked: Tracked[];
  unhandled: unknown[];
}

const CONNECT_WAIT_MS = 20_000;

export function newReal(unhandled: unknown[]): Real {
  const window = new EventTarget();
  const document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  const navigator = { onLine: true };
  const token = { value: 'good-token' };
  const h = harness({
    protocol: { token: () => token.value, heartbeat: clientPingHeartbeat(1000, 500), streams: ['s'] },
    server: { badTokens: new Set(['bad-token']) },
    connection: {
      browser: { network: window, document, navigator },
      connectTimeoutMs: 2000,
      outbox: { maxMessages: 20 },
      random: Math.random,
    },
  });
  const real: Real = {
    h,
    window,
    document,
    navigator,
    token,
    transitions: [],
    asleep: false,
    disconnects: 0,
    tracked: [],
    unhandled,
  };
  // Registered first, so they see each event before any armed listener acts on it.
  h.client.on('state', (next, previous) => real.transitions.push({ previous, next }));
  h.client.on('disconnected', () => real.disconnects++);
  return real;
}

function track(real: Real, kind: Tracked['kind'], call: () => Promise<unknown>): void {
  const entry: Tracked = { kind, at: real.transitions.length, stateAtCall: real.h.client.state, calledAt: Date.now() };
  real.tracked.push(entry);
  call().then(
    () => (entry.outcome = { ok: true }),
    (error: PolySocketError) => (entry.outcome = { ok: false, error }),
  );
}

export function act(real: Real, action: AppAction): void {
  const client = real.h.client;
  switch (action) {
    case 'connect':
      return track(real, 'connect', () => client.connect());
    case 'close':
      return client.close();
    case 'reconnect':
      return client.reconnect();
    case 'send':
      return track(real, 'send', () => client.send({ t: 'msg', body: 'x' }));
    case 'request':
      return track(real, 'request', () => client.request((id) => ({ t: 'req', id, body: 'r' }), { timeoutMs: 3000 }));
  }
}

/** Makes the next `event` (for `state`: the next change to `when`) run `action` from inside its listener. */
export function arm(real: Real, event: ListenedEvent, when: ConnectionState, action: AppAction): void {
  const listener = (state?: unknown): void => {
    if (event === 'state' && state !== when) return;
    real.h.client.off(event, listener as never);
    act(real, action);
  };
  real.h.client.on(event, listener as never);
}

/** One step run by hand, as a command would run it, with the invariants checked after it. */
export async function step(real: Real, name: string, run: (real: Real) => void | Promise<void>): Promise<void> {
  await run(real);
  await settle(real);
  checkInvariants(real, name);
}

function openPeer(real: Real): MemoryPeer | undefined {
  return real.h.echo.server.open.at(-1);
}

const appAction = fc.constantFrom<AppAction>('connect', 'close', 'reconnect', 'send', 'request');
const states: ConnectionState[] = ['connecting', 'connected', 'reconnecting', 'closed', 'failed'];

type Command = fc.AsyncCommand<object, Real>;

function command(name: string, run: (real: Real) => void | Promise<void>): Command {
  return {
    check: () => true,
    async run(_model, real) {
      await run(real);
      await settle(real);
      checkInvariants(real, name);
    },
    toString: () => name,
  };
}

/** Every command the sequences are made of; app calls, listeners and time come up more often than the rest. */
export function commands(): fc.Arbitrary<Command>[] {
  const app = appAction.map((action) => command(action, (real) => act(real, action)));
  const armed = fc
    .tuple(
      fc.constantFrom<ListenedEvent>('state', 'connected', 'disconnected', 'reconnecting', 'error'),
      fc.constantFrom(...states),
      appAction,
    )
    .map(([event, when, action]) =>
      command(`in ${event}${event === 'state' ? `(${when})` : ''}: ${action}`, (real) =>
        arm(real, event, when, action),
      ),
    );
  const time = fc
    .constantFrom(0, 1, 10, 100, 300, 600, 1000, 2500, 5000, 20_000)
    .map((ms) => command(`advance ${ms} ms`, () => advance(ms)));
  const drop = fc.constant(command('server: drop', (real) => openPeer(real)?.drop()));
  return [
    app,
    app,
    app,
    armed,
    armed,
    armed,
    time,
    time,
    time,
    drop,
    drop,
    fc.constant(command('server: close 4000', (real) => openPeer(real)?.close(4000, 'bye'))),
    fc.constant(
      command('server: silence', (real) => {
        const peer = openPeer(real);
        if (peer) {
          peer.silent = true;
          peer.answerPings = false;
        }
      }),
    ),
    fc.boolean().map((on) => command(`server: refuse ${on}`, (real) => void (real.h.echo.server.refuse = on))),
    fc
      .boolean()
      .map((on) => command(`server: ignore hello ${on}`, (real) => void (real.h.echo.behaviour.ignoreHello = on))),
    fc
      .boolean()
      .map((on) => command(`server: hold requests ${on}`, (real) => void (real.h.echo.behaviour.holdRequests = on))),
    fc
      .boolean()
      .map((bad) =>
        command(
          `token ${bad ? 'refused' : 'good'}`,
          (real) => void (real.token.value = bad ? 'bad-token' : 'good-token'),
        ),
      ),
    fc.constant(
      command('server: frame', (real) => {
        const peer = openPeer(real);
        if (peer) real.h.echo.sendTo(peer, { t: 'msg', body: 'from server' });
      }),
    ),
    fc.constant(command('server: garbage', (real) => openPeer(real)?.send('{not json'))),
    fc.constantFrom('offline', 'online').map((type) =>
      command(`browser: ${type}`, (real) => {
        real.navigator.onLine = type === 'online';
        real.window.dispatchEvent(new Event(type));
      }),
    ),
    fc.constantFrom('pagehide', 'pageshow').map((type) =>
      command(`browser: ${type} persisted`, (real) => {
        real.asleep = type === 'pagehide';
        real.window.dispatchEvent(Object.assign(new Event(type), { persisted: true }));
      }),
    ),
    fc.constant(command('browser: visible', (real) => void real.document.dispatchEvent(new Event('visibilitychange')))),
  ];
}

/** A sequence: most start with `connect()` (the rest stay idle until a command connects them). */
export function sequences(maxCommands: number): fc.Arbitrary<{ connectFirst: boolean; steps: Iterable<Command> }> {
  return fc.record({
    connectFirst: fc.boolean(),
    steps: fc.commands(commands(), { maxCommands, size: 'max' }),
  });
}

async function settle(real: Real): Promise<void> {
  await flush();
  // Unhandled rejections are reported after the microtasks drain, on a real (not faked) macrotask.
  await new Promise((resolve) => setImmediate(resolve));
  await flush();
  void real;
}

/** Closes the client at the end of a sequence and checks what is left. */
export async function finish(real: Real): Promise<void> {
  // An armed listener may reopen the client from its `closed` notification: close until it stays closed.
  for (let i = 0; i < 5 && real.h.client.state !== 'closed'; i++) {
    real.h.client.close();
    await settle(real);
  }
  checkInvariants(real, 'final close');
  if (real.h.client.state !== 'closed') throw new Error('the client did not stay closed');
}

function fail(step: string, message: string): never {
  throw new Error(`after "${step}": ${message}`);
}

function transitionAfter(real: Real, index: number, next: ConnectionState): boolean {
  return real.transitions.slice(index).some((t) => t.next === next);
}

export function checkInvariants(real: Real, step: string): void {
  const { client, echo } = real.h;
  const state = client.state;
  if (real.unhandled.length > 0) fail(step, `unhandled rejection: ${String(real.unhandled[0])}`);

  // The events form one chain that ends in the state the client is in.
  let previous: ConnectionState = 'idle';
  for (const t of real.transitions) {
    if (t.previous !== previous) fail(step, `state event ${t.previous} → ${t.next} after ${previous}`);
    previous = t.next;
  }
  if (previous !== state) fail(step, `the last state event says ${previous}, the client is ${state}`);

  // One `disconnected` per session that ended.
  const ended = real.transitions.filter((t) => t.previous === 'connected').length;
  if (real.disconnects !== ended)
    fail(step, `${real.disconnects} disconnected events for ${ended} sessions that ended`);

  // Nothing runs, and no socket is open, once the client has ended (or before it started).
  const open = echo.server.open.length;
  if (state === 'closed' || state === 'failed' || state === 'idle') {
    if (open !== 0) fail(step, `${open} open transport(s) while ${state}`);
    if (vi.getTimerCount() !== 0) fail(step, `${vi.getTimerCount()} timer(s) left while ${state}`);
  } else if (state === 'reconnecting' && open !== 0) {
    fail(step, `${open} open transport(s) while reconnecting`);
  } else if (open > 1) {
    fail(step, `${open} open transports`);
  }
  // A state that can be left has a timer that leaves it (connect timeout, retry); asleep, the page brings it back.
  if ((state === 'connecting' || (state === 'reconnecting' && !real.asleep)) && vi.getTimerCount() === 0) {
    fail(step, `${state} with no timer to leave it`);
  }

  // Every settled promise agrees with what happened after its call.
  for (const entry of real.tracked) {
    const outcome = entry.outcome;
    if (!outcome) continue;
    if (entry.kind === 'connect') {
      if (outcome.ok) {
        if (entry.stateAtCall !== 'connected' && !transitionAfter(real, entry.at, 'connected'))
          fail(step, 'connect() resolved without a connected state');
        continue;
      }
      const { code } = outcome.error;
      if (code === 'CLOSED' && !transitionAfter(real, entry.at, 'closed'))
        fail(step, 'connect() rejected CLOSED but the client was not closed after the call');
      if (code === 'TIMEOUT' && Date.now() - entry.calledAt < CONNECT_WAIT_MS)
        fail(step, 'connect() gave up before connectWaitMs');
      if (code !== 'CLOSED' && code !== 'TIMEOUT' && !transitionAfter(real, entry.at, 'failed')) {
        fail(step, `connect() rejected ${code} but the client did not fail`);
      }
      continue;
    }
    if (outcome.ok) continue;
    const { code, maybeDelivered } = outcome.error;
    if (code === 'INVALID' && entry.stateAtCall !== 'idle')
      fail(step, `${entry.kind} refused INVALID while ${entry.stateAtCall}`);
    if (code === 'CLOSED') {
      const ended =
        entry.stateAtCall === 'closed' || entry.stateAtCall === 'failed' || transitionAfter(real, entry.at, 'closed');
      if (!ended) fail(step, `${entry.kind} rejected CLOSED but the client was not closed`);
    }
    if (code === 'DISCONNECTED' && entry.kind === 'request' && !maybeDelivered)
      fail(step, 'a request lost with the link did not say it may have been delivered');
  }
}

/** Timers and the clock are faked; setImmediate stays real, so unhandled rejections surface between steps. */
export const MODEL_FAKE_TIMERS: Parameters<typeof vi.useFakeTimers>[0] = {
  toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
};

/** Runs `numRuns` random sequences from `seed`; a failure is shrunk to the shortest sequence that shows it. */
export async function runModel(numRuns: number, seed: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(sequences(60), async ({ connectFirst, steps }) => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      const real = newReal(unhandled);
      try {
        if (connectFirst) act(real, 'connect');
        await fc.asyncModelRun(() => ({ model: {}, real }), steps);
        await finish(real);
      } finally {
        process.off('unhandledRejection', onUnhandled);
        real.h.client.close();
        vi.clearAllTimers();
      }
    }),
    { numRuns, seed },
  );
}

import { fileURLToPath } from 'node:url';
import type { Browser, CDPSession, Page } from 'playwright-core';
import {
  foonyModule,
  ignisModule,
  MockServer,
  sockrModule,
  staticModule,
  type FoonyMock,
  type IgnisMock,
  type MockConnection,
  type SockrMock,
} from '@polysocket/mock-server';
import { buildPlaygroundBundle } from '../../../scripts/playground';
import { launchChromium } from './chromium';

/** One entry of `window.harness.log` (test/browser/fixtures/offline-harness.js); `t` is the page's performance.now(). */
export type LogEntry = { t: number } & (
  | { kind: 'state'; state: string; previous: string }
  | { kind: 'offline' | 'online'; onLine: boolean }
  | { kind: 'pagehide' | 'pageshow'; persisted: boolean }
  | { kind: 'visibility'; value: string }
  | { kind: 'recv'; stream: string; label: unknown; id?: string }
  | { kind: 'send' | 'sent'; label: string }
  | { kind: 'send-failed'; label: string; code?: string }
  | { kind: 'error'; code: string; message: string }
);

export interface Harness {
  readonly log: LogEntry[];
  readonly state: string;
  readonly onLine: boolean;
  connect(options: Record<string, unknown>): Promise<string>;
  subscribeTicks(): () => void;
  send(label: string): void;
  authenticate(token: string): void;
  close(): void;
}

declare global {
  interface Window {
    harness: Harness;
  }
}

/** What the server saw: WebSocket upgrades (Foony, Ignis), Engine.IO sessions (Sockr), inbound frames, closes. Node clock. */
export interface ServerEvent {
  at: number;
  endpoint: string;
  kind: 'open' | 'frame' | 'close';
  text?: string;
  code?: number | string;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The mock server (with the fixture pages and the script-tag bundle), its observed traffic, and one headless Chromium. */
export class OfflineRig {
  readonly events: ServerEvent[] = [];

  private constructor(
    readonly server: MockServer,
    readonly foony: FoonyMock,
    readonly ignis: IgnisMock,
    readonly sockr: SockrMock,
    readonly browser: Browser,
  ) {}

  static async start(): Promise<OfflineRig> {
    const bundle = await buildPlaygroundBundle();
    // Foony keeps the mock's own keep-alive (15 s, so a 10 s pong deadline) and Sockr its 25 s + 20 s
    // pings, as in the issue: within the outage no heartbeat can be what notices it.
    const foony = foonyModule({ ticker: { channel: 'ticks', intervalMs: 500 }, historyLimit: 5000 });
    const ignis = ignisModule();
    const sockr = sockrModule();
    const fixtures = fileURLToPath(new URL('../fixtures', import.meta.url));
    const files = {
      '/polysocket.global.js': bundle,
      '/polysocket.global.js.map': `${bundle}.map`,
      '/offline-harness.js': `${fixtures}/offline-harness.js`,
    };
    // `no-cache`, not the default `no-store`: Chromium does not keep a page that used a WebSocket and came with no-store in its bfcache.
    const server = new MockServer({
      modules: [foony, ignis, sockr, staticModule({ root: fixtures, files, cacheControl: 'no-cache' })],
    });
    await server.listen();
    const browser = await launchChromium({
      // Playwright turns the back/forward cache off by default; the bfcache test needs the real one.
      ignoreDefaultArgs: ['--disable-back-forward-cache'],
    });
    const rig = new OfflineRig(server, foony, ignis, sockr, browser);
    rig.tap(foony);
    rig.tap(ignis);
    sockr.io!.engine.on('connection', (conn: { on(event: 'close', listener: (reason: string) => void): void }) => {
      rig.events.push({ at: Date.now(), endpoint: 'sockr', kind: 'open' });
      conn.on('close', (reason) => rig.events.push({ at: Date.now(), endpoint: 'sockr', kind: 'close', code: reason }));
    });
    return rig;
  }

  get url(): string {
    return this.server.url;
  }

  /** Server events of one endpoint ('/foony', '/ignis', 'sockr') and kind, optionally within [from, to) of the Node clock. */
  seen(endpoint: string, kind: ServerEvent['kind'], from = 0, to = Infinity): ServerEvent[] {
    return this.events.filter((e) => e.endpoint === endpoint && e.kind === kind && e.at >= from && e.at < to);
  }

  /** The highest tick the Foony mock has published so far. */
  lastTick(): number {
    const history = this.foony.historyOf('ticks');
    return history.length ? Number(history[history.length - 1]!.data) : 0;
  }

  async open(): Promise<PageSession> {
    const page = await this.browser.newPage();
    const session = new PageSession(page, await page.context().newCDPSession(page));
    await session.start(`${this.url}/offline.html`);
    return session;
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.server.close();
  }

  private tap(module: FoonyMock | IgnisMock): void {
    const endpoint = module.path;
    const original = module.onConnection.bind(module);
    module.onConnection = (connection: MockConnection) => {
      this.events.push({ at: Date.now(), endpoint, kind: 'open' });
      connection.onMessage((text) => this.events.push({ at: Date.now(), endpoint, kind: 'frame', text }));
      connection.onClose((code) => this.events.push({ at: Date.now(), endpoint, kind: 'close', code }));
      original(connection);
    };
  }
}

/** Node-clock times of an outage, and the page's own `offline`/`online` events. */
export interface Outage {
  nodeOffline: number;
  nodeOnline: number;
  offlineEvent: LogEntry | undefined;
  onlineEvent: LogEntry | undefined;
  onLineWhileOffline: boolean;
}

/** One page with the harness, and what DevTools saw of its WebSockets (Node clock). */
export class PageSession {
  readonly errors: string[] = [];
  readonly socketsCreated: number[] = [];
  readonly framesSent: { at: number; payload: string }[] = [];

  constructor(
    readonly page: Page,
    private readonly cdp: CDPSession,
  ) {
    page.on('pageerror', (error) => this.errors.push(error.message));
  }

  async start(url: string): Promise<void> {
    await this.cdp.send('Network.enable');
    this.cdp.on('Network.webSocketCreated', () => this.socketsCreated.push(Date.now()));
    this.cdp.on('Network.webSocketFrameSent', (event) =>
      this.framesSent.push({ at: Date.now(), payload: event.response.payloadData.slice(0, 80) }),
    );
    await this.page.goto(url);
  }

  connect(options: Record<string, unknown>): Promise<string> {
    return this.page.evaluate((o) => window.harness.connect(o), options);
  }

  subscribeTicks(): Promise<void> {
    return this.page.evaluate(() => void window.harness.subscribeTicks());
  }

  send(label: string): Promise<void> {
    return this.page.evaluate((l) => window.harness.send(l), label);
  }

  authenticate(token: string): Promise<void> {
    return this.page.evaluate((t) => window.harness.authenticate(t), token);
  }

  log(): Promise<LogEntry[]> {
    return this.page.evaluate(() => window.harness.log);
  }

  /** Polls the page's log until `condition` holds or `timeoutMs` passes; says which. */
  async until(condition: (log: LogEntry[]) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (condition(await this.log())) return true;
      if (Date.now() >= deadline) return false;
      await sleep(100);
    }
  }

  /** DevTools offline emulation: fires the page's `offline`/`online` events; open WebSockets are held, new ones fail. */
  setOffline(offline: boolean): Promise<unknown> {
    return this.cdp.send('Network.emulateNetworkConditions', {
      offline,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
  }

  /**
   * Takes the network away for `offlineMs`; `actions` run spread over that time (the page's sends) and
   * `every` (server-side publishing) every `everyMs`. Bounded: it always comes back online.
   */
  async outage(options: {
    offlineMs: number;
    actions?: (() => Promise<void>)[];
    every?: () => void;
    everyMs?: number;
  }): Promise<Outage> {
    const actions = options.actions ?? [];
    // CDP messages arrive in order: after a round trip, every event of a frame written before the outage has been
    // recorded. Under load they were recorded late, so a login's last frame counted as written while offline.
    await this.cdp.send('Runtime.evaluate', { expression: '0' });
    const nodeOffline = Date.now();
    await this.setOffline(true);
    const timer = options.every ? setInterval(options.every, options.everyMs ?? 400) : undefined;
    let onLineWhileOffline = true;
    try {
      await this.until((log) => log.some((e) => e.kind === 'offline'), 2000);
      onLineWhileOffline = await this.page.evaluate(() => window.harness.onLine);
      const step = options.offlineMs / (actions.length + 1);
      for (const action of actions) {
        await sleep(step);
        await action();
      }
      await sleep(Math.max(0, nodeOffline + options.offlineMs - Date.now()));
    } finally {
      clearInterval(timer);
    }
    const nodeOnline = Date.now();
    await this.setOffline(false);
    await this.until((log) => log.some((e) => e.kind === 'online'), 2000);
    const log = await this.log();
    return {
      nodeOffline,
      nodeOnline,
      offlineEvent: log.find((e) => e.kind === 'offline'),
      onlineEvent: log.find((e) => e.kind === 'online'),
      onLineWhileOffline,
    };
  }

  async close(): Promise<void> {
    await this.setOffline(false).catch(() => undefined);
    await this.page.evaluate(() => window.harness?.close()).catch(() => undefined);
    await this.page.close();
  }
}

export type StateEntry = Extract<LogEntry, { kind: 'state' }>;

export const states = (log: LogEntry[]): StateEntry[] => log.filter((e): e is StateEntry => e.kind === 'state');

/** Labels received on one stream, in arrival order. */
export const received = (log: LogEntry[], stream: string): unknown[] =>
  log.flatMap((e) => (e.kind === 'recv' && e.stream === stream ? [e.label] : []));

/** `a..b` inclusive. */
export const range = (a: number, b: number): number[] =>
  Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);

/** "connected→reconnecting +3ms, …" relative to `origin`, for the printed report. */
export const stateTrail = (log: LogEntry[], origin: number): string =>
  states(log)
    .filter((e) => e.t >= origin - 1)
    .map((e) => `${e.state} ${Math.round(e.t - origin)}ms`)
    .join(', ') || '(no state change)';

/** The numbers the issue asks for, measured from the page's own `offline`/`online` events. */
export interface OutageReport {
  /** `offline` event → the first state change away from `connected` (undefined: none). */
  leftConnectedMs: number | undefined;
  /** `connecting` transitions between the page's `offline` and `online` events. */
  attemptsWhileOffline: number;
  /** WebSockets the page created while offline (DevTools). */
  socketsWhileOffline: number;
  /** Frames the page wrote into a WebSocket while offline (DevTools; the emulation holds them). */
  framesWhileOffline: string[];
  /** Upgrades the server saw meanwhile: the emulation fails new connections inside the browser, so 0 unless it leaks. */
  serverOpensWhileOffline: number;
  /** `online` event → `connected` again (undefined: it never left, or did not come back in time). */
  reconnectMs: number | undefined;
  trail: string;
  /** The client's `error` events and failed sends from the `offline` event on. */
  clientErrors: string[];
}

/** Waits (bounded) for the client to be connected again after the outage, then measures it. */
export async function recover(
  rig: OfflineRig,
  session: PageSession,
  endpoint: string,
  outage: Outage,
  timeoutMs = 4000,
): Promise<OutageReport> {
  const offlineAt = outage.offlineEvent?.t ?? Infinity;
  const onlineAt = outage.onlineEvent?.t ?? Infinity;
  const left = (log: LogEntry[]): StateEntry | undefined =>
    states(log).find((e) => e.t >= offlineAt && e.previous === 'connected');
  const back = (log: LogEntry[]): StateEntry | undefined =>
    states(log).find((e) => e.t >= onlineAt && e.state === 'connected');
  await session.until(
    (log) => (left(log) ? back(log) !== undefined : states(log).at(-1)?.state === 'connected'),
    timeoutMs,
  );
  const log = await session.log();
  const leftEntry = left(log);
  const backEntry = leftEntry && back(log);
  const during = (at: number): boolean => at >= outage.nodeOffline && at < outage.nodeOnline;
  return {
    leftConnectedMs: leftEntry ? Math.round(leftEntry.t - offlineAt) : undefined,
    attemptsWhileOffline: states(log).filter((e) => e.state === 'connecting' && e.t >= offlineAt && e.t < onlineAt)
      .length,
    socketsWhileOffline: session.socketsCreated.filter(during).length,
    framesWhileOffline: session.framesSent.filter((f) => during(f.at)).map((f) => f.payload),
    serverOpensWhileOffline: rig.seen(endpoint, 'open', outage.nodeOffline, outage.nodeOnline).length,
    reconnectMs: backEntry ? Math.round(backEntry.t - onlineAt) : undefined,
    trail: stateTrail(log, offlineAt),
    clientErrors: log.flatMap((e) =>
      e.t < offlineAt
        ? []
        : e.kind === 'error'
          ? [`${e.code}: ${e.message}`]
          : e.kind === 'send-failed'
            ? [`send ${e.label} failed: ${e.code}`]
            : [],
    ),
  };
}

/** One block per adapter in the test output, whatever the assertions then say. */
export function printReport(name: string, report: OutageReport, delivery: Record<string, unknown>): void {
  const ms = (value: number | undefined, none: string): string => (value === undefined ? none : `${value} ms`);
  console.log(
    [
      `[offline] ${name}`,
      `  offline → left connected: ${ms(report.leftConnectedMs, 'never (still connected)')}`,
      `  attempts while offline: ${report.attemptsWhileOffline} (page 'connecting'), ${report.socketsWhileOffline} (DevTools WebSockets), ${report.serverOpensWhileOffline} (server)`,
      `  frames written while offline: ${report.framesWhileOffline.length}${report.framesWhileOffline.length ? ` ${JSON.stringify(report.framesWhileOffline)}` : ''}`,
      `  online → connected again: ${ms(report.reconnectMs, report.leftConnectedMs === undefined ? 'n/a (never left)' : 'not within the wait')}`,
      `  states after offline: ${report.trail}`,
      `  client errors after offline: ${report.clientErrors.length ? JSON.stringify(report.clientErrors) : 'none'}`,
      ...Object.entries(delivery).map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`),
    ].join('\n'),
  );
}

// Issue 19, "Offline means offline": each adapter in headless Chromium with the network taken away by
// DevTools offline emulation (Network.emulateNetworkConditions over CDP). That emulation fires the real
// `offline`/`online` events, makes new connections fail at once and holds an open WebSocket half-open:
// frames written into it are held (DevTools still reports them as sent) and both directions resume
// when the network comes back, so "frames written while offline" is how a write into a dead link shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SockrClient } from '@polysocket/sockr';
import {
  OfflineRig,
  printReport,
  range,
  received,
  recover,
  sleep,
  stateTrail,
  states,
  type LogEntry,
  type Outage,
  type OutageReport,
  type PageSession,
} from './support/offline-rig';
import { chromiumAvailable } from './support/chromium';

const available = chromiumAvailable();

const OFFLINE_MS = 3500;

describe.skipIf(!available)('offline means offline (issue 19), in headless Chromium', () => {
  let rig: OfflineRig;

  beforeAll(async () => {
    rig = await OfflineRig.start();
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  });

  async function withPage(run: (session: PageSession) => Promise<void>): Promise<void> {
    const session = await rig.open();
    try {
      await run(session);
      expect.soft(session.errors, 'page errors').toEqual([]);
    } finally {
      await session.close();
    }
  }

  /** The emulation did what the test relies on; if not, the harness is broken, not the client. */
  function expectOutageSeen(outage: Outage): void {
    expect(outage.offlineEvent, "the page's `offline` event").toBeDefined();
    expect(outage.onLineWhileOffline, 'navigator.onLine while offline').toBe(false);
    expect(outage.onlineEvent, "the page's `online` event").toBeDefined();
  }

  /** The issue's limits. Soft, so every number is reported, not only the first one over. */
  function expectOfflineBehaviour(report: OutageReport): void {
    expect.soft(report.leftConnectedMs ?? Infinity, 'ms from `offline` to leaving connected').toBeLessThan(2000);
    expect
      .soft(report.attemptsWhileOffline, "connection attempts while offline (page 'connecting')")
      .toBeLessThanOrEqual(1);
    expect.soft(report.socketsWhileOffline, 'WebSockets created while offline (DevTools)').toBeLessThanOrEqual(1);
    expect
      .soft(report.framesWhileOffline, 'frames written into a WebSocket while offline (sends belong in the outbox)')
      .toEqual([]);
    expect.soft(report.reconnectMs ?? Infinity, 'ms from `online` to connected again').toBeLessThan(3000);
  }

  const after = (log: LogEntry[], entry: LogEntry | undefined): LogEntry[] =>
    entry ? log.filter((e) => e.t >= entry.t) : [];
  const labels = (prefix: string, count: number): string[] => range(1, count).map((n) => `${prefix}-${n}`);

  it('Foony: leaves connected on `offline`, waits for `online`, resumes the tick stream exactly; offline publishes go out once, in order', async () => {
    await withPage(async (s) => {
      await s.connect({ protocol: 'foony', url: rig.server.wsUrl('/foony'), token: 'valid-token' });
      await s.subscribeTicks();
      expect(await s.until((log) => received(log, 'ticks').length >= 2, 3000), 'ticks before the outage').toBe(true);
      const sends = labels('foony-off', 3);
      const tickAtOffline = rig.lastTick();
      const outage = await s.outage({ offlineMs: OFFLINE_MS, actions: sends.map((label) => () => s.send(label)) });
      const tickAtOnline = rig.lastTick();
      expectOutageSeen(outage);
      const report = await recover(rig, s, '/foony', outage);
      const stored = (): unknown[] =>
        rig.foony.historyOf('chat').flatMap((m) => (sends.includes(String(m.data)) ? [m.data] : []));
      await s.until(
        (log) => Math.max(0, ...(received(log, 'ticks') as number[])) > tickAtOnline && stored().length >= sends.length,
        6000,
      );
      const ticks = received(await s.log(), 'ticks') as number[];
      printReport('Foony', report, {
        'ticks received': `${ticks[0]}..${ticks.at(-1)}, ${ticks.length} in all (published while offline: ${tickAtOffline + 1}..${tickAtOnline})`,
        'offline publishes, as the server stored them': stored(),
      });
      expectOfflineBehaviour(report);
      expect.soft(ticks, 'every tick once, in order').toEqual(range(ticks[0]!, ticks.at(-1)!));
      expect.soft(ticks.at(-1), 'ticks resumed after the outage').toBeGreaterThan(tickAtOnline);
      expect.soft(stored(), 'offline publishes reached the server once, in order').toEqual(sends);
    });
  });

  it('Ignis: leaves connected on `offline`, waits for `online`; offline emits go out once, in order (no cursor: nothing to resume)', async () => {
    await withPage(async (s) => {
      await s.connect({ protocol: 'ignis', url: rig.server.wsUrl('/ignis'), auth: { token: 'good-token' } });
      await s.send('ignis-pre');
      expect(
        await s.until((log) => received(log, 'echo').includes('ignis-pre'), 3000),
        'an echo before the outage',
      ).toBe(true);
      const sends = labels('ignis-off', 3);
      const outage = await s.outage({ offlineMs: OFFLINE_MS, actions: sends.map((label) => () => s.send(label)) });
      expectOutageSeen(outage);
      const report = await recover(rig, s, '/ignis', outage);
      const atServer = (): string[] =>
        rig.seen('/ignis', 'frame').flatMap((e) => {
          const frame = JSON.parse(e.text!) as { event?: string; data?: { label?: string } };
          return frame.event === 'echo' && sends.includes(String(frame.data?.label)) ? [String(frame.data?.label)] : [];
        });
      const echoed = (log: LogEntry[]): unknown[] =>
        received(log, 'echo').filter((label) => sends.includes(String(label)));
      await s.until((log) => echoed(log).length >= sends.length && atServer().length >= sends.length, 6000);
      const log = await s.log();
      printReport('Ignis', report, {
        'offline emits, as the server read them': atServer(),
        'their echoes, as the page got them': echoed(log),
      });
      expectOfflineBehaviour(report);
      expect.soft(atServer(), 'offline emits reached the server once, in order').toEqual(sends);
      expect.soft(echoed(log), 'and their echoes came back once each').toEqual(sends);
    });
  });

  it('Sockr: leaves connected on `offline`, waits for `online`; every DM sent to it during the outage arrives once, in order; its own offline DMs go out once, in order', async () => {
    const ben = new SockrClient({ url: rig.url, token: 'token:ben', transports: ['websocket'] });
    const benSends: Promise<unknown>[] = [];
    try {
      await ben.connect();
      await withPage(async (s) => {
        await s.connect({ protocol: 'sockr', url: rig.url, token: 'token:ana', transports: ['websocket'] });
        await ben.sendMessage('ana', 'ben-pre');
        expect(await s.until((log) => received(log, 'dm').includes('ben-pre'), 3000), 'a DM before the outage').toBe(
          true,
        );
        const sends = labels('ana-off', 3);
        const fromBen: string[] = [];
        const outage = await s.outage({
          offlineMs: OFFLINE_MS,
          actions: sends.map((label) => () => s.send(label)),
          every: () => {
            const label = `ben-${fromBen.length + 1}`;
            fromBen.push(label);
            benSends.push(ben.sendMessage('ana', label).catch((error: unknown) => error));
          },
        });
        expectOutageSeen(outage);
        const report = await recover(rig, s, 'sockr', outage);
        const stored = (): string[] =>
          rig.sockr.messages.flatMap((m) => (m.from === 'ana' && sends.includes(m.content) ? [m.content] : []));
        const dms = (log: LogEntry[]): unknown[] =>
          received(log, 'dm').filter((label) => fromBen.includes(String(label)));
        await s.until((log) => new Set(dms(log)).size >= fromBen.length && stored().length >= sends.length, 8000);
        const log = await s.log();
        printReport('Sockr', report, {
          'DMs ben sent during the outage': fromBen,
          'as the page got them': dms(log),
          'offline DMs, as the server stored them': stored(),
        });
        expectOfflineBehaviour(report);
        expect.soft(dms(log), 'every DM from the outage once, in order (catch-up where needed)').toEqual(fromBen);
        expect.soft(stored(), 'offline DMs reached the server once, in order').toEqual(sends);
      });
    } finally {
      await Promise.all(benSends);
      ben.close();
    }
  });

  it('Socket.IO: leaves connected on `offline`, waits for `online`; offline emits (a login, then DMs) go out once, in order', async () => {
    await withPage(async (s) => {
      // Any Socket.IO server; here Sockr's, whose `authenticate` is answered with `authenticated` on the same socket.
      await s.connect({ protocol: 'socketio', url: rig.url, transports: ['websocket'] });
      await s.authenticate('token:sio');
      expect(
        await s.until((log) => received(log, 'authenticated').length === 1, 3000),
        'logged in before the outage',
      ).toBe(true);
      const logins = (): number => rig.sockr.authLog.filter((token) => token === 'token:sio').length;
      const loginsBefore = logins();
      const sends = labels('sio-off', 3);
      // The login goes first: after a reconnect the emits that follow arrive on a fresh, anonymous socket.
      const actions = [() => s.authenticate('token:sio'), ...sends.map((label) => () => s.send(label))];
      const outage = await s.outage({ offlineMs: OFFLINE_MS, actions });
      expectOutageSeen(outage);
      const report = await recover(rig, s, 'sockr', outage);
      const stored = (): string[] =>
        rig.sockr.messages.flatMap((m) => (m.from === 'sio' && sends.includes(m.content) ? [m.content] : []));
      const answered = (log: LogEntry[]): number => received(after(log, outage.offlineEvent), 'authenticated').length;
      await s.until((log) => answered(log) >= 1 && stored().length >= sends.length, 6000);
      const log = await s.log();
      printReport('Socket.IO', report, {
        'offline logins at the server': logins() - loginsBefore,
        '`authenticated` answers after `offline`': answered(log),
        'offline DMs, as the server stored them': stored(),
      });
      expectOfflineBehaviour(report);
      expect.soft(logins() - loginsBefore, 'the offline login reached the server once').toBe(1);
      expect.soft(answered(log), 'and was answered once').toBe(1);
      expect.soft(stored(), 'offline emits reached the server once, in order, after the login').toEqual(sends);
    });
  });

  /** Page-lifecycle measurements around a pagehide/pageshow pair (both with `persisted`). */
  function lifecycle(log: LogEntry[]): {
    leftMs?: number;
    leftBeforeShow: boolean;
    attemptsHidden: number;
    reconnectMs?: number;
    trail: string;
  } {
    const hide = log.find((e) => e.kind === 'pagehide' && e.persisted);
    const show = hide && log.find((e) => e.kind === 'pageshow' && e.persisted && e.t >= hide.t);
    if (!hide || !show) return { leftBeforeShow: false, attemptsHidden: 0, trail: '' };
    const hidden = states(log).filter((e) => e.t >= hide.t && e.t < show.t);
    const left = states(log).find((e) => e.t >= hide.t && e.previous === 'connected');
    const back = left && states(log).find((e) => e.t >= show.t && e.state === 'connected');
    return {
      leftMs: left && Math.round(left.t - hide.t),
      leftBeforeShow: left !== undefined && left.t < show.t,
      attemptsHidden: hidden.filter((e) => e.state === 'connecting').length,
      reconnectMs: back && Math.round(back.t - show.t),
      trail: stateTrail(log, hide.t),
    };
  }

  async function foonyWithTicks(s: PageSession): Promise<void> {
    await s.connect({ protocol: 'foony', url: rig.server.wsUrl('/foony'), token: 'valid-token' });
    await s.subscribeTicks();
    expect(await s.until((log) => received(log, 'ticks').length >= 2, 3000), 'ticks before leaving').toBe(true);
  }

  const reconnectedWithTicks =
    (tick: number) =>
    (log: LogEntry[]): boolean =>
      lifecycle(log).reconnectMs !== undefined && Math.max(0, ...(received(log, 'ticks') as number[])) > tick;

  it('back/forward cache: navigated away and back, the restored page drops its link at pagehide, reconnects at pageshow and resumes exactly', async () => {
    await withPage(async (s) => {
      await foonyWithTicks(s);
      const awayAt = Date.now();
      await s.page.goto(`${rig.url}/away.html`);
      await sleep(1500);
      const backAt = Date.now();
      // A page restored from the bfcache fires no `load`: wait for the commit only.
      await s.page.goBack({ waitUntil: 'commit', timeout: 5000 });
      await s.page.waitForFunction(
        () => document.readyState === 'complete' && window.harness !== undefined,
        undefined,
        { timeout: 5000 },
      );
      const restored = (await s.log()).some((e) => e.kind === 'pageshow' && e.persisted);
      const reasons = restored
        ? 'none'
        : await s.page.evaluate(() =>
            JSON.stringify(
              (performance.getEntriesByType('navigation')[0] as { notRestoredReasons?: unknown }).notRestoredReasons ??
                null,
            ),
          );
      expect(restored, `the page came back from the back/forward cache (notRestoredReasons: ${reasons})`).toBe(true);
      const tickAtRestore = rig.lastTick();
      await s.until(reconnectedWithTicks(tickAtRestore), 5000);
      const log = await s.log();
      const measured = lifecycle(log);
      const ticks = received(log, 'ticks') as number[];
      const closedAway = rig
        .seen('/foony', 'close', awayAt, backAt)
        .map((e) => `${e.code}, ${e.at - awayAt} ms after leaving`);
      const closedBack = rig
        .seen('/foony', 'close', backAt)
        .map((e) => `${e.code}, ${e.at - backAt} ms after going back`);
      console.log(
        [
          '[offline] back/forward cache (Foony)',
          `  restored from the bfcache: ${restored}`,
          `  pagehide → left connected: ${measured.leftMs === undefined ? 'never' : `${measured.leftMs} ms (${measured.leftBeforeShow ? 'before the page was frozen' : 'only after the restore'})`}`,
          `  attempts while in the cache: ${measured.attemptsHidden}`,
          `  pageshow → connected again: ${measured.reconnectMs === undefined ? 'not within the wait' : `${measured.reconnectMs} ms`}`,
          `  states from pagehide: ${measured.trail}`,
          `  server saw a link close: ${JSON.stringify([...closedAway, ...closedBack])}`,
          `  ticks: ${ticks[0]}..${ticks.at(-1)}, ${ticks.length} in all (restored at tick ${tickAtRestore})`,
        ].join('\n'),
      );
      expect
        .soft(
          measured.leftBeforeShow && measured.leftMs! < 500,
          'left connected at `pagehide`, before the page was frozen',
        )
        .toBe(true);
      expect.soft(closedAway.length, 'the server saw the link closed while the page was in the cache').toBe(1);
      expect.soft(measured.attemptsHidden, 'attempts while in the cache').toBe(0);
      expect.soft(measured.reconnectMs ?? Infinity, 'ms from `pageshow` to connected again').toBeLessThan(2000);
      expect.soft(ticks, 'every tick once, in order').toEqual(range(ticks[0]!, ticks.at(-1)!));
      expect.soft(ticks.at(-1), 'ticks resumed after the restore').toBeGreaterThan(tickAtRestore);
    });
  });

  // A real bfcache freezes the page, so what the client does between pagehide and pageshow cannot be
  // watched there; dispatched by hand, the same events leave the page running.
  it('pagehide/pageshow with persisted (dispatched): drops the link at once, no attempt until pageshow, then reconnects and resumes exactly', async () => {
    await withPage(async (s) => {
      await foonyWithTicks(s);
      await s.page.evaluate(() => dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
      await sleep(2000);
      const tickAtShow = rig.lastTick();
      await s.page.evaluate(() => dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })));
      await s.until(reconnectedWithTicks(tickAtShow), 4000);
      const log = await s.log();
      const measured = lifecycle(log);
      const ticks = received(log, 'ticks') as number[];
      console.log(
        [
          '[offline] dispatched pagehide/pageshow (Foony)',
          `  pagehide → left connected: ${measured.leftMs === undefined ? 'never (still connected)' : `${measured.leftMs} ms`}`,
          `  attempts between pagehide and pageshow (2 s): ${measured.attemptsHidden}`,
          `  pageshow → connected again: ${measured.reconnectMs === undefined ? 'n/a' : `${measured.reconnectMs} ms`}`,
          `  states from pagehide: ${measured.trail}`,
          `  ticks: ${ticks[0]}..${ticks.at(-1)}, ${ticks.length} in all (pageshow at tick ${tickAtShow})`,
        ].join('\n'),
      );
      expect.soft(measured.leftMs ?? Infinity, 'ms from `pagehide` to leaving connected').toBeLessThan(500);
      expect.soft(measured.attemptsHidden, 'attempts between pagehide and pageshow').toBe(0);
      expect.soft(measured.reconnectMs ?? Infinity, 'ms from `pageshow` to connected again').toBeLessThan(2000);
      expect.soft(ticks, 'every tick once, in order').toEqual(range(ticks[0]!, ticks.at(-1)!));
      expect.soft(ticks.at(-1), 'ticks resumed after pageshow').toBeGreaterThan(tickAtShow);
    });
  });
});

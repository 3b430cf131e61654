import { attachBrowserHooks, type BrowserHooks } from './browser-hooks';
import type { AnyConnection } from './connection';
import { PolySocketError } from './errors';
import { arm, drop } from './link-loss';

/**
 * What the browser's network and page lifecycle mean for one client (docs/architecture.md has the table):
 * offline drops the link and holds attempts back, online after offline cuts the backoff short, a page put away
 * lets go of its link until it is back, and a page waking up checks its link. Made only where there is a page.
 */
export interface Page {
  readonly hooks: BrowserHooks;
  /** The page is in the back/forward cache or frozen: no attempt until it is back. */
  asleep?: boolean;
  /** The browser said it went offline since the last `online` (only then does `online` cut the backoff short). */
  wentOffline?: boolean;
  /** When the last attempt started while the browser said it was offline (0: none since it went offline). */
  offlineAt: number;
  /** When the page last asked for a liveness probe. */
  wokeAt: number;
}

/** The page's lifecycle for `c`, or undefined where there is nothing to listen to (Node, workers, hooks off). */
export function watchPage(c: AnyConnection): Page | undefined {
  const away = (reason: string, clean: boolean): void =>
    drop(c, reason, clean, 'reconnect', new PolySocketError('DISCONNECTED', reason));
  // Only a page the client put away, or a network the browser said was gone, cuts the backoff short: a flood of
  // `online` or `pageshow` events alone must not.
  const back = (wasAway: boolean | undefined): void => {
    if (wasAway && c.state === 'reconnecting') {
      // The next attempt within a random 0–500 ms, so that a whole office coming back online is spread out.
      const delay = Math.floor((c.tuning.random ?? Math.random)() * 500);
      if (c.linkAt > Date.now() + delay) arm(c, delay);
    } else checkLiveness(c, page);
  };
  const restored = (): void => {
    const wasAsleep = page.asleep;
    page.asleep = false;
    back(wasAsleep);
  };
  const page: Page = {
    offlineAt: 0,
    wokeAt: 0,
    hooks: attachBrowserHooks(c.tuning.browser ?? {}, {
      online() {
        const wasOffline = page.wentOffline;
        page.wentOffline = false;
        page.offlineAt = 0;
        back(wasOffline);
      },
      offline() {
        page.wentOffline = true;
        away('the browser went offline', false);
      },
      sleep() {
        page.asleep = true;
        away('the page was put away', true);
      },
      restored,
      // Visible again, or resumed: timers may have slept. A page that was put away comes back as from the cache.
      wake: restored,
    }),
  };
  return page.hooks.detached ? undefined : page;
}

/** Checks the heartbeat's deadlines now and probes the link, at most once a second however many wake-ups. */
function checkLiveness(c: AnyConnection, page: Page): void {
  const heartbeat = c.link?.liveness;
  if (c.state !== 'connected' || !heartbeat?.check()) return;
  const now = Date.now();
  if (now - page.wokeAt < 1000) return;
  page.wokeAt = now;
  heartbeat.probe();
}

/** An attempt starts: one made while the browser says it is offline holds back the next. */
export function pageAttempting(page: Page | undefined): void {
  if (!page?.hooks.offline) return;
  page.wentOffline = true;
  page.offlineAt = Date.now();
}

/**
 * How long the next attempt must wait: Infinity while the page is away (its return starts it); after one
 * attempt made offline (in case `navigator.onLine` is wrong), the rest of the backoff's cap; else 0 or less.
 */
export function holdOff(c: AnyConnection): number {
  const page = c.pageState;
  if (!page) return 0;
  if (page.asleep) return Infinity;
  return page.hooks.offline && page.offlineAt
    ? page.offlineAt + (c.tuning.backoff?.maxDelayMs ?? 30_000) - Date.now()
    : 0;
}

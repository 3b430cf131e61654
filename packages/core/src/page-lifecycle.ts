import type { BrowserHooksOptions, DocumentLike, EventTargetLike } from './browser-hooks';
import type { AnyConnection } from './connection';
import { PolySocketError } from './errors';
import { alive, probe } from './heartbeat';
import { arm, drop } from './link-loss';

/**
 * What the browser's network and page lifecycle mean for one client (docs/architecture.md has the table):
 * offline drops the link and holds attempts back, online after offline cuts the backoff short, a page put away
 * lets go of its link until it is back, and a page waking up checks its link. Made only where there is a page.
 * One listener per page takes every event, by its type (`attachBrowserHooks` is the same targets as handlers, for
 * code of its own). A class, so that its fields are mangled names.
 */
export class Page {
  /** @internal The page is in the back/forward cache or frozen: no attempt until it is back. */
  asleep?: boolean;
  /** @internal The browser said it went offline since the last `online` (only then does `online` cut the backoff short). */
  wentOffline?: boolean;
  /** @internal When the last attempt started while the browser said it was offline (0: none since it went offline). */
  offlineAt = 0;
  /** @internal When the page last asked for a liveness probe. */
  wokeAt = 0;
  /** @internal The one listener, on every event type of both targets. */
  readonly pageListener: (event?: PageEvent) => void;

  constructor(
    c: AnyConnection,
    /** @internal Receives `online`, `offline`, `pagehide`, `pageshow` (a window). */
    readonly pageWindow: EventTargetLike | null,
    /** @internal Receives `visibilitychange`, `freeze`, `resume`. */
    readonly pageDocument: DocumentLike | null,
    /** @internal Says whether the browser believes it is online. */
    readonly pageNavigator: { readonly onLine?: unknown } | null | undefined,
  ) {
    this.pageListener = (event) => onPageEvent(c, this, event!);
  }
}

/** What the listener reads of an event (the targets pass it; the listener type, kept loose, does not show it). */
interface PageEvent {
  type: string;
  persisted?: boolean;
}

const NETWORK_EVENTS = ['online', 'offline', 'pagehide', 'pageshow'];
const DOCUMENT_EVENTS = ['visibilitychange', 'freeze', 'resume'];

/** The page's lifecycle for `c`, or undefined where there is nothing to listen to (Node, workers, hooks off). */
export function watchPage(c: AnyConnection): Page | undefined {
  const g = globalThis as EventTargetLike & { document?: DocumentLike; navigator?: { onLine?: unknown } };
  // Only a window has addEventListener and a document; in Node and workers, neither is there.
  const isPage = typeof g.addEventListener === 'function' && g.document;
  const options: BrowserHooksOptions = c.tuning.browser ?? {};
  // An option left undefined takes its default (the navigator's only with the default `network`).
  const {
    network = isPage ? g : null,
    document = isPage || null,
    navigator = options.network === undefined ? g.navigator : null,
  } = options;
  if (!network && !document) return undefined;
  const page = new Page(c, network, document, navigator);
  listen(page, 'addEventListener');
  return page;
}

/** Adds or removes the page's listener on every event it takes. */
export function listen(page: Page, method: 'addEventListener' | 'removeEventListener'): void {
  for (const type of NETWORK_EVENTS) page.pageWindow?.[method](type, page.pageListener);
  for (const type of DOCUMENT_EVENTS) page.pageDocument?.[method](type, page.pageListener);
}

/**
 * One event. Only a page the client put away, or a network the browser said was gone, cuts the backoff short: a
 * flood of `online` or `pageshow` events alone must not. A page that is only being unloaded (`persisted` false)
 * is left alone: the socket ends with it.
 */
function onPageEvent(c: AnyConnection, page: Page, { type, persisted }: PageEvent): void {
  let wasAway: boolean | undefined;
  if (type === 'offline' || type === 'freeze' || (type === 'pagehide' && persisted)) {
    const offline = type === 'offline';
    if (offline) page.wentOffline = true;
    else page.asleep = true;
    const reason = offline ? 'the browser went offline' : 'the page was put away';
    return drop(c, reason, !offline, 'reconnect', new PolySocketError('DISCONNECTED', reason));
  }
  if (type === 'online') {
    wasAway = page.wentOffline;
    page.wentOffline = false;
    page.offlineAt = 0;
  } else if (
    // Back from the cache, resumed, or visible again: timers may have slept. A page that was put away comes back.
    type === 'resume' ||
    (type === 'pageshow' && persisted) ||
    (type === 'visibilitychange' && page.pageDocument!.visibilityState === 'visible')
  ) {
    wasAway = page.asleep;
    page.asleep = false;
  } else return;
  if (wasAway && c.state === 'reconnecting') {
    // The next attempt within a random 0–500 ms, so that a whole office coming back online is spread out.
    const delay = Math.floor((c.tuning.random ?? Math.random)() * 500);
    if (c.linkAt > Date.now() + delay) arm(c, delay);
    return;
  }
  // A liveness check: the heartbeat's deadlines now, then a probe, at most once a second however many wake-ups.
  const link = c.activeLink;
  if (c.state !== 'connected' || !link?.beat || !alive(link)) return;
  const now = Date.now();
  if (now - page.wokeAt < 1000) return;
  page.wokeAt = now;
  probe(link);
}

/** An attempt starts: one made while the browser says it is offline holds back the next. */
export function pageAttempting(page: Page | undefined): void {
  if (page?.pageNavigator?.onLine !== false) return;
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
  return page.pageNavigator?.onLine === false && page.offlineAt
    ? page.offlineAt + (c.tuning.backoff?.maxDelayMs ?? 30_000) - Date.now()
    : 0;
}

import {
  attachBrowserHooks,
  type BrowserHookHandlers,
  type BrowserHooks,
  type BrowserHooksOptions,
} from './browser-hooks';
import type { ConnectionState } from './connection-types';

/** What the page policy asks of its connection. */
export interface PageOwner {
  readonly state: ConnectionState;
  /** Leaves the link now (cleanly, with a closing handshake, or not) and reconnects. */
  abandonLink(reason: string, clean: boolean): void;
  /** Cuts a longer backoff wait short: the next attempt within a random 0–500 ms. */
  retrySoon(): void;
  /** Checks the heartbeat's deadlines now and probes the link. */
  checkLiveness(): void;
}

/**
 * What the browser's network and page lifecycle mean for one client (docs/architecture.md has the table):
 * offline drops the link and holds attempts back, online after offline cuts the backoff short, a page put away
 * lets go of its link until it is back, and a page waking up checks its link. Made only where there is a page.
 */
export class PageLifecycle implements BrowserHookHandlers {
  /** The page is in the back/forward cache or frozen: no attempt until it is back. */
  private asleep = false;
  /** The browser said it went offline since the last `online` (only then does `online` cut the backoff short). */
  private wentOffline = false;
  /** When the last attempt started while the browser said it was offline (0: none since it went offline). */
  private offlineAttemptAt = 0;
  private readonly hooks: BrowserHooks;

  private constructor(
    private readonly owner: PageOwner,
    options: BrowserHooksOptions,
  ) {
    this.hooks = attachBrowserHooks(options, this);
  }

  /** The page's lifecycle for `owner`, or undefined where there is nothing to listen to (Node, workers, hooks off). */
  static attach(owner: PageOwner, options: BrowserHooksOptions): PageLifecycle | undefined {
    const page = new PageLifecycle(owner, options);
    return page.hooks.detached ? undefined : page;
  }

  detach(): void {
    this.hooks.detach();
  }

  /** An attempt starts: one made while the browser says it is offline holds back the next. */
  attempting(): void {
    if (!this.hooks.offline) return;
    this.wentOffline = true;
    this.offlineAttemptAt = Date.now();
  }

  connected(): void {
    this.offlineAttemptAt = 0;
  }

  /**
   * How long the next attempt must wait: Infinity while the page is away (its return starts it); after one
   * attempt made offline (in case `navigator.onLine` is wrong), the rest of the backoff's cap; else 0.
   */
  holdOff(maxDelayMs: number): number {
    if (this.asleep) return Infinity;
    if (!this.hooks.offline || this.offlineAttemptAt === 0) return 0;
    return Math.max(0, this.offlineAttemptAt + maxDelayMs - Date.now());
  }

  // BrowserHookHandlers

  /** Back online: cut the backoff short, but only after the browser had said it was offline (a flood of `online` events must not bypass it). */
  online(): void {
    const wasOffline = this.wentOffline;
    this.wentOffline = false;
    this.offlineAttemptAt = 0;
    if (this.owner.state === 'reconnecting' && wasOffline) this.owner.retrySoon();
    else this.owner.checkLiveness();
  }

  offline(): void {
    this.wentOffline = true;
    this.owner.abandonLink('the browser went offline', false);
  }

  wake(): void {
    if (this.asleep) this.restored();
    else this.owner.checkLiveness();
  }

  sleep(): void {
    this.asleep = true;
    this.owner.abandonLink('the page was put away (back/forward cache or frozen)', true);
  }

  /** Only a page the client put away cuts the backoff short: repeated `pageshow` events must not. */
  restored(): void {
    const wasAsleep = this.asleep;
    this.asleep = false;
    if (this.owner.state === 'reconnecting' && wasAsleep) this.owner.retrySoon();
    else this.owner.checkLiveness();
  }
}

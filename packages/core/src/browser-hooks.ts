/** The parts of `window` and `document` the client listens to; injectable for tests. */
export interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

export interface DocumentLike extends EventTargetLike {
  readonly visibilityState: string;
}

export interface BrowserHooksOptions {
  /**
   * Receives `online`/`offline` and `pagehide`/`pageshow`. Default: `globalThis` where it has
   * addEventListener and a document (a window); none in Node or workers.
   */
  network?: EventTargetLike | null;
  /** Receives `visibilitychange`, `freeze` and `resume`. Default: `globalThis.document` where there is one. */
  document?: DocumentLike | null;
  /** Says whether the browser believes it is online. Default: `globalThis.navigator` with the default `network`. */
  navigator?: { readonly onLine: boolean } | null;
}

/** What the page told the client; see docs/architecture.md, "The browser's network and page lifecycle". */
export interface BrowserHookHandlers {
  online(): void;
  offline(): void;
  /** The page became visible, or was resumed: timers may have been throttled or stopped. */
  wake(): void;
  /** The page is going into the back/forward cache, or is being frozen: let go of the link. */
  sleep(): void;
  /** The page came back from the back/forward cache. */
  restored(): void;
}

function defaultNetwork(): EventTargetLike | null {
  const g = globalThis as { addEventListener?: unknown; document?: unknown };
  // Only a window has a document; in Node, `globalThis.addEventListener` does not exist.
  return typeof g.addEventListener === 'function' && g.document !== undefined
    ? (globalThis as unknown as EventTargetLike)
    : null;
}

function defaultDocument(): DocumentLike | null {
  const doc = (globalThis as { document?: DocumentLike }).document;
  return doc && typeof doc.addEventListener === 'function' ? doc : null;
}

function defaultNavigator(): { readonly onLine: boolean } | null {
  const nav = (globalThis as { navigator?: { onLine?: unknown } }).navigator;
  return nav && typeof nav.onLine === 'boolean' ? (nav as { readonly onLine: boolean }) : null;
}

/** Attached browser listeners: `offline` says what the browser believes now; `detach()` removes every listener. */
export interface BrowserHooks {
  readonly offline: boolean;
  /** Nothing was attached (no page): nothing will be reported. */
  readonly detached: boolean;
  detach(): void;
}

const NO_HOOKS: BrowserHooks = { offline: false, detached: true, detach: () => {} };

type PageTransition = { persisted?: boolean };

/** Attaches the listeners; in Node (no window, no document) attaches nothing and keeps no handler. */
export function attachBrowserHooks(options: BrowserHooksOptions, handlers: BrowserHookHandlers): BrowserHooks {
  const network = options.network === undefined ? defaultNetwork() : options.network;
  const doc = options.document === undefined ? defaultDocument() : options.document;
  if (!network && !doc) return NO_HOOKS;
  const nav =
    options.navigator === undefined ? (options.network === undefined ? defaultNavigator() : null) : options.navigator;
  const onOnline = (): void => handlers.online();
  const onOffline = (): void => handlers.offline();
  const onVisibility = (): void => {
    if (doc && doc.visibilityState === 'visible') handlers.wake();
  };
  const onResume = (): void => handlers.wake();
  const onFreeze = (): void => handlers.sleep();
  // A page that is only being unloaded (persisted false) is left alone: the socket ends with it. The
  // targets pass the event, which the listener type (kept loose so any EventTarget fits) does not show.
  const onPageHide = ((event: PageTransition): void => {
    if (event && event.persisted) handlers.sleep();
  }) as () => void;
  const onPageShow = ((event: PageTransition): void => {
    if (event && event.persisted) handlers.restored();
  }) as () => void;
  const bindings: [EventTargetLike | null, string, () => void][] = [
    [network, 'online', onOnline],
    [network, 'offline', onOffline],
    [network, 'pagehide', onPageHide],
    [network, 'pageshow', onPageShow],
    [doc, 'visibilitychange', onVisibility],
    [doc, 'freeze', onFreeze],
    [doc, 'resume', onResume],
  ];
  for (const [target, type, listener] of bindings) target?.addEventListener(type, listener);
  return {
    detached: false,
    get offline(): boolean {
      return nav !== null && nav.onLine === false;
    },
    detach(): void {
      for (const [target, type, listener] of bindings) target?.removeEventListener(type, listener);
    },
  };
}

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

/** Attached browser listeners: `offline` says what the browser believes now; `detach()` removes every listener. */
export interface BrowserHooks {
  readonly offline: boolean;
  /** Nothing was attached (no page): nothing will be reported. */
  readonly detached: boolean;
  detach(): void;
}

const NO_HOOKS: BrowserHooks = { offline: false, detached: true, detach: () => {} };

/** Attaches the listeners; in Node (no window, no document) attaches nothing and keeps no handler. */
export function attachBrowserHooks(options: BrowserHooksOptions, handlers: BrowserHookHandlers): BrowserHooks {
  const g = globalThis as EventTargetLike & { document?: DocumentLike; navigator?: { onLine?: unknown } };
  // Only a window has addEventListener and a document; in Node and workers, neither is there.
  const page = typeof g.addEventListener === 'function' && g.document;
  const network = options.network === undefined ? (page ? g : null) : options.network;
  const doc = options.document === undefined ? page || null : options.document;
  if (!network && !doc) return NO_HOOKS;
  const nav = (
    options.navigator === undefined ? (options.network === undefined ? g.navigator : null) : options.navigator
  ) as { onLine?: unknown } | null | undefined;
  const call = (handler: keyof BrowserHookHandlers) => () => handlers[handler]();
  // A page that is only being unloaded (persisted false) is left alone: the socket ends with it. The targets
  // pass the event, which the listener type (kept loose so any EventTarget fits) does not show.
  const persisted = (handler: keyof BrowserHookHandlers) =>
    ((event?: { persisted?: boolean }) => {
      if (event?.persisted) handlers[handler]();
    }) as () => void;
  const bindings: [EventTargetLike | null, string, () => void][] = [
    [network, 'online', call('online')],
    [network, 'offline', call('offline')],
    [network, 'pagehide', persisted('sleep')],
    [network, 'pageshow', persisted('restored')],
    [doc, 'visibilitychange', () => doc!.visibilityState === 'visible' && handlers.wake()],
    [doc, 'freeze', call('sleep')],
    [doc, 'resume', call('wake')],
  ];
  for (const [target, type, listener] of bindings) target?.addEventListener(type, listener);
  return {
    detached: false,
    get offline(): boolean {
      return nav?.onLine === false;
    },
    detach(): void {
      for (const [target, type, listener] of bindings) target?.removeEventListener(type, listener);
    },
  };
}

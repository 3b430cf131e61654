/** The parts of `window` and `document` the client listens to; injectable for tests. */
export interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

export interface DocumentLike extends EventTargetLike {
  readonly visibilityState: string;
}

export interface BrowserHooksOptions {
  /** Receives `online`/`offline`. Default: `globalThis` where it has addEventListener (browsers); none in Node. */
  network?: EventTargetLike | null;
  /** Receives `visibilitychange`. Default: `globalThis.document` where there is one. */
  document?: DocumentLike | null;
}

export interface BrowserHookHandlers {
  online(): void;
  offline(): void;
  /** The page became visible: timers may have been throttled while it was hidden. */
  visible(): void;
}

function defaultNetwork(): EventTargetLike | null {
  const g = globalThis as { addEventListener?: unknown; document?: unknown };
  // Only a window has a document; in Node, `globalThis.addEventListener` does not exist.
  return typeof g.addEventListener === 'function' && g.document !== undefined ? (globalThis as unknown as EventTargetLike) : null;
}

function defaultDocument(): DocumentLike | null {
  const doc = (globalThis as { document?: DocumentLike }).document;
  return doc && typeof doc.addEventListener === 'function' ? doc : null;
}

const NOTHING_TO_DETACH = (): void => {};

/** Attaches the listeners; returns the function that removes every one of them. */
export function attachBrowserHooks(options: BrowserHooksOptions, handlers: BrowserHookHandlers): () => void {
  const network = options.network === undefined ? defaultNetwork() : options.network;
  const doc = options.document === undefined ? defaultDocument() : options.document;
  // Nothing to listen to (Node, workers, or hooks turned off): keep no handlers alive per client.
  if (!network && !doc) return NOTHING_TO_DETACH;
  const onOnline = (): void => handlers.online();
  const onOffline = (): void => handlers.offline();
  const onVisibility = (): void => {
    if (doc && doc.visibilityState === 'visible') handlers.visible();
  };
  network?.addEventListener('online', onOnline);
  network?.addEventListener('offline', onOffline);
  doc?.addEventListener('visibilitychange', onVisibility);
  return () => {
    network?.removeEventListener('online', onOnline);
    network?.removeEventListener('offline', onOffline);
    doc?.removeEventListener('visibilitychange', onVisibility);
  };
}

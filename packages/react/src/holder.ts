import type { LifecycleClient } from '@polysocket/core';
import { Store } from './store';

/**
 * What the provider keeps across renders: the client, made on first use (never during a render that React may
 * throw away without a commit: making a client opens nothing), connected when the provider mounts and closed when
 * it unmounts. The close waits one microtask, so StrictMode's unmount-and-mount-again (both in one commit) keeps the
 * client and its one connection. A provider that mounts again after its client was closed (`<Activity>` shown
 * again, a Fast Refresh) gets a new client: the holder is an external store whose snapshot is the current client.
 */
export class ClientHolder<C extends LifecycleClient> extends Store<C | undefined> {
  private mounts = 0;

  constructor(
    private readonly create: () => C,
    private readonly autoConnect: boolean,
  ) {
    super(undefined);
  }

  /** The current client (the store's snapshot). */
  readonly get = (): C => (this.value ??= this.create());

  /** The provider mounted (its layout effect): connect the client (once per client). */
  readonly start = (): void => {
    const client = this.get();
    // Once per client: StrictMode's second layout effect, or a Suspense boundary's, finds it connecting already.
    // A failure is also the client's `error` event and `state`: the app sees it there.
    if (this.autoConnect && client.state === 'idle') client.connect().catch(() => undefined);
  };

  /**
   * The provider mounted (its passive effect): counted. Returns the unmount, which closes the client unless the
   * provider mounts again meanwhile (StrictMode's unmount and mount again, in one commit).
   */
  readonly mount = (): (() => void) => {
    this.mounts++;
    return () => {
      this.mounts--;
      queueMicrotask(() => {
        if (this.mounts) return;
        this.value?.close();
        // Closed while the provider is away: a fresh client for a fresh mount.
        this.set(undefined);
      });
    };
  };
}

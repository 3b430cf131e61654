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
  /** The current client was connected (or closed): a mount after that needs no `connect()`, or a new client. */
  private started = false;

  constructor(
    private readonly create: () => C,
    private readonly autoConnect: boolean,
  ) {
    super(undefined);
  }

  /** The current client (the store's snapshot). */
  readonly get = (): C => (this.value ??= this.create());

  /** The provider mounted (its passive effect): counted, so an unmount and a mount in one commit keep the client. */
  mount(): void {
    this.mounts++;
  }

  /** The provider mounted (its layout effect): connect the client (once per client). */
  start(): void {
    if (this.started || !this.autoConnect) return;
    this.started = true;
    // A failure is also the client's `error` event and `state`: the app sees it there.
    this.get()
      .connect()
      .catch(() => undefined);
  }

  /** The provider unmounted: close the client unless the provider mounts again meanwhile. */
  unmount(): void {
    this.mounts--;
    queueMicrotask(() => {
      const client = this.value;
      if (this.mounts > 0 || client === undefined) return;
      client.close();
      // Closed while the provider is away: a fresh client for a fresh mount.
      this.started = false;
      this.set(undefined);
    });
  }
}

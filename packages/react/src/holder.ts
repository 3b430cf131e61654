import type { LifecycleClient } from '@polysocket/core';

/**
 * What the provider keeps across renders: the client, made on first use (never during a render that React may
 * throw away without a commit: making a client opens nothing), connected when the provider mounts and closed when
 * it unmounts. The close waits one microtask, so StrictMode's unmount-and-mount-again (both in one commit) keeps the
 * client and its one connection. A provider that mounts again after its client was closed (`<Activity>` shown
 * again, a Fast Refresh) gets a new client: the holder is an external store whose snapshot is the current client.
 */
export class ClientHolder<C extends LifecycleClient> {
  private client: C | undefined;
  private mounts = 0;
  private started = false;
  /** The holder closed its client (the provider unmounted): a mount after that needs a new one. */
  private closed = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly create: () => C,
    private readonly autoConnect: boolean,
  ) {}

  /** The current client (the store's snapshot). */
  readonly get = (): C => (this.client ??= this.create());

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The provider's effect ran: connect the client (once per client). */
  mount(): void {
    this.mounts++;
    if (this.closed) {
      // Closed while the provider was away: a fresh client for the fresh mount.
      this.closed = false;
      this.client = undefined;
      this.started = false;
      for (const listener of [...this.listeners]) listener();
    }
    if (!this.started && this.autoConnect) {
      this.started = true;
      // A failure is also the client's `error` event and `state`: the app sees it there.
      this.get()
        .connect()
        .catch(() => undefined);
    }
  }

  /** The provider's effect was cleaned up: close the client unless the provider mounts again meanwhile. */
  unmount(): void {
    this.mounts--;
    queueMicrotask(() => {
      if (this.mounts > 0) return;
      if (this.client === undefined || this.closed) return;
      this.closed = true;
      this.client.close();
    });
  }
}

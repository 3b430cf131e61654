import { LazyMap } from '@polysocket/core';

/**
 * Typing indicators. Outgoing: `start` goes out at most once per `throttleMs` per target and stops by
 * itself after `idleMs` without another start. Incoming: an indicator expires after `expireMs`
 * (the server never expires them).
 */
export class Typing {
  private readonly outgoing = new LazyMap<string, { lastSent: number; idle: ReturnType<typeof setTimeout> }>();
  private readonly incoming = new LazyMap<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly options: { throttleMs: number; idleMs: number; expireMs: number },
    private readonly sendStart: (target: string) => void,
    private readonly sendStop: (target: string) => void,
    private readonly onRemoteChange: (key: string, typing: boolean) => void,
  ) {}

  start(target: string): void {
    const now = Date.now();
    const state = this.outgoing.get(target);
    if (state) clearTimeout(state.idle);
    const idle = setTimeout(() => this.stop(target), this.options.idleMs);
    if (!state || now - state.lastSent >= this.options.throttleMs) {
      this.sendStart(target);
      this.outgoing.set(target, { lastSent: now, idle });
    } else {
      state.idle = idle;
    }
  }

  stop(target: string): void {
    const state = this.outgoing.get(target);
    if (!state) return;
    clearTimeout(state.idle);
    this.outgoing.delete(target);
    this.sendStop(target);
  }

  /** A remote start or stop; keys are e.g. a userId, or `groupId:userId`. */
  remote(key: string, typing: boolean): void {
    const timer = this.incoming.get(key);
    if (timer) clearTimeout(timer);
    if (!typing) {
      if (this.incoming.delete(key)) this.onRemoteChange(key, false);
      return;
    }
    const fresh = !timer;
    this.incoming.set(
      key,
      setTimeout(() => {
        this.incoming.delete(key);
        this.onRemoteChange(key, false);
      }, this.options.expireMs),
    );
    if (fresh) this.onRemoteChange(key, true);
  }

  get typing(): ReadonlySet<string> {
    return new Set(this.incoming.keys());
  }

  dispose(): void {
    for (const state of this.outgoing.values()) clearTimeout(state.idle);
    for (const timer of this.incoming.values()) clearTimeout(timer);
    this.outgoing.clear();
    this.incoming.clear();
  }
}

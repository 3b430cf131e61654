import type { SockrBase } from './base';
import { LazyMap } from '@polysocket/core';

type Timer = ReturnType<typeof setTimeout>;

/**
 * Typing indicators. Outgoing: `start` goes out at most once per `throttleMs` per target — also across a stop and a
 * new start (a start within the window after a stop waits for its end, and is dropped if a stop comes first) —
 * and stops by itself after `idleMs` without another start; `stop` goes out at once. Incoming: an indicator
 * expires after `expireMs` (the server never expires them).
 */
export class Typing {
  /**
   * Per target: when a start last went out, whether the target shows us typing (a start sent, no stop since), the
   * idle timer while typing, and a start held back by the throttle.
   */
  private readonly outgoing = new LazyMap<string, { sent: number; shown?: boolean; idle?: Timer; held?: Timer }>();
  private readonly incoming = new LazyMap<string, Timer>();

  constructor(
    private readonly options: { throttleMs: number; idleMs: number; expireMs: number },
    private readonly sendStart: (target: string) => void,
    private readonly sendStop: (target: string) => void,
    private readonly onRemoteChange: (key: string, typing: boolean) => void,
  ) {}

  start(target: string): void {
    const out = this.outgoing.get(target) ?? { sent: -Infinity };
    this.outgoing.set(target, out);
    clearTimeout(out.idle);
    out.idle = setTimeout(() => this.stop(target), this.options.idleMs);
    const send = (): void => {
      out.held = undefined;
      out.sent = Date.now();
      out.shown = true;
      this.sendStart(target);
    };
    const wait = out.sent + this.options.throttleMs - Date.now();
    // Within the window: a target that shows us typing needs nothing; after a stop, the start waits.
    if (wait <= 0) send();
    else if (!out.shown) out.held ??= setTimeout(send, wait);
  }

  stop(target: string): void {
    const out = this.outgoing.get(target);
    if (out?.idle === undefined) return;
    clearTimeout(out.idle);
    clearTimeout(out.held);
    out.idle = out.held = undefined;
    if (out.shown) {
      out.shown = false;
      this.sendStop(target);
    }
  }

  /** A remote start or stop; keys are e.g. a userId, or `groupId:userId`. */
  remote(key: string, typing: boolean): void {
    const timer = this.incoming.get(key);
    clearTimeout(timer);
    if (!typing) {
      if (this.incoming.delete(key)) this.onRemoteChange(key, false);
      return;
    }
    this.incoming.set(
      key,
      setTimeout(() => this.remote(key, false), this.options.expireMs),
    );
    if (!timer) this.onRemoteChange(key, true);
  }

  get typing(): ReadonlySet<string> {
    return new Set(this.incoming.keys());
  }

  dispose(): void {
    for (const out of this.outgoing.values()) {
      clearTimeout(out.idle);
      clearTimeout(out.held);
    }
    for (const timer of this.incoming.values()) clearTimeout(timer);
    this.outgoing.clear();
    this.incoming.clear();
  }
}

/**
 * The typing-indicators module: `startTyping`, `startGroupTyping`, `typingNow` and the `typing` event. Pass
 * it as the `typing` option (timings in `typingTimes`):
 *
 *   import { SockrClient, sockrTyping } from '@polysocket/sockr';
 *   new SockrClient({ url, token, typing: sockrTyping });
 */
export interface SockrTypingModule {
  /** @internal */
  create(client: SockrBase, times?: { throttleMs?: number; idleMs?: number; expireMs?: number }): SockrTyping;
}

/** Typing indicators, for the `typing` option. */
export const sockrTyping: SockrTypingModule = {
  create: (client, times) => new SockrTyping(client, { throttleMs: 2000, idleMs: 3000, expireMs: 5000, ...times }),
};

/** @internal A client's typing indicators: direct ones keyed by userId, group ones by `groupId\0userId`. */
export class SockrTyping {
  readonly direct: Typing;
  readonly group: Typing;

  constructor(client: SockrBase, times: { throttleMs: number; idleMs: number; expireMs: number }) {
    const typing = (field: string, prefix = ''): Typing =>
      new Typing(
        times,
        (target) => void client.fire(`${prefix}typing_start`, { [field]: target }),
        (target) => void client.fire(`${prefix}typing_stop`, { [field]: target }),
        (key, on) => {
          const [groupId, userId] = key.split('\u0000');
          client.emit(
            'typing',
            userId === undefined
              ? { key, typing: on, userId: groupId }
              : { key: `${groupId}:${userId}`, typing: on, groupId, userId },
          );
        },
      );
    this.direct = typing('to');
    this.group = typing('groupId', 'group_');
  }

  /** Users (and `groupId:userId` pairs) typing to this client now. */
  now(): ReadonlySet<string> {
    return new Set([...this.direct.typing, ...this.group.typing].map((key) => key.replace('\u0000', ':')));
  }

  /** typing_start/stop or group_typing_start/stop from the server (shape already checked). */
  onEvent(event: string, data: Record<string, unknown>): void {
    const on = event.endsWith('start');
    if (event.startsWith('group')) this.group.remote(`${String(data.groupId)}\u0000${String(data.from)}`, on);
    else this.direct.remote(String(data.from), on);
  }

  end(): void {
    this.direct.dispose();
    this.group.dispose();
  }
}

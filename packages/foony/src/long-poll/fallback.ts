import {
  CLOSE_NORMAL,
  webSocketTransport,
  type CloseInfo,
  type Transport,
  type TransportData,
  type TransportFactory,
  type TransportListener,
} from '@polysocket/core';
import { binaryOnly } from '../errors';
import type { FallbackContext, FoonyFallback } from '../fallback-module';
import { LongPollTransport, type LongPollFetch } from './transport';

/** `foonyLongPoll`'s options. */
export interface FoonyLongPollOptions {
  /** The fetch the long-poll requests use. Default: the global one (Node 18+, browsers). */
  fetch?: LongPollFetch;
  /** Each long-poll request is abandoned after this (the service holds a poll about 25 s). Default 40 000 ms. */
  requestTimeoutMs?: number;
  /** How long after a WebSocket failure long-poll is kept before WebSocket is tried again. Default 60 000 ms. */
  reprobeMs?: number;
  /**
   * While a long-poll session is up, probe WebSocket every `reprobeMs` (an upgrade, closed at once, no session)
   * and, once one opens, move the session to WebSocket (a reconnect that resumes it). Default true; false:
   * WebSocket is tried again only at the next reconnect, as the official client does.
   */
  upgrade?: boolean;
  /** Long-poll only: never try WebSocket (the official client's `transport: 'long-polling'`). Default false. */
  only?: boolean;
}

/** How long a background probe may take to open before it counts as failed. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Which transport each attempt uses. WebSocket first; an attempt whose WebSocket never brought a server frame makes
 * the next attempt long-poll, until `reprobeMs` has passed since (then WebSocket is tried first again); a long-poll
 * attempt that never got a frame either (the network is down, not WebSockets blocked) returns to WebSocket.
 */
class TransportChoice {
  private longPoll: boolean;
  private wsFailedAt = 0;
  /** A move to WebSocket after a probe failed (an upgrade that opens, then carries nothing): no more probes until a WebSocket session works. */
  private probesBroken = false;
  private moving = false;
  private probeTimer: ReturnType<typeof setTimeout> | undefined;
  private probe: Transport | undefined;
  readonly factory: TransportFactory = () => this.next();
  /** The client's WebSocket transport (or its `transport` option). */
  private readonly webSocket: TransportFactory;

  constructor(
    private readonly context: FallbackContext,
    private readonly options: FoonyLongPollOptions,
  ) {
    const client = context.options;
    // Long-poll carries binary records only.
    if (client.wire?.binary === false) throw binaryOnly('fallback');
    this.webSocket = client.transport ?? webSocketTransport(client);
    this.longPoll = options.only === true;
  }

  private get reprobeMs(): number {
    const ms = this.options.reprobeMs;
    return typeof ms === 'number' && ms >= 0 ? ms : 60_000;
  }

  private next(): Transport {
    const { options, context } = this;
    if (this.longPoll && !options.only && Date.now() - this.wsFailedAt >= this.reprobeMs) this.longPoll = false;
    if (!this.longPoll) {
      const moving = this.moving;
      this.moving = false;
      return new Watched(this.webSocket(), true, {
        frame: () => {
          this.wsFailedAt = 0;
          this.probesBroken = false;
        },
        ended: (got, failed) => {
          if (got || !failed || options.only) return;
          // The WebSocket carried nothing: try long-poll next, and probe WebSocket again later.
          this.wsFailedAt = Date.now();
          this.longPoll = true;
          if (moving) this.probesBroken = true;
        },
      });
    }
    const transport = new LongPollTransport({
      url: context.options.url,
      fetch: options.fetch,
      requestTimeoutMs: options.requestTimeoutMs,
      maxBodySize: context.options.maxFrameSize,
      maxSendBody: context.options.maxMessageSize,
    });
    return new Watched(transport, false, {
      frame: () => this.scheduleProbe(),
      ended: (got, failed) => {
        this.stopProbe();
        // Long-poll failed the same way: the network was down rather than WebSockets blocked.
        if (!got && failed && !options.only) this.longPoll = false;
      },
    });
  }

  private scheduleProbe(): void {
    const { options } = this;
    if (options.only || options.upgrade === false || this.probesBroken) return;
    this.stopProbe();
    this.probeTimer = setTimeout(() => this.startProbe(), Math.max(this.reprobeMs, 1000));
  }

  private startProbe(): void {
    this.probeTimer = undefined;
    let probe: Transport;
    try {
      probe = this.probe = this.webSocket();
    } catch {
      return;
    }
    const settle = (opened: boolean): void => {
      if (this.probe !== probe) return;
      this.stopProbe();
      if (!opened) {
        this.wsFailedAt = Date.now();
        return this.scheduleProbe();
      }
      // WebSockets work again: move the session (the reconnect resumes it by serial and connectionId).
      this.longPoll = false;
      this.moving = true;
      this.context.connection.reconnect({ reason: 'moving from long-poll to WebSocket' });
    };
    this.probeTimer = setTimeout(() => settle(false), PROBE_TIMEOUT_MS);
    try {
      probe.open({
        onOpen: () => settle(true),
        onMessage: () => undefined,
        onError: () => undefined,
        onClose: () => settle(false),
      });
    } catch {
      settle(false);
    }
  }

  /** Stops the probe timer and closes a probe in flight (the long-poll session ended, or the probe settled). */
  private stopProbe(): void {
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    const probe = this.probe;
    this.probe = undefined;
    probe?.close(CLOSE_NORMAL, 'probe');
  }
}

interface WatchHooks {
  /** The first server frame arrived. */
  frame(): void;
  /** The transport ended: `got` whether a frame ever arrived, `failed` whether it failed (not an app close). */
  ended(got: boolean, failed: boolean): void;
}

/**
 * A transport as the client sees it, watched for what decides the next attempt's transport: whether a server
 * frame ever arrived, and how it ended.
 */
class Watched implements Transport, TransportListener {
  private listener: TransportListener | undefined;
  private got = false;
  private opened = false;
  private wrote = false;
  private done = false;

  constructor(
    private readonly inner: Transport,
    /** A WebSocket with long-poll left to fall back to: an HTTP status to its upgrade must not stop the client. */
    private readonly hideStatus: boolean,
    private readonly hooks: WatchHooks,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get bufferedAmount(): number {
    return this.inner.bufferedAmount;
  }

  open(listener: TransportListener): void {
    this.listener = listener;
    this.inner.open(this);
  }

  send(data: TransportData): void {
    this.wrote = true;
    this.inner.send(data);
  }

  /**
   * By the client: a drop (not the app's close) of a transport that never opened (the connect timeout), or that
   * carried the auth record and brought nothing back, is the transport's failure. One dropped before the auth
   * record went out (the auth callback failed) says nothing about the transport.
   */
  close(code?: number, reason?: string): void {
    this.end(this.dropped(code));
    this.inner.close(code, reason);
  }

  terminate(code?: number, reason?: string): void {
    this.end(this.dropped(code));
    if (this.inner.terminate) this.inner.terminate(code, reason);
    else this.inner.close(code, reason);
  }

  ping(): boolean {
    return this.inner.ping?.() ?? false;
  }

  // TransportListener
  onOpen(): void {
    this.opened = true;
    this.listener?.onOpen();
  }

  onMessage(data: TransportData): void {
    if (!this.got) {
      this.got = true;
      this.hooks.frame();
    }
    this.listener?.onMessage(data);
  }

  onError(error: Error): void {
    if (this.hideStatus && !this.got && typeof (error as { status?: unknown }).status === 'number') {
      const hidden: Error & { cause?: unknown } = new Error(`${error.message} (falling back to long-poll)`);
      hidden.cause = error;
      error = hidden;
    }
    this.listener?.onError(error);
  }

  onClose(info: CloseInfo): void {
    this.end(true);
    this.listener?.onClose(info);
  }

  onPong(): void {
    this.listener?.onPong?.();
  }

  private dropped(code: number | undefined): boolean {
    return code !== CLOSE_NORMAL && (this.wrote || !this.opened);
  }

  private end(failed: boolean): void {
    if (this.done) return;
    this.done = true;
    this.hooks.ended(this.got, failed);
  }
}

/**
 * Module: the Foony service's HTTP long-poll fallback, for `FoonyClient`'s `fallback` option (binary wire
 * only). Pass it as it is, or with options:
 * `new FoonyClient({ url, token, fallback: foonyLongPoll({ reprobeMs: 30_000 }) })`.
 */
export function foonyLongPoll(options?: FoonyLongPollOptions): FoonyFallback;
/** @internal The client calls the module with its context. */
export function foonyLongPoll(context: FallbackContext): TransportFactory;
export function foonyLongPoll(arg?: FoonyLongPollOptions | FallbackContext): FoonyFallback | TransportFactory {
  if (arg && 'options' in arg) return new TransportChoice(arg as FallbackContext, {}).factory;
  const options = { ...(arg as FoonyLongPollOptions | undefined) };
  return (context: FallbackContext) => new TransportChoice(context, options).factory;
}

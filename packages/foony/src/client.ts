import {
  Connection,
  LazyMap,
  CursorStore,
  PolySocketError,
  urlSecrets,
  withoutCredentials,
  backoffDelay,
  clampMs,
  fetchCredentials,
  webSocketTransport,
  type ConnectionEvents,
  type ConnectionState,
  type ConnectionTuning,
  type HandshakeContext,
  type HandshakeResult,
  type HeartbeatPolicy,
  type Protocol,
  type RestoreContext,
  type StorageLike,
  type TransportFactory,
  type WebSocketConstructor,
  type RequestId,
  type TransportData,
} from '@polysocket/core';
import { FoonyChannel } from './channel';
import { validateChannelName } from './channel-name';
import { decodeFrame, encodeFrame } from './codec';
import { errorFromFrame } from './errors';
import { ErrorCode, type AuthFrame, type ClientFrame, type ErrorFrame, type ServerFrame } from './wire';

/**
 * Exactly one credential: `token`, `key` or `authCallback` (two together are a type error, and INVALID at run
 * time for JavaScript callers).
 */
export type FoonyCredentials =
  | {
      /** A static token. It is never renewed: once the server calls it expired, the client fails. */
      token: string;
      key?: undefined;
      authCallback?: undefined;
    }
  | {
      /** An API key (`app.keyId:secret`), for servers only. */
      key: string;
      token?: undefined;
      authCallback?: undefined;
    }
  | {
      /** Returns a fresh token; called on every connect and after the server reports expiry. */
      authCallback: () => string | Promise<string>;
      token?: undefined;
      key?: undefined;
    };

/** `FoonyClient`'s options: a url, one credential (`FoonyCredentials`) and the rest of `FoonyConnectOptions`. */
export type FoonyClientOptions = FoonyConnectOptions & FoonyCredentials;

/** Every option of `FoonyClient` but the credential. */
export interface FoonyConnectOptions extends ConnectionTuning {
  /** The realtime endpoint, e.g. `wss://realtime.example.com` or `ws://127.0.0.1:8080/foony`. */
  url: string;
  /** Sent in the auth frame with any credential (the seed's frame allows it): names this client with key auth; with a token the server decides whether it applies. */
  clientId?: string;
  /** How long `authCallback` may take before the attempt fails (and is retried). Default 10 000 ms. */
  authTimeoutMs?: number;
  /** Apply the strict channel grammar of later Foony servers. Default false (loose checks only). */
  strictChannelNames?: boolean;
  /** Resend publishes that were in flight at a drop (at-least-once; may duplicate). Default false. */
  publishResend?: boolean;
  /** Persist resume cursors here (e.g. `localStorage`) so a reloaded page resumes where it left off. */
  cursorStorage?: StorageLike;
  /** The key cursors are stored under; default `polysocket:foony:<url>`, the url without its query, fragment and credentials. */
  cursorStorageKey?: string;
  /** Any WebSocket constructor (default: the global one in browsers, `ws` in Node). */
  WebSocket?: WebSocketConstructor;
  /** Replaces the WebSocket transport entirely (tests use the in-memory one). */
  transport?: TransportFactory;
  /** Refuse `ws://` to a non-loopback host: the client fails (INVALID) instead of sending a token in clear. */
  secureOnly?: boolean;
}

/** What a Foony session is, from its `connected` frame. */
export interface FoonySession {
  connectionId: string;
  clientId: string;
  /** The ping period in use: the server's `keepAliveMs` bounded to 250 ms – 10 min (15 s if it sent no number), 0 when off. */
  keepAliveMs: number;
}

export type FoonyClientEvents = ConnectionEvents<FoonySession>;

const PING: ClientFrame = { t: 'ping' };

/**
 * The ping period for a `keepAliveMs` the server announced: ≤ 0 turns pings off (as the official client does);
 * anything else is bounded to 250 ms – 10 min (at most 4 pings a second: a hostile or broken 0.5 or 2^31 can
 * neither flood the link nor silence the keep-alive; 250 ms is also the official client's shortest pong
 * deadline); a non-number (decoded as NaN) falls back to 15 s, about the service's own cadence.
 */
export function keepAliveInterval(announced: number): number {
  return announced <= 0 ? 0 : clampMs(announced, 250, 600_000, 15_000);
}

/** The dead-link deadline after each ping, as the official client clamps it. */
export function pongDeadline(keepAliveMs: number): number {
  return Math.min(10_000, Math.max(250, keepAliveMs));
}

/** A client for the Foony realtime JSON wire. */
export class FoonyClient {
  readonly connection: Connection<ClientFrame, ServerFrame, FoonySession>;
  /** Resume cursors (channel → last delivered messageId) and recent ids for exactly-once delivery. */
  readonly cursors: CursorStore;
  private readonly channels = new LazyMap<string, FoonyChannel>();
  private sessionNumber = 0;

  constructor(private readonly options: FoonyClientOptions) {
    const modes = [options.token, options.key, options.authCallback].filter((v) => v !== undefined).length;
    if (modes !== 1)
      throw new PolySocketError('INVALID', 'FoonyClient needs exactly one of token, key or authCallback');
    if (typeof options.url !== 'string' || options.url.length === 0)
      throw new PolySocketError(
        'INVALID',
        "FoonyClient needs a url: the server's ws:// or wss:// address, e.g. { url: 'ws://127.0.0.1:8080/foony' }",
      );
    this.cursors = new CursorStore({
      storage: options.cursorStorage,
      storageKey: options.cursorStorageKey ?? defaultCursorKey(options.url, options.cursorStorage),
      recentIds: 8192,
    });
    this.connection = new Connection<ClientFrame, ServerFrame, FoonySession>(
      {
        protocol: new FoonyClient.Wire(this),
        // The transport reads url, WebSocket and secureOnly straight from the app's options (no copy per client).
        transport: options.transport ?? webSocketTransport(options),
      },
      options,
    );
    const { token, key } = options;
    for (const secret of urlSecrets(options.url)) this.connection.logger.addSecret(secret);
    this.connection.logger.addSecret(token);
    this.connection.logger.addSecret(key);
    // The private part of `app.keyId:secret` on its own, should a server echo only that.
    if (typeof key === 'string') this.connection.logger.addSecret(key.slice(key.lastIndexOf(':') + 1));
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  /** The current (or last) session: connectionId, clientId, keepAliveMs. */
  get session(): FoonySession | undefined {
    return this.connection.info;
  }

  connect(): Promise<void> {
    return this.connection.connect();
  }

  /** Closes the connection and flushes persisted cursors. Channels keep their intent for a later `connect()`. */
  close(): void {
    this.connection.close();
    this.cursors.dispose();
  }

  /** `util.inspect(client)` and `console.log(client)` in Node: a summary, never the options (they hold the credentials). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `FoonyClient { url: ${JSON.stringify(this.connection.logger.redact(this.options.url))}, state: '${this.state}' }`;
  }

  on<E extends keyof FoonyClientEvents>(event: E, listener: (...args: FoonyClientEvents[E]) => void): this {
    this.connection.on(event, listener as never);
    return this;
  }

  once<E extends keyof FoonyClientEvents>(event: E, listener: (...args: FoonyClientEvents[E]) => void): this {
    this.connection.once(event, listener as never);
    return this;
  }

  off<E extends keyof FoonyClientEvents>(event: E, listener?: (...args: FoonyClientEvents[E]) => void): this {
    this.connection.off(event, listener as never);
    return this;
  }

  /** The channel of that name (the same instance on every call). Throws INVALID for a bad name. */
  channel(name: string): FoonyChannel {
    let channel = this.channels.get(name);
    if (channel) return channel;
    validateChannelName(name, this.options.strictChannelNames);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getter below reads the client's live session number
    const host = this;
    channel = new FoonyChannel(name, {
      request: (build, options) => this.connection.request(build, options),
      report: (error) => this.connection.report(error),
      get session() {
        return host.sessionNumber;
      },
      get isConnected() {
        return host.connection.isConnected;
      },
      cursors: this.cursors,
      publishResend: this.options.publishResend === true,
      cannotSend: () => this.connection.cannotSend(),
      retryDelay: (attempt) => backoffDelay(attempt, this.options.backoff, this.options.random),
      reportListenerError: (error) => this.connection.reportListenerError(error),
    });
    this.channels.set(name, channel);
    return channel;
  }

  // ---- the wire ----

  /** The client's side of the connection: one object per client, its methods on the prototype. */
  private static readonly Wire = class FoonyWire implements Protocol<ClientFrame, ServerFrame, FoonySession> {
    constructor(private readonly client: FoonyClient) {}
    get name(): string {
      return 'foony';
    }
    /** The official client allows 15 s. */
    get connectTimeoutMs(): number {
      return 15_000;
    }
    /** No Foony server limit is documented; 1 MiB is what the mock (ws's default) and common proxies accept. See docs/foony.md. */
    get maxMessageSize(): number {
      return 1_048_576;
    }
    encode(frame: ClientFrame): string {
      return encodeFrame(frame);
    }
    decode(data: TransportData, emit: (frame: ServerFrame) => void): void {
      emit(decodeFrame(data));
    }
    handshake(
      context: HandshakeContext<ClientFrame, ServerFrame>,
    ): Promise<HandshakeResult<ClientFrame, ServerFrame, FoonySession>> {
      return this.client.handshake(context);
    }
    replyTo(frame: ServerFrame): RequestId | undefined {
      return frame.t === 'ack' || frame.t === 'histRes' || (frame.t === 'err' && frame.id !== undefined)
        ? frame.id
        : undefined;
    }
    replyError(frame: ServerFrame): PolySocketError | undefined {
      return frame.t === 'err' ? errorFromFrame(frame) : undefined;
    }
    restore(context: RestoreContext<ClientFrame, ServerFrame>): void {
      this.client.restore(context);
    }
    onFrame(frame: ServerFrame): void {
      this.client.onFrame(frame);
    }
    onState(state: ConnectionState): void {
      const channels = this.client.channels;
      if (state !== 'connected') {
        for (const channel of channels.values()) channel.linkDown();
      } else {
        // A channel subscribed while the restore was running missed it: attach it now.
        for (const channel of channels.values()) if (channel.needsAttach) channel.attach();
      }
    }
  };

  private async handshake(
    context: HandshakeContext<ClientFrame, ServerFrame>,
  ): Promise<HandshakeResult<ClientFrame, ServerFrame, FoonySession>> {
    context.send(await this.authFrame(context.signal));
    const frame = await context.receive();
    if (frame.t === 'err') throw this.handshakeError(frame);
    if (frame.t !== 'connected')
      throw new PolySocketError('PROTOCOL', `expected connected, got ${frame.t}`, { retryable: true });
    this.sessionNumber++;
    const keepAliveMs = keepAliveInterval(frame.keepAliveMs);
    const session: FoonySession = { connectionId: frame.connectionId, clientId: frame.clientId, keepAliveMs };
    let heartbeat: HeartbeatPolicy<ClientFrame, ServerFrame> | undefined;
    if (keepAliveMs > 0)
      heartbeat = { intervalMs: keepAliveMs, ping, isPong, probeTimeoutMs: pongDeadline(keepAliveMs) };
    return { info: session, heartbeat };
  }

  private async authFrame(signal: AbortSignal): Promise<AuthFrame> {
    const { token, key, clientId, authCallback } = this.options;
    const named = clientId !== undefined ? { clientId } : {};
    if (key !== undefined) return { t: 'auth', key, ...named };
    if (token !== undefined) return { t: 'auth', token, ...named };
    const fresh = await fetchCredentials('authCallback', authCallback!, {
      timeoutMs: this.options.authTimeoutMs ?? 10_000,
      valid: (value) => typeof value === 'string' && value.length > 0,
      expected: 'a non-empty token',
      signal,
    });
    this.connection.logger.addSecret(fresh);
    return { t: 'auth', token: fresh, ...named };
  }

  /** BadAuth/AuthExpired are fatal with a static credential and retried (with a fresh token) with a callback. */
  private handshakeError(frame: ErrorFrame): PolySocketError {
    const isAuth = frame.code === ErrorCode.BadAuth || frame.code === ErrorCode.AuthExpired;
    if (!isAuth) return errorFromFrame(frame, { retryable: true });
    return errorFromFrame(frame, { retryable: this.options.authCallback !== undefined });
  }

  /** Writes every wanted channel's `sub` (and presence re-entry) ahead of the outbox; the answers are not awaited. */
  private restore(context: RestoreContext<ClientFrame, ServerFrame>): void {
    const request = context.request;
    for (const channel of this.channels.values()) channel.restore(request);
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.t) {
      case 'msg':
        this.channels.get(frame.channel)?.deliver(frame);
        return;
      case 'presEvt':
        this.channels.get(frame.channel)?.presence.apply(frame);
        return;
      case 'err':
        this.onUnscopedError(frame);
        return;
      default:
        // A late ack/histRes for a request that already timed out, or a stray pong: nothing to do.
        return;
    }
  }

  /** An `err` with no pending request: token expiry mid-session, or a server-side problem. */
  private onUnscopedError(frame: ErrorFrame): void {
    if (frame.id !== undefined) return; // the reply to a request that timed out or was aborted
    const isAuth = frame.code === ErrorCode.AuthExpired || frame.code === ErrorCode.BadAuth;
    if (isAuth && this.options.authCallback) {
      this.connection.reconnect({ reauth: true, reason: 'token expired' });
      return;
    }
    const error = errorFromFrame(frame, { retryable: !isAuth });
    if (isAuth) this.connection.fail(error);
    else this.connection.report(error);
  }
}

/**
 * `polysocket:foony:<url without query, fragment and credentials>`. Cursors stored under the key of earlier
 * versions (the whole url, query included) move to it, and that entry, which named the credentials, is removed.
 */
function defaultCursorKey(url: string, storage: StorageLike | undefined): string {
  const key = `polysocket:foony:${withoutCredentials(url)}`;
  const legacy = `polysocket:foony:${url}`;
  if (storage === undefined || legacy === key) return key;
  try {
    const stored = storage.getItem(legacy);
    if (stored !== null) {
      if (storage.getItem(key) === null) storage.setItem(key, stored);
      storage.removeItem(legacy);
    }
  } catch {
    // Storage refused (quota, privacy mode): the cursor store copes with it the same way.
  }
  return key;
}

// The heartbeat's functions are shared by every session.
const ping = (): ClientFrame => PING;
const isPong = (frame: ServerFrame): boolean => frame.t === 'pong';

import {
  Connection,
  LazyMap,
  CursorStore,
  PolySocketError,
  urlSecrets,
  clampMs,
  fetchCredentials,
  tuningWebSocket,
  type ConnectionEvents,
  type ConnectionState,
  type ConnectionTuning,
  type HandshakeContext,
  type HandshakeResult,
  type Protocol,
  type RestoreContext,
  type TransportFactory,
  type WebSocketConstructor,
  type TransportData,
  type RequestId,
  INSPECT,
  type EncodedFrame,
} from '@polysocket/core';
import { FoonyChannel, type ChannelHost, type Request } from './channel';
import type { ChannelNameRules } from './channel-name';
import { checkModules, errorFromFrame } from './errors';
import type { CursorPersistence } from './persist-cursors';
import type { PresenceModule } from './presence';
import type { ClientFrame, ServerFrame } from './wire';
import { WRONG_WIRE, type FoonyWire } from './wire-module';
import { foonyBinaryWire } from './binary/wire';
import type { ChannelCiphers, CipherModule } from './binary/cipher';
import type { FoonyFallback } from './fallback-module';

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
  /** Resend publishes that were in flight at a drop (at-least-once; may duplicate). Default false. */
  publishResend?: boolean;
  /** Module: presence (`channel.presence`). Pass `foonyPresence`; without it `channel.presence` throws INVALID. */
  presence?: PresenceModule;
  /** Module: client-side channel-name rules, `looseChannelNames` or `strictChannelNames`. Without it the server judges names. */
  channelNames?: ChannelNameRules;
  /** Module: persist resume cursors so a reloaded page resumes, e.g. `webStorageCursors(localStorage)`. */
  persistCursors?: CursorPersistence;
  /**
   * Module: the wire. Default: the Foony service's binary records (`foonyBinaryWire`); `foonySeedWire` for a
   * server of the seed's JSON frames.
   */
  wire?: FoonyWire;
  /**
   * Module: end-to-end encryption of message data, `foonyCipher({ key })` (every channel, or a per-channel key
   * chooser); readable by the official client's `Cipher`. Binary wire only: with `wire: foonySeedWire` INVALID.
   */
  cipher?: CipherModule;
  /** @deprecated Removed: pass `channelNames: strictChannelNames`. */
  strictChannelNames?: never;
  /** @deprecated Removed: pass `persistCursors: webStorageCursors(storage)`. */
  cursorStorage?: never;
  /** @deprecated Removed: pass `persistCursors: webStorageCursors(storage, { key })`. */
  cursorStorageKey?: never;
  /**
   * Module: a transport to fall back to where WebSockets are blocked: `foonyLongPoll` (or `foonyLongPoll(options)`),
   * the service's HTTP long-poll. Binary wire only (with `wire: foonySeedWire` INVALID). Without it the client speaks
   * WebSocket only.
   */
  fallback?: FoonyFallback;
  /** Any WebSocket constructor (default: the global one in browsers, `ws` in Node). */
  WebSocket?: WebSocketConstructor;
  /** Replaces the WebSocket transport entirely (tests use the in-memory one); with `fallback`, it stands for the WebSocket. */
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

type FoonyConnection = Connection<ClientFrame, ServerFrame, FoonySession>;

/**
 * The client's side of the wire and its channels' host: one object per client, its methods on the prototype.
 * Internal: the app sees `FoonyClient`.
 */
class FoonyLink implements Protocol<ClientFrame, ServerFrame, FoonySession>, ChannelHost {
  readonly name = 'foony';
  /** The official client allows 15 s. */
  readonly connectTimeoutMs = 15_000;
  /** No Foony server limit is documented; 1 MiB is what the mock (ws's default) and common proxies accept. See docs/foony.md. */
  readonly maxMessageSize = 1_048_576;
  readonly channels = new LazyMap<string, FoonyChannel>();
  /** Resume cursors (channel → last delivered messageId) and recent ids for exactly-once delivery. */
  readonly cursors = new CursorStore({ recentIds: 8192 });
  /** Sessions so far: a channel knows which session it is attached in. */
  session = 0;
  readonly connection: FoonyConnection;

  /** The `cipher` module, for this client (it checks the wire); undefined without it. */
  readonly cipher: ChannelCiphers | undefined;
  /** The wire: the `wire` option, the binary records by default. */
  readonly wire: FoonyWire;

  /** The app's options. Not enumerable: they hold the credentials, which spreading or a JSON logger must not reach. */
  declare readonly options: FoonyClientOptions;

  constructor(options: FoonyClientOptions) {
    Object.defineProperty(this, 'options', { value: options });
    this.wire = options.wire ?? foonyBinaryWire;
    this.cipher = options.cipher?.(options);
    this.connection = new Connection<ClientFrame, ServerFrame, FoonySession>(
      {
        protocol: this,
        // The transport reads url, WebSocket and secureOnly straight from the app's options (no copy per client);
        // a fallback module makes the choice per attempt.
        transport: options.fallback ? options.fallback(this) : (options.transport ?? tuningWebSocket),
      },
      options,
    );
  }

  /** `util.inspect` of a channel shows its host: never the options (they hold the credentials). */
  [INSPECT](): string {
    return 'FoonyLink';
  }

  encode(frame: ClientFrame): EncodedFrame {
    return this.wire.encode(frame);
  }

  decode(data: TransportData, emit: (frame: ServerFrame) => void): void {
    this.wire.decode(data, emit);
  }

  async handshake(
    context: HandshakeContext<ClientFrame, ServerFrame>,
  ): Promise<HandshakeResult<ClientFrame, ServerFrame, FoonySession>> {
    const { token, key, clientId, authCallback } = this.options;
    const fresh = authCallback
      ? await fetchCredentials('authCallback', authCallback, {
          timeoutMs: this.options.authTimeoutMs ?? 10_000,
          valid: (value) => typeof value === 'string' && value.length > 0,
          expected: 'a non-empty token',
          signal: context.signal,
        })
      : token;
    this.connection.logger.addSecret(fresh);
    // The last session's connectionId: presence survives a short drop (a wire without it leaves it out).
    const resumeConnectionId = this.connection.info?.connectionId;
    context.send({ t: 'auth', token: fresh, key, clientId, resumeConnectionId } as ClientFrame);
    const frame = await context.receive();
    // BadAuth/AuthExpired are fatal with a static credential and retried (with a fresh token) with a callback; a
    // server of the other wire is fatal (retrying cannot help: the app must choose the wire).
    if (frame.t === 'err')
      throw errorFromFrame(frame, {
        retryable: frame.code !== WRONG_WIRE && (!isAuth(frame.code) || !!authCallback),
      });
    if (frame.t !== 'connected')
      throw new PolySocketError('PROTOCOL', `expected connected, got ${frame.t}`, { retryable: true });
    this.session++;
    const keepAliveMs = keepAliveInterval(frame.keepAliveMs);
    return {
      info: { connectionId: frame.connectionId, clientId: frame.clientId, keepAliveMs },
      heartbeat:
        keepAliveMs > 0
          ? { intervalMs: keepAliveMs, ping, isPong, probeTimeoutMs: pongDeadline(keepAliveMs) }
          : undefined,
    };
  }

  replyTo(frame: ServerFrame): RequestId | undefined {
    const t: string = frame.t;
    // `fetchRes` answers a binary-wire gap fill.
    return t === 'ack' || t === 'histRes' || t === 'err' || t === 'fetchRes'
      ? (frame as { id?: number }).id
      : undefined;
  }

  replyError(frame: ServerFrame): PolySocketError | undefined {
    return frame.t === 'err' ? errorFromFrame(frame) : undefined;
  }

  /** Writes every wanted channel's `sub` (and presence re-entry) ahead of the outbox; the answers are not awaited. */
  restore(context: RestoreContext<ClientFrame, ServerFrame>): void {
    for (const channel of this.channels.values()) channel.restoreChannel(context.request as Request);
  }

  onFrame(frame: ServerFrame): void {
    if (frame.t === 'msg' || frame.t === 'presEvt') this.channels.get(frame.channel)?.deliverFrame(frame);
    // An `err` with no request id: token expiry mid-session, or a server-side problem, or a message of the other
    // wire (one with an id answers a request that timed out or was aborted). A late ack/histRes or a stray pong:
    // nothing to do.
    else if (frame.t === 'err' && frame.id === undefined) {
      const auth = isAuth(frame.code);
      const error = errorFromFrame(frame, { retryable: !auth });
      if (!auth) this.connection.report(error);
      else if (this.options.authCallback) this.connection.reconnect({ reauth: true, reason: 'token expired' });
      else this.connection.fail(error);
    }
  }

  onState(state: ConnectionState): void {
    for (const channel of this.channels.values())
      if (state !== 'connected') channel.linkDown(state === 'closed' || state === 'failed');
      // A channel subscribed while the restore was running missed it: attach it now.
      else if (channel.needsAttach) channel.attach();
  }
}

/** A client for Foony realtime: the service's binary records, or (with `wire: foonySeedWire`) the seed's JSON frames. */
export class FoonyClient {
  readonly connection: FoonyConnection;
  /** Resume cursors (channel → last delivered messageId) and recent ids for exactly-once delivery. */
  readonly cursors: CursorStore;
  private readonly link: FoonyLink;
  /** The cursor persistence module's flush, when there is one. */
  private readonly flushCursors: (() => void) | undefined;

  /** Not enumerable: the app's options hold the credentials, which spreading or a JSON logger must not reach. */
  declare private readonly options: FoonyClientOptions;

  constructor(options: FoonyClientOptions) {
    Object.defineProperty(this, 'options', { value: options });
    if ([options.token, options.key, options.authCallback].filter((v) => v !== undefined).length !== 1)
      throw new PolySocketError('INVALID', 'FoonyClient needs exactly one of token, key or authCallback');
    if (typeof options.url !== 'string' || !options.url)
      throw new PolySocketError('INVALID', "FoonyClient needs a url: e.g. { url: 'wss://host/foony' }");
    checkModules(options);
    const link = (this.link = new FoonyLink(options));
    this.connection = link.connection;
    this.cursors = link.cursors;
    this.flushCursors = options.persistCursors?.(link.cursors, options.url);
    const { token, key } = options;
    // The private part of `app.keyId:secret` on its own too, should a server echo only that.
    const keySecret = typeof key === 'string' ? key.slice(key.lastIndexOf(':') + 1) : undefined;
    for (const secret of [...urlSecrets(options.url), token, key, keySecret]) this.connection.logger.addSecret(secret);
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
    if (this.options.presence) for (const channel of this.link.channels.values()) channel.presence.farewell();
    this.connection.close();
    this.flushCursors?.();
  }

  /** `util.inspect(client)` and `console.log(client)` in Node: a summary, never the options (they hold the credentials). */
  [INSPECT](): string {
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

  /** The channel of that name (the same instance on every call). With `channelNames`, throws INVALID for a bad name. */
  channel(name: string): FoonyChannel {
    const channels = this.link.channels;
    let channel = channels.get(name);
    if (!channel) {
      // A JavaScript caller's `channel(undefined)` would otherwise fail every subscribe for ever.
      if (typeof name !== 'string') throw new PolySocketError('INVALID', 'channel() needs a name (a string)');
      this.options.channelNames?.(name);
      channels.set(name, (channel = new FoonyChannel(name, this.link)));
    }
    return channel;
  }
}

const isAuth = (code: number): boolean => code === 40101 || code === 40102;

// The heartbeat's functions are shared by every session.
const PING: ClientFrame = { t: 'ping' };
const ping = (): ClientFrame => PING;
const isPong = (frame: ServerFrame): boolean => frame.t === 'pong';

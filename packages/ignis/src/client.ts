import {
  Connection,
  LIFECYCLE_EVENTS,
  describeEvent,
  LazySet,
  PolySocketError,
  urlSecrets,
  fetchCredentials,
  toPolySocketError,
  webSocketTransport,
  type ConnectionState,
  type CloseDecision,
  type CloseInfo,
  type HandshakeContext,
  type HandshakeResult,
  type LifecycleEventName,
  type NotOneOf,
  type Protocol,
  type RequestId,
  type RestoreContext,
  type TransportData,
} from '@polysocket/core';
import { AppListeners } from './app-listeners';
import { EcdhSession } from './encryption';
import { SecureSession } from './secure-session';
import {
  decodeEnvelope,
  encodeAppEnvelope,
  encodeJson,
  HEARTBEAT_FRAME,
  withId,
  type IgnisEnvelope,
  type SystemEventName,
} from './envelope';
import { classifyIgnisClose, errorFromMessage } from './errors';
import type {
  AnyListener,
  AppListener,
  AuthPayload,
  IgnisClientOptions,
  IgnisLifecycleEvents,
  IgnisSession,
} from './options';
import { validateRooms } from './rooms';

const ROOMS_PER_FRAME = 100;
/** The TIMEOUT advice of an unanswered request. */
const REQUEST_TIMEOUT_HINT =
  "the server app must answer with the request's id (the Ignis helper never replies by itself; see the replyId option); to wait longer, pass { timeoutMs }";
/** The helper's default inbound limit (Bun's `maxPayloadLength` as the helper sets it). */
const DEFAULT_MAX_PAYLOAD = 131_072;

function randomTag(): string {
  return Math.random().toString(36).slice(2, 8);
}

/** An app event name the client may send: any of the map's but the protocol's own (`SystemEventName`). */
export type IgnisEmitName<E> = E & NotOneOf<E, SystemEventName>;

/**
 * A client for the Ignis WebSocket helper's `{event, data, id?}` envelope. `Events` maps the app events the
 * server sends to their `data` (`{ 'room-message': { text: string } }`), `EmitEvents` those the client sends
 * (default: the same map); without them any name and any data are accepted.
 */
export class IgnisClient<Events extends object = Record<string, unknown>, EmitEvents extends object = Events> {
  readonly connection: Connection<string, IgnisEnvelope, IgnisSession>;
  private readonly rooms = new LazySet<string>();
  private readonly listeners: AppListeners;
  /** Request ids go out as `<tag>:<n>`, so another client's echoed id never matches one of ours. */
  private readonly idTag = randomTag();
  /** The encrypted side, only when encryption is on. */
  private readonly secure: SecureSession | undefined;
  private lastErrorMessage: string | undefined;
  private authFailures = 0;
  /** App frames that arrived before `connected` (rare), delivered once connected. */
  private earlyFrames: IgnisEnvelope[] | undefined;

  constructor(private readonly options: IgnisClientOptions) {
    if (typeof options.url !== 'string' || options.url.length === 0)
      throw new PolySocketError(
        'INVALID',
        "IgnisClient needs a url: the server's ws:// or wss:// address, e.g. { url: 'ws://127.0.0.1:8080/ignis' }",
      );
    if (options.auth !== undefined && options.authProvider !== undefined) {
      throw new PolySocketError('INVALID', 'give IgnisClient either auth or authProvider, not both');
    }
    for (const room of validateRooms(options.rooms ?? [])) this.rooms.add(room);
    this.listeners = new AppListeners((error) => this.connection.reportListenerError(error));
    this.connection = new Connection<string, IgnisEnvelope, IgnisSession>(
      {
        protocol: new IgnisClient.Wire(this),
        // The transport reads url, WebSocket and secureOnly straight from the app's options (no copy per client).
        transport: options.transport ?? webSocketTransport(options),
      },
      options,
    );
    const encryption = options.encryption === true ? {} : options.encryption || undefined;
    if (encryption) this.secure = new SecureSession(this.connection, encryption);
    this.registerSecrets(options.auth);
    for (const secret of urlSecrets(options.url)) this.connection.logger.addSecret(secret);
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  get session(): IgnisSession | undefined {
    return this.connection.info;
  }

  /** The rooms the app asked for; re-joined after every reconnect (the server never confirms them). */
  get joinedRooms(): ReadonlySet<string> {
    return this.rooms;
  }

  connect(): Promise<void> {
    return this.connection.connect();
  }

  close(): void {
    this.connection.close();
  }

  /** `util.inspect(client)` and `console.log(client)` in Node: a summary, never the options (they hold the credentials). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `IgnisClient { url: ${JSON.stringify(this.connection.logger.redact(this.options.url))}, state: '${this.state}' }`;
  }

  /**
   * Lifecycle events (`state`, `connected`, `disconnected`, `reconnecting`, `error`, `rtt`: the same names and
   * payloads on every PolySocket client), or app events by name. An app event named like a lifecycle event: `onEvent`.
   */
  on<E extends LifecycleEventName>(event: E, listener: (...args: IgnisLifecycleEvents[E]) => void): this;
  on<E extends keyof Events & string>(
    event: E & NotOneOf<E, LifecycleEventName>,
    listener: AppListener<Events[E]>,
  ): this;
  on(event: string, listener: (...args: never[]) => void): this {
    if (LIFECYCLE_EVENTS.has(event)) this.connection.on(event as 'state', listener as never);
    else this.listeners.on(event, listener as AppListener);
    return this;
  }

  once<E extends LifecycleEventName>(event: E, listener: (...args: IgnisLifecycleEvents[E]) => void): this;
  once<E extends keyof Events & string>(
    event: E & NotOneOf<E, LifecycleEventName>,
    listener: AppListener<Events[E]>,
  ): this;
  once(event: string, listener: (...args: never[]) => void): this {
    if (LIFECYCLE_EVENTS.has(event)) this.connection.once(event as 'state', listener as never);
    else this.listeners.once(event, listener as AppListener);
    return this;
  }

  off<E extends LifecycleEventName>(event: E, listener?: (...args: IgnisLifecycleEvents[E]) => void): this;
  off<E extends keyof Events & string>(
    event: E & NotOneOf<E, LifecycleEventName>,
    listener?: AppListener<Events[E]>,
  ): this;
  off(event: string, listener?: (...args: never[]) => void): this {
    if (LIFECYCLE_EVENTS.has(event)) this.connection.off(event as 'state', listener as never);
    else this.listeners.off(event, listener as AppListener | undefined);
    return this;
  }

  /** Always an app event, even one named like a lifecycle event. */
  onEvent<E extends keyof Events & string>(event: E, listener: AppListener<Events[E]>): this {
    this.listeners.on(event, listener as AppListener);
    return this;
  }

  /** Removes that listener (also one added with `once`), or every listener of the event; at once, also mid-delivery. */
  offEvent<E extends keyof Events & string>(event: E, listener?: AppListener<Events[E]>): this {
    this.listeners.off(event, listener as AppListener | undefined);
    return this;
  }

  /** Every app event. Returns the function that stops listening. */
  onAny(listener: AnyListener): () => void {
    return this.listeners.onAny(listener);
  }

  /**
   * Sends an app event. Throws INVALID at once for a system event name or data JSON cannot encode (programming
   * errors); a frame over `maxPayloadBytes` rejects with TOO_LARGE and an `error` event, as the core's `send`
   * does. While connecting it waits in the outbox (see the core's `send`).
   */
  emit<E extends keyof EmitEvents & string>(event: IgnisEmitName<E>, data?: EmitEvents[E]): Promise<boolean>;
  emit(event: string, data?: unknown): Promise<boolean> {
    const text = encodeAppEnvelope(event, data);
    const secure = this.secure;
    if (!secure?.options.sealOutbound) return this.connection.send(text);
    // As the core's send: pre-handled, and every failure is also an `error` event (refused at once, or while it
    // waits to be sealed: closed meanwhile, no key); once handed to `send`, the core reports its own.
    const refused = this.connection.cannotSend();
    if (refused) {
      this.connection.report(refused);
      return handled(Promise.reject(refused));
    }
    let handedOver = false;
    const sent = secure.sealed(text, (sealed) => {
      handedOver = true;
      return this.connection.send(sealed);
    });
    return handled(
      sent.catch((error: unknown) => {
        if (!handedOver) this.connection.report(toPolySocketError(error, 'INVALID', 'could not seal the frame'));
        throw error;
      }),
    );
  }

  /**
   * Sends an app event with an `id` and resolves with the reply that carries the same id
   * (top-level by default; see `replyId`). The server app must echo it: the helper itself never does.
   */
  request<Reply = unknown, E extends keyof EmitEvents & string = keyof EmitEvents & string>(
    event: IgnisEmitName<E>,
    data?: EmitEvents[E],
    options?: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<IgnisEnvelope<Reply>>;
  request(
    event: string,
    data?: unknown,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<IgnisEnvelope> {
    let encoded: string;
    try {
      encoded = encodeAppEnvelope(event, data); // validate before anything is reserved
    } catch (error) {
      return Promise.reject(error);
    }
    const build = (id: RequestId): string => withId(encoded, this.wireId(id));
    const named = {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      label: `reply to ${describeEvent(event)}`,
      timeoutHint: REQUEST_TIMEOUT_HINT,
    };
    const secure = this.secure;
    if (secure?.options.sealOutbound) {
      const id = this.connection.nextRequestId();
      return secure.sealed(
        build(id),
        (sealed) => this.connection.request(() => sealed, { ...named, id }) as Promise<IgnisEnvelope>,
      );
    }
    return this.connection.request(build, named) as Promise<IgnisEnvelope>;
  }

  /** Joins rooms (validated by the helper's rules); they are re-joined after every reconnect. */
  join(rooms: string | string[]): void {
    const list = validateRooms(rooms).filter((room) => !this.rooms.has(room));
    for (const room of list) this.rooms.add(room);
    if (list.length > 0 && this.connection.isConnected) this.sendRooms('join', list);
  }

  /** Leaves rooms. The connection's own clientId room is never left (direct messages need it). */
  leave(rooms: string | string[]): void {
    const list = validateRooms(rooms);
    const own = this.session?.clientId;
    if (own !== undefined && list.includes(own)) {
      throw new PolySocketError(
        'INVALID',
        'refusing to leave the connection’s own clientId room: direct messages are routed through it',
      );
    }
    for (const room of list) this.rooms.delete(room);
    if (list.length > 0 && this.connection.isConnected) this.sendRooms('leave', list);
  }

  // ---- the wire ----

  /** The client's side of the connection: one object per client, its methods on the prototype. */
  private static readonly Wire = class IgnisWire implements Protocol<string, IgnisEnvelope, IgnisSession> {
    // `any`: the wire serves every IgnisClient whatever its event map; nothing of it reaches the public API.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(private readonly client: IgnisClient<any, any>) {}
    get name(): string {
      return 'ignis';
    }
    /** The helper's default `maxPayloadLength`, or the app's `maxPayloadBytes` (the core's `maxMessageSize` wins over both). */
    get maxMessageSize(): number {
      return this.client.options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD;
    }
    encode(text: string): string {
      return text;
    }
    decode(data: TransportData, emit: (frame: IgnisEnvelope) => void): void {
      emit(decodeEnvelope(data));
    }
    handshake(
      context: HandshakeContext<string, IgnisEnvelope>,
    ): Promise<HandshakeResult<string, IgnisEnvelope, IgnisSession>> {
      return this.client.handshake(context);
    }
    replyTo(frame: IgnisEnvelope): RequestId | undefined {
      return this.client.replyTo(frame);
    }
    classifyClose(info: CloseInfo): CloseDecision {
      return classifyIgnisClose(info, this.client.lastErrorMessage, this.client.canReauth());
    }
    restore(context: RestoreContext<string, IgnisEnvelope>): void {
      const client = this.client;
      if (client.rooms.size > 0) client.sendRooms('join', [...client.rooms], (text) => context.send(text));
      const early = client.earlyFrames;
      client.earlyFrames = undefined;
      if (early) for (const frame of early) client.listeners.deliver(frame);
    }
    onFrame(frame: IgnisEnvelope): void {
      this.client.onFrame(frame);
    }
    onState(state: ConnectionState): void {
      if (state === 'closed' || state === 'failed') this.client.secure?.reset();
    }
  };

  private async handshake(
    context: HandshakeContext<string, IgnisEnvelope>,
  ): Promise<HandshakeResult<string, IgnisEnvelope, IgnisSession>> {
    const secure = this.secure;
    secure?.reset();
    this.lastErrorMessage = undefined;
    this.earlyFrames = undefined;
    const payload: AuthPayload = { ...(await this.authPayload(context.reauth, context.signal)) };
    const cipher = secure ? await EcdhSession.create(secure.options) : undefined;
    if (cipher) payload[secure!.options.publicKeyField ?? 'publicKey'] = cipher.publicKey;
    context.send(encodeJson({ event: 'authenticate', data: payload }));
    for (;;) {
      const frame = await context.receive();
      if (frame.event === 'connected') return this.established(frame, cipher);
      if (frame.event === 'error') throw this.handshakeError(frame);
      if (frame.event === 'encrypted') {
        throw new PolySocketError(
          'INVALID',
          'an encrypted frame arrived before a key exists: the server encrypts `connected` (its transformer must pass `connected` through in plaintext)',
          { retryable: false },
        );
      }
      (this.earlyFrames ??= []).push(frame); // an app frame before `connected` (rare): delivered once connected
    }
  }

  private async established(
    frame: IgnisEnvelope,
    cipher: EcdhSession | undefined,
  ): Promise<HandshakeResult<string, IgnisEnvelope, IgnisSession>> {
    const data = (frame.data ?? {}) as {
      id?: unknown;
      userId?: unknown;
      time?: unknown;
      serverPublicKey?: unknown;
      salt?: unknown;
    };
    if (typeof data.id !== 'string')
      throw new PolySocketError('PROTOCOL', 'connected without a client id', { retryable: true });
    if (cipher) {
      if (data.serverPublicKey === undefined || data.salt === undefined) {
        throw new PolySocketError(
          'INVALID',
          'encryption is on but the server sent no serverPublicKey/salt: it does not run the encryption handshake',
          {
            retryable: false,
          },
        );
      }
      await cipher.derive(data.serverPublicKey, data.salt);
      this.secure!.use(cipher);
    }
    this.authFailures = 0;
    const serverTime = typeof data.time === 'string' ? data.time : new Date().toISOString();
    const parsed = Date.parse(serverTime);
    const session: IgnisSession = {
      clientId: data.id,
      ...(typeof data.userId === 'string' ? { userId: data.userId } : {}),
      serverTime,
      clockSkewMs: Number.isNaN(parsed) ? 0 : parsed - Date.now(),
      encrypted: cipher !== undefined,
    };
    const interval = this.options.heartbeatIntervalMs ?? 30_000;
    return {
      info: session,
      heartbeat:
        interval > 0
          ? {
              intervalMs: interval,
              ping: heartbeatFrame,
              transportPing: true,
              probeTimeoutMs: this.options.deadServerTimeoutMs ?? 10_000,
            }
          : undefined,
    };
  }

  /** `Authentication failed` is final with static credentials; with a provider it asks once for new ones. */
  private handshakeError(frame: IgnisEnvelope): PolySocketError {
    const message = (frame.data as { message?: unknown } | undefined)?.message;
    const error = errorFromMessage(message);
    this.lastErrorMessage = error.message;
    if (error.message !== 'Authentication failed') return error;
    this.authFailures++;
    if (this.canReauth()) {
      return new PolySocketError(
        'AUTH_EXPIRED',
        'Authentication failed; asking the auth provider for new credentials',
        { backendCode: 4003 },
      );
    }
    return new PolySocketError('AUTH_FAILED', 'Authentication failed', { retryable: false, backendCode: 4003 });
  }

  private canReauth(): boolean {
    return this.options.authProvider !== undefined && this.authFailures <= 1;
  }

  private async authPayload(reauth: boolean, signal: AbortSignal): Promise<AuthPayload> {
    const provider = this.options.authProvider;
    if (!provider) return this.options.auth ?? {};
    const payload = await fetchCredentials('authProvider', () => provider({ reauth }), {
      timeoutMs: this.options.authTimeoutMs ?? 5000,
      valid: (value) => value !== null && typeof value === 'object',
      expected: 'an object',
      signal,
    });
    this.registerSecrets(payload);
    return payload;
  }

  /** Every string in an auth payload, however deeply nested, is a secret (at most 1000 objects; cycles are fine). */
  private registerSecrets(value: unknown, seen = new Set<object>()): void {
    if (typeof value === 'string') this.connection.logger.addSecret(value);
    else if (value !== null && typeof value === 'object' && !seen.has(value) && seen.size < 1000) {
      seen.add(value);
      for (const item of Object.values(value)) this.registerSecrets(item, seen);
    }
  }

  private wireId(id: RequestId): string {
    return `${this.idTag}:${id}`;
  }

  private replyTo(frame: IgnisEnvelope): RequestId | undefined {
    if (this.secure?.isDowngrade(frame)) return undefined; // reported by onFrame
    let id: string | number | undefined;
    try {
      id = this.options.replyId ? this.options.replyId(frame) : frame.id;
    } catch {
      return undefined;
    }
    if (typeof id === 'number') return id;
    if (typeof id !== 'string' || !id.startsWith(this.idTag) || id.charCodeAt(this.idTag.length) !== 58 /* : */)
      return undefined;
    const n = Number(id.slice(this.idTag.length + 1));
    return Number.isInteger(n) ? n : undefined;
  }

  private onFrame(frame: IgnisEnvelope): void {
    switch (frame.event) {
      case 'encrypted':
        if (this.secure) this.secure.decrypt(frame);
        else
          this.connection.report(
            new PolySocketError('PROTOCOL', 'an encrypted frame arrived but encryption is not enabled on this client'),
          );
        return;
      case 'error': {
        const error = errorFromMessage((frame.data as { message?: unknown } | undefined)?.message);
        this.lastErrorMessage = error.message;
        this.connection.report(error);
        return;
      }
      case 'connected':
      case 'heartbeat':
        return; // only one `connected` per connection; the server never sends a heartbeat
      default:
        if (this.secure?.isDowngrade(frame)) {
          this.connection.report(
            new PolySocketError(
              'PROTOCOL',
              `a plaintext ${JSON.stringify(frame.event.slice(0, 40))} frame arrived on an encrypted session: dropped (a downgrade, or a server transformer that skipped it)`,
            ),
          );
        } else {
          this.listeners.deliver(frame);
        }
    }
  }

  private sendRooms(
    event: 'join' | 'leave',
    rooms: string[],
    write: (text: string) => void = (text) => void this.connection.send(text),
  ): void {
    for (let i = 0; i < rooms.length; i += ROOMS_PER_FRAME) {
      write(encodeJson({ event, data: { rooms: rooms.slice(i, i + ROOMS_PER_FRAME) } }));
    }
  }
}

/** Marks a promise as handled, so a caller that ignores it causes no unhandled rejection. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Shared by every session (no closure per session). */
const heartbeatFrame = (): string => HEARTBEAT_FRAME;

import {
  INSPECT,
  LazySet,
  PolySocketError,
  SafeEmitter,
  fetchCredentials,
  urlSecrets,
  type ConnectionState,
  type DisconnectEvent,
  missingModule,
} from '@polysocket/core';
import {
  clientEnded,
  encodePacket,
  PacketType,
  SocketIOClient,
  type EngineSession,
  type ReadyContext,
} from '@polysocket/socketio';
import type { SockrCalls } from './calls';
import { Conversations } from './catch-up';
import type { SockrEvents, SockrSession } from './events';
import { refusal, SeenMessages, sendError, toMessage } from './messages';
import { ioOptionsOf, type SockrClientOptions } from './options';
import { ReplyMatcher } from './replies';
import type { SockrTyping } from './typing';
import { checkEvent, isPersistedMessage } from './validate';
import { conversationIdOf, type PersistedMessage, type ServerEvent } from './types';

type Data = Record<string, unknown>;

/** How a request is answered (see `ask`). */
export interface Ask {
  /** The event that refuses it. */
  error?: string;
  /** The reply answers it when its `key` field equals the request's. */
  key?: string;
  match?: (data: Data) => boolean;
  timeoutMs?: number;
  /** A message: refused with `sendError`. */
  message?: boolean;
  /** Sent again after a drop instead of failing (a direct message: receivers drop a second copy). */
  resend?: boolean;
}

/**
 * The Sockr session under `SockrClient`: the Socket.IO client, the login on every (re)connect, the server's
 * events (checked, deduplicated, routed to the modules) and the request/reply path every request takes.
 */
export class SockrBase extends SafeEmitter<SockrEvents> {
  readonly io: SocketIOClient;
  /** Requests fail at once while the client cannot send (idle: INVALID, closed or failed: CLOSED). */
  private readonly replies: ReplyMatcher;
  protected readonly seen = new SeenMessages();
  protected readonly conversations = new Conversations(this, this.seen);
  protected readonly knownGroups = new LazySet<string>();
  protected readonly callState: SockrCalls | undefined;
  protected readonly typingState: SockrTyping | undefined;
  private userId: string | undefined;
  private readonly timeoutMs: number;
  /** The login's deadline: the smaller of requestTimeoutMs and connectTimeoutMs. */
  private readonly loginMs: number;
  private sessions = 0;
  /** A `connect` was emitted and its `disconnect` not yet. */
  private up = false;
  /** The server answered this login with auth_error (its disconnect that follows is no kick). */
  private authRefused = false;
  private readonly catchUp: boolean;
  private readonly emitAuthEcho: boolean;
  /** The app's `getToken`; a static token lives in `TOKENS` instead, out of reach of inspect and JSON. */
  private readonly getToken: (() => string | Promise<string>) | undefined;

  constructor(options: SockrClientOptions) {
    super();
    const { token, getToken } = options;
    // getToken wins; a bad static token would be refused on every attempt: say so now instead of looping.
    if (getToken === undefined ? typeof token !== 'string' || !token : typeof getToken !== 'function')
      throw new PolySocketError('INVALID', 'SockrClient needs token (a non-empty string) or getToken (a function)');
    if (!(this.getToken = getToken)) TOKENS.set(this, token!);
    this.catchUp = options.catchUp !== false;
    this.emitAuthEcho = options.emitAuthEcho !== false;
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    // The login (getToken, then the server's answer) ends within the connect timeout too: the core's
    // connect timer stops at the Socket.IO handshake, before the login runs.
    const connectMs = options.connectTimeoutMs ?? options.timeout ?? 20_000;
    this.loginMs = connectMs > 0 && connectMs < this.timeoutMs ? connectMs : this.timeoutMs;
    // The options name this client for the login (no closure per client).
    this.io = new SocketIOClient(ioOptionsOf(options, this.timeoutMs, this));
    this.replies = new ReplyMatcher(this.io.connection);
    if (token !== undefined) addToken(this.io.connection.logger, token);
    this.callState = moduleOf(options.calls, 'calls', 'sockrCalls')?.create(this, options.ringTimeoutMs ?? 45_000);
    this.typingState = moduleOf(options.typing, 'typing', 'sockrTyping')?.create(this, options.typingTimes);
    // Told of the main namespace's events and its `disconnect` without listeners (no guards or closures per client).
    this.io.socket('/').hook = this;
    // Static listeners with this client as their `this`: no closures or guards per client.
    const connection = this.io.connection;
    connection.listenInternally('state', SockrBase.onIoState, this);
    connection.listenInternally('connected', SockrBase.onIoConnected, this);
    connection.listenInternally('disconnected', SockrBase.onIoDisconnected, this);
    for (const [event, relay] of RELAYS) connection.listenInternally(event, relay, this);
  }

  protected override onListenerError(error: unknown): void {
    this.io.connection.reportListenerError(error);
  }

  /** `console.log(client)` / `util.inspect(client)`: a summary, never the token nor the url's query or userinfo. */
  [INSPECT](): string {
    const url = new URL(this.io.options.url);
    return `SockrClient { url: ${JSON.stringify(url.origin + url.pathname)}, state: '${this.state}', userId: ${JSON.stringify(this.userId ?? null)} }`;
  }

  private static onIoState(this: SockrBase, state: ConnectionState, previous: ConnectionState): void {
    this.emit('state', state, previous);
    if (state !== 'closed' && state !== 'failed') return;
    this.replies.rejectAll(clientEnded(state));
    this.typingState?.end();
    this.callState?.end();
    this.userId = undefined;
  }

  private static onIoConnected(this: SockrBase, engine: EngineSession): void {
    this.up = true;
    this.emit('connected', { userId: this.userId ?? '', engine });
    this.emit('connect');
    if (++this.sessions > 1 && this.catchUp) this.conversations.onLogin();
  }

  private static onIoDisconnected(this: SockrBase, event: DisconnectEvent): void {
    this.conversations.onDrop();
    // Direct messages written on the dead link are sent again after the re-login (receivers drop the
    // second copy by its clientMessageId); other requests fail, as they may have been processed.
    this.replies.onDrop(
      new PolySocketError('DISCONNECTED', 'link lost before the reply; it may have been delivered', {
        maybeDelivered: true,
      }),
      event.willReconnect,
    );
    this.emit('disconnected', event);
  }

  /**
   * The main namespace went down: `disconnect` with socket.io-client's reason ('transport close',
   * 'io server disconnect', 'io client disconnect'). A server disconnect that did not follow an
   * auth_error is a kick: sockr-client apps reconnect and log in again, and so does this client (the
   * Socket.IO client alone would leave a namespace the server disconnected).
   */
  /** @internal The main namespace's `disconnect` (its hook). */
  onDisconnect(reason: string): void {
    if (this.up) {
      this.up = false;
      this.emit('disconnect', reason);
    }
    if (reason !== 'io server disconnect' || this.authRefused) return;
    this.io.connection.reconnect({ reason });
    this.io.socket('/').connect();
  }

  // ---- connection (sockr-client's surface) ----

  /** Connects and logs in; resolves once authenticated. A refused token rejects and ends `failed` (no retry loop). */
  connect(): Promise<void> {
    return this.io.connect();
  }

  /** Closes the connection; pending requests reject with CLOSED. */
  disconnect(): void {
    this.io.close();
  }

  close(): void {
    this.io.close();
  }

  get state(): ConnectionState {
    return this.io.state;
  }

  /** The current (or last) session: the logged-in user and the Engine.IO session. */
  get session(): SockrSession | undefined {
    const engine = this.io.engine;
    return engine && this.userId !== undefined ? { userId: this.userId, engine } : undefined;
  }

  isConnected(): boolean {
    return this.io.state === 'connected';
  }

  /** Logged in (the client is `connected` only once logged in). */
  isAuthenticated(): boolean {
    return this.isConnected() && this.userId !== undefined;
  }

  getUserId(): string | undefined {
    return this.userId;
  }

  /** sockr-client's states. */
  getConnectionState(): 'disconnected' | 'connecting' | 'authenticated' | 'error' | 'reconnecting' {
    const state = this.io.state;
    return state === 'connected'
      ? 'authenticated'
      : state === 'failed'
        ? 'error'
        : state === 'connecting' || state === 'reconnecting'
          ? state
          : 'disconnected';
  }

  /** sockr-client style: returns the function that removes the listener. */
  subscribe<E extends keyof SockrEvents>(event: E, listener: (...args: SockrEvents[E]) => void): () => void {
    this.on(event, listener as never);
    return () => this.off(event, listener as never);
  }

  onStateChange(listener: (state: ConnectionState) => void): () => void {
    return this.subscribe('state', listener);
  }

  // ---- internals ----

  /**
   * @internal A request answered by the next `reply` event that matches; it has a timeout, unlike
   * sockr-client's. Its emit is dropped from the queue when it times out, so it is never sent late.
   */
  ask<T>(event: string, payload: Data, reply: string, how: Ask = {}): Promise<T> {
    const { error, key, match = key ? (data: Data) => data[key] === payload[key] : undefined } = how;
    return this.replies.expect<T>({
      request: event,
      ok: reply,
      errors: error ? [error] : undefined,
      match: match && ((_event, data) => match(data)),
      timeoutMs: how.timeoutMs ?? this.timeoutMs,
      fail: (_event, data) => (how.message ? sendError : refusal)(data),
      send: (ttlMs) => this.fire(event, payload, ttlMs),
      resendOnDrop: how.resend,
      // A message send is always answered (delivered or error): its tombstone waits for that reply.
      answered: how.message,
    });
  }

  /**
   * @internal Emits on the main namespace (queued while disconnected, like every send); resolves true once
   * written. With `ttlMs` (a request's), it is dropped from the queue after that.
   */
  fire(event: string, payload: unknown, ttlMs?: number): Promise<boolean> {
    return this.io.connection.send(encodePacket({ type: PacketType.EVENT, nsp: '/', data: [event, payload] }), {
      gate: this.io.socket('/').gate,
      ttlMs,
    });
  }

  /** @internal A page of a direct conversation's history, not marked seen (the catch-up decides what was delivered). */
  async history(withUser: string, limit: number, before: number | undefined): Promise<PersistedMessage[]> {
    const me = this.userId;
    const conversationId = me !== undefined ? conversationIdOf(me, withUser) : undefined;
    const reply = await this.ask<{ messages: PersistedMessage[] }>(
      'get_message_history',
      { with: withUser, limit, before },
      'message_history',
      { match: (data) => conversationId === undefined || data.conversationId === conversationId },
    );
    return reply.messages.filter(isPersistedMessage);
  }

  /** @internal The login, on every (re)connect (the Socket.IO client's `onReady`). */
  async login(context: ReadyContext): Promise<void> {
    this.authRefused = false;
    // A token callback gets the same deadline as every adapter's, and stops being waited for when the attempt ends.
    const deadline = Date.now() + this.loginMs;
    const token = await fetchCredentials('getToken', this.getToken ?? (() => TOKENS.get(this)!), {
      timeoutMs: this.loginMs,
      valid: (value) => typeof value === 'string' && value.length > 0,
      expected: 'a non-empty token',
      signal: context.signal,
    });
    const logger = this.io.connection.logger;
    addToken(logger, token);
    context.emit('authenticate', { token });
    const { event, args } = await context.next(
      ['authenticated', 'auth_error'],
      Math.max(1, deadline - Date.now()),
      LOGIN_HINT,
    );
    const data = (args[0] ?? {}) as Data;
    if (event === 'auth_error') {
      // The server disconnects after auth_error; retrying with the same token would loop forever.
      // Its message may quote the token: redacted before it becomes an error message.
      const text = logger.redact(typeof data.message === 'string' ? data.message : 'auth_error');
      throw new PolySocketError('AUTH_FAILED', text, { retryable: false, backendCode: text });
    }
    this.userId = String(data.userId);
    if (this.emitAuthEcho) context.emit('authenticated', data);
    for (const groupId of this.knownGroups) context.emit('group_join', { groupId });
  }

  /** @internal Every event on the main namespace (its hook). */
  onEvent(event: string, raw: unknown): void {
    let data = (raw ?? {}) as Data;
    const valid = checkEvent(event, data);
    if (valid === undefined) return;
    // Before anything else: the server's disconnect follows at once.
    if (event === 'auth_error') this.authRefused = true;
    if (event.endsWith('_error')) {
      // A refusal's text may quote the token: the app (its event, a request's rejection) gets it without.
      const logger = this.io.connection.logger;
      for (const field of ['message', 'error'])
        if (typeof data[field] === 'string') data = { ...data, [field]: logger.redact(data[field] as string) };
    }
    if (!valid) {
      const error = new PolySocketError('PROTOCOL', `malformed Sockr event ${event}`);
      // A malformed reply still answers its request (replies come in order): it fails at once, not at its timeout.
      this.replies.handle(event, data, error);
      this.io.connection.report(error);
      return;
    }
    this.replies.handle(event, data);
    const group = event.startsWith('group_');
    switch (event) {
      case 'receive_message':
      case 'group_receive_message':
        if (!group) this.conversations.saw(data.from as string, data.timestamp as number);
        if (this.seen.accept(data.messageId as string, data.from as string, data.metadata)) {
          this.emit(event, data as never);
          this.emit(group ? 'group_message' : 'message', toMessage(data.messageId as string, data as never));
        }
        return;
      case 'group_joined':
        this.knownGroups.add(data.groupId as string);
        for (const message of (data.queuedMessages as PersistedMessage[] | undefined) ?? []) {
          if (isPersistedMessage(message) && this.seen.acceptStored(message))
            this.emit('group_message', toMessage(message.id, message));
        }
        break;
      case 'group_created': {
        const id = (data.group as { id?: unknown }).id;
        if (typeof id === 'string') this.knownGroups.add(id);
        break;
      }
      default:
        if (event.includes('typing_')) this.typingState?.onEvent(event, data);
        else if (event.startsWith('call') || event.startsWith('conference')) this.callState?.onEvent(event, data);
    }
    this.emit(event as ServerEvent, data as never);
  }
}

/** Lifecycle events passed on as they are, each with one listener shared by every client (its `this`). */
const RELAYS = (['error', 'reconnecting', 'rtt'] as const).map(
  (event) =>
    [
      event,
      function (this: SockrBase, value: unknown) {
        this.emit(event, value as never);
      },
    ] as const,
);

/** A token is a secret as written and in the forms a server may quote it (percent- and form-encoded). */
function addToken(logger: { addSecret(secret: unknown): void }, token: string): void {
  for (const secret of urlSecrets(`?t=${encodeURIComponent(token)}`)) logger.addSecret(secret);
}

/** Each client's static token (a closure per client would cost more than an entry here). */
const TOKENS = new WeakMap<SockrBase, string>();

/** The TIMEOUT advice of a login nobody answered. */
const LOGIN_HINT =
  "is url a Sockr server's Socket.IO address? to wait longer, raise requestTimeoutMs (and connectTimeoutMs)";

/** An optional module's value, or INVALID naming the import (`calls: true`, or typing's old timing object). */
function moduleOf<M extends { create: unknown }>(value: M | undefined, option: string, name: string): M | undefined {
  if (value === undefined || typeof value.create === 'function') return value;
  throw missingModule(option, name, 'sockr');
}

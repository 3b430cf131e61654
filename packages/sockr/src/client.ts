import {
  LazyMap,
  LazySet,
  PolySocketError,
  SafeEmitter,
  fetchCredentials,
  type ConnectionState,
  type ConnectionTuning,
  type DisconnectEvent,
  type ReconnectingEvent,
} from '@polysocket/core';
import {
  encodePacket,
  PacketType,
  SocketIOClient,
  type EngineSession,
  type ReadyContext,
  type SocketIOSocket,
} from '@polysocket/socketio';
import { SockrCall } from './call';
import {
  fromPersisted,
  incoming,
  pageBackwards,
  refusal,
  SeenMessages,
  sendError,
  type IncomingMessage,
} from './messages';
import { Limiter, ReplyMatcher } from './replies';
import { Typing } from './typing';
import { isPersistedMessage, isValidEvent } from './validate';
import {
  conversationIdOf,
  type ClientConfig,
  type Group,
  type GroupMember,
  type IceServer,
  type ISFUClientAdapter,
  type PersistedMessage,
  type ServerEvent,
  type ServerPayloads,
  type SFUConnectOptions,
} from './types';

/**
 * sockr-client's `ClientConfig` plus every core tuning option. Where both name the same thing, the core's
 * name wins: `reconnect` over `reconnection`, `maxAttempts` over `reconnectionAttempts`, `connectTimeoutMs`
 * over `timeout`, `backoff.initialDelayMs` over `reconnectionDelay`.
 */
export interface SockrClientOptions extends ClientConfig, ConnectionTuning {
  /** A static token. */
  token?: string;
  /** Returns the current token; called on every (re)connect. */
  getToken?: () => string | Promise<string>;
  /** Emit `authenticated` back after login so the real server runs its post-login work (presence, offline queue, group rooms). Default true. */
  emitAuthEcho?: boolean;
  /** Timeout of every request that has a reply, and of `getToken`. Default 10 000 ms (ICE servers: 5 000 ms). */
  requestTimeoutMs?: number;
  /** How many direct messages may await their `message_delivered` at once (replies carry no id). Default 1. */
  maxMessagesInFlight?: number;
  /** Refuse `ws://`/`http://` to a non-loopback host: the client fails (INVALID) instead of sending the token in clear. */
  secureOnly?: boolean;
  /** Hang up an unanswered outgoing call after this. Default 45 000 ms. */
  ringTimeoutMs?: number;
  /** Typing: send `start` at most every `throttleMs` (2000), stop after `idleMs` (3000) idle, expire remote ones after `expireMs` (5000). */
  typing?: { throttleMs?: number; idleMs?: number; expireMs?: number };
  /**
   * After every re-login, fetch the recent history of each conversation this client has seen and
   * deliver what it missed (a live message written to a dying socket is otherwise lost: the server
   * counts it delivered). Each message still arrives once. Default true.
   */
  catchUp?: boolean;
}

export interface ConferenceState {
  groupId: string;
  active: boolean;
  startedBy?: string;
  participantCount: number;
  participants: Set<string>;
}

/** A Sockr session: the user the token logged in, on an Engine.IO session. */
export interface SockrSession {
  userId: string;
  engine: EngineSession;
}

/**
 * Local events on top of the server's: deduplicated messages, typing, calls, and the lifecycle. The lifecycle
 * events have the names and payloads of every PolySocket client's (`state`, `connected`, `disconnected`,
 * `reconnecting`, `error`, `rtt`); `connect` and `disconnect` are sockr-client's (logged in; the main
 * namespace went down, with socket.io-client's reason).
 */
export type SockrLocalEvents = {
  /** A direct message, once per messageId (live, queued while offline, or flushed). */
  message: [message: IncomingMessage];
  /** A group message, once per messageId (live, or from `group_joined`). */
  group_message: [message: IncomingMessage];
  /** An incoming call. */
  call: [call: SockrCall];
  /** Someone started or stopped typing (expired after 5 s without news). Key: userId, or `groupId:userId`. */
  typing: [change: { key: string; typing: boolean; groupId?: string; userId: string }];
  connect: [];
  disconnect: [reason: string];
  error: [error: PolySocketError];
  state: [state: ConnectionState, previous: ConnectionState];
  /** Logged in (after every reconnect too): the client is `connected` only once logged in. */
  connected: [session: SockrSession];
  disconnected: [event: DisconnectEvent];
  reconnecting: [event: ReconnectingEvent];
  /** The round trip of a liveness probe (the Socket.IO adapter's). */
  rtt: [ms: number];
};

type ServerEvents = { [E in ServerEvent]: [data: ServerPayloads[E]] };
export type SockrEvents = ServerEvents & SockrLocalEvents;

const SERVER_EVENTS: ReadonlySet<string> = new Set<ServerEvent>([
  'authenticated',
  'auth_error',
  'user_online',
  'user_offline',
  'online_status',
  'receive_message',
  'message_delivered',
  'message_read',
  'message_error',
  'typing_start',
  'typing_stop',
  'message_history',
  'group_created',
  'group_create_error',
  'group_joined',
  'group_join_error',
  'group_left',
  'group_member_joined',
  'group_member_left',
  'group_members',
  'user_groups',
  'group_receive_message',
  'group_message_delivered',
  'group_message_read',
  'group_message_error',
  'group_typing_start',
  'group_typing_stop',
  'group_message_history',
  'call_ice_servers',
  'call_incoming',
  'call_ringing',
  'call_answered',
  'call_rejected',
  'call_ended',
  'call_busy',
  'call_ice_candidate',
  'conference_token',
  'conference_started',
  'conference_ended',
  'conference_participant_joined',
  'conference_participant_left',
  'conference_error',
]);

type Data = Record<string, unknown>;

/** socket.io's default `maxHttpBufferSize`, which Sockr's server does not change. */
const SOCKR_MAX_MESSAGE_SIZE = 1_000_000;
/** The TIMEOUT advice of a login nobody answered. */
const LOGIN_TIMEOUT_HINT =
  "the server did not answer 'authenticate' (is this a Sockr server? the url is its Socket.IO address, e.g. http://127.0.0.1:8080); to wait longer, raise requestTimeoutMs";

/**
 * Every core tuning option for the Socket.IO client, from Sockr's options (sockr-client's names as
 * fallbacks). The type lists every key of ConnectionTuning: one added to the core fails to compile here
 * until it is forwarded.
 */
function tuningOf(
  options: SockrClientOptions,
  requestTimeoutMs: number,
): { [K in keyof Required<ConnectionTuning>]: ConnectionTuning[K] } {
  return {
    reconnect: options.reconnect ?? options.reconnection !== false,
    backoff: {
      ...(options.reconnectionDelay !== undefined ? { initialDelayMs: options.reconnectionDelay } : {}),
      ...options.backoff,
    },
    maxAttempts: options.maxAttempts ?? options.reconnectionAttempts,
    minUptimeMs: options.minUptimeMs,
    connectTimeoutMs: options.connectTimeoutMs ?? options.timeout ?? 20_000,
    connectWaitMs: options.connectWaitMs,
    requestTimeoutMs,
    outbox: options.outbox,
    logger: options.logger,
    random: options.random,
    browser: options.browser,
    maxFrameSize: options.maxFrameSize,
    // Sockr's server leaves socket.io's maxHttpBufferSize at 1 MB: a bigger event would close the link.
    maxMessageSize: options.maxMessageSize ?? SOCKR_MAX_MESSAGE_SIZE,
  };
}

/** Sockr's events are on the namespace `/`: a path in its url does not name another (as it would for Socket.IO). */
function rootUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.pathname = '/';
    return parsed.toString();
  } catch {
    return url; // the Socket.IO client refuses it with INVALID
  }
}

function uuid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/**
 * A client for Sockr (sockr-shared's 60 events on Socket.IO), on PolySocket's Socket.IO adapter:
 * login on every (re)connect, typed events, promise-returning requests with timeouts, messages
 * deduplicated by id, history paging, groups re-joined after each login, call signalling and SFU
 * conferences. It accepts sockr-client's ClientConfig.
 */
export class SockrClient extends SafeEmitter<SockrEvents> {
  readonly io: SocketIOClient;
  /** Requests fail at once while the client cannot send (idle: INVALID, closed or failed: CLOSED). */
  private readonly replies = new ReplyMatcher(() => this.io.connection.cannotSend());
  private readonly directSends: Limiter;
  private readonly groupSends: Limiter;
  private readonly seen = new SeenMessages();
  private readonly knownGroups = new LazySet<string>();
  private readonly calls = new LazyMap<string, SockrCall>();
  /** Outgoing calls the server has not named yet, oldest first. */
  private unnamed: SockrCall[] | undefined;
  private readonly conferences = new LazyMap<string, ConferenceState>();
  /** Made on first use (most clients never type): see `typing` and `groupTyping`. */
  private directTypingState: Typing | undefined;
  private groupTypingState: Typing | undefined;
  private userId: string | undefined;
  private readonly timeoutMs: number;
  /** Peer → the timestamp of the newest direct message seen with them. */
  private readonly conversations = new LazyMap<string, { newest: number }>();
  /** Peer → the newest timestamp seen when the link went down: what was sent after it may be lost. */
  private resumePoints = new LazyMap<string, number>();
  /** Catch-ups run one after another; made with the first. */
  private catchUpChain: Promise<void> | undefined;
  private sessions = 0;
  /** A `connect` was emitted and its `disconnect` not yet. */
  private up = false;
  /** The server answered this login with auth_error (its disconnect that follows is no kick). */
  private authRefused = false;
  private mainSocket: SocketIOSocket | undefined;

  /** The options without the token: it lives only in `credential`'s closure, out of reach of inspect and JSON. */
  private readonly options: Omit<SockrClientOptions, 'token' | 'getToken'>;
  private readonly credential: () => string | Promise<string>;

  constructor(options: SockrClientOptions) {
    super();
    const { token, getToken, ...rest } = options;
    if (token === undefined && getToken === undefined)
      throw new PolySocketError('INVALID', 'SockrClient needs token or getToken');
    this.options = rest;
    this.credential = getToken ?? (() => token!);
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.directSends = new Limiter(Math.max(1, options.maxMessagesInFlight ?? 1));
    this.groupSends = new Limiter(Math.max(1, options.maxMessagesInFlight ?? 1));
    this.io = new SocketIOClient({
      ...tuningOf(options, this.timeoutMs),
      url: rootUrl(options.url),
      transports: options.transports ?? ['websocket'],
      autoConnect: false,
      secureOnly: options.secureOnly,
      onReady: (context) => this.login(context),
      clientName: 'SockrClient',
    });
    this.io.connection.logger.addSecret(token);
    this.io.onAny((event, data) => this.onServerEvent(event, (data ?? {}) as Data));
    this.io.on('disconnect', (reason: string) => this.onMainDisconnect(reason));
    // Static listeners with this client as their `this`: no closures or guards per client.
    const connection = this.io.connection;
    connection.listenInternally('state', SockrClient.onIoState, this);
    connection.listenInternally('connected', SockrClient.onIoConnected, this);
    connection.listenInternally('disconnected', SockrClient.onIoDisconnected, this);
    connection.listenInternally('error', SockrClient.onIoError, this);
    connection.listenInternally('reconnecting', SockrClient.onIoReconnecting, this);
    connection.listenInternally('rtt', SockrClient.onIoRtt, this);
    if (options.autoConnect !== false) this.connect().catch(() => undefined);
  }

  protected override onListenerError(error: unknown): void {
    this.io.connection.reportListenerError(error);
  }

  /** `console.log(client)` / `util.inspect(client)`: a summary, never the token. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SockrClient { url: ${JSON.stringify(this.options.url)}, state: '${this.state}', userId: ${JSON.stringify(this.userId ?? null)} }`;
  }

  private static onIoState(this: SockrClient, state: ConnectionState, previous: ConnectionState): void {
    this.emit('state', state, previous);
    if (state === 'closed' || state === 'failed') this.onEnd(state);
  }

  private static onIoConnected(this: SockrClient, engine: EngineSession): void {
    this.up = true;
    this.emit('connected', { userId: this.userId ?? '', engine });
    this.emit('connect');
    if (++this.sessions > 1 && this.options.catchUp !== false)
      this.catchUpChain = (this.catchUpChain ?? Promise.resolve()).then(() => this.catchUp());
  }

  private static onIoDisconnected(this: SockrClient, event: DisconnectEvent): void {
    for (const [peer, seen] of this.conversations) this.keepResumePoint(peer, seen.newest);
    // Direct messages written on the dead link are sent again after the re-login (receivers drop the
    // second copy by its clientMessageId); other requests fail, as they may have been processed.
    this.replies.onDrop(
      new PolySocketError('DISCONNECTED', 'the link dropped before the reply; the request may have been processed', {
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
  private onMainDisconnect(reason: string): void {
    if (this.up) {
      this.up = false;
      this.emit('disconnect', reason);
    }
    if (reason !== 'io server disconnect' || this.authRefused) return;
    this.io.connection.reconnect({ reason });
    this.io.socket('/').connect();
  }

  private static onIoError(this: SockrClient, error: PolySocketError): void {
    this.emit('error', error);
  }

  private static onIoReconnecting(this: SockrClient, event: ReconnectingEvent): void {
    this.emit('reconnecting', event);
  }

  private static onIoRtt(this: SockrClient, ms: number): void {
    this.emit('rtt', ms);
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
    this.disconnect();
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
    return this.io.state === 'connected' && this.userId !== undefined;
  }

  getUserId(): string | undefined {
    return this.userId;
  }

  /** sockr-client's states. */
  getConnectionState(): 'disconnected' | 'connecting' | 'authenticated' | 'error' | 'reconnecting' {
    switch (this.io.state) {
      case 'connected':
        return 'authenticated';
      case 'connecting':
        return 'connecting';
      case 'reconnecting':
        return 'reconnecting';
      case 'failed':
        return 'error';
      default:
        return 'disconnected';
    }
  }

  /** sockr-client style: returns the function that removes the listener. */
  subscribe<E extends keyof SockrEvents>(event: E, listener: (...args: SockrEvents[E]) => void): () => void {
    this.on(event, listener as never);
    return () => this.off(event, listener as never);
  }

  onStateChange(listener: (state: ConnectionState) => void): () => void {
    return this.subscribe('state', listener);
  }

  // ---- presence ----

  /** `{userId: online}` for each id. */
  async getOnlineStatus(userIds: string[]): Promise<Record<string, boolean>> {
    const reply = await this.request<{ statuses: Record<string, boolean> }>('online_status', 'get_online_status', {
      userIds,
    });
    return reply.statuses;
  }

  // ---- direct messages ----

  /**
   * Sends a direct message; resolves with the server's messageId once the server accepted it (stored,
   * and delivered or queued). Replies carry no request id, so by default one message is in flight at
   * a time; `metadata.clientMessageId` lets the recipient and other devices match it.
   */
  sendMessage(
    to: string,
    content: string,
    metadata: Record<string, unknown> = {},
  ): Promise<{ messageId: string; clientMessageId: string }> {
    const clientMessageId = typeof metadata.clientMessageId === 'string' ? metadata.clientMessageId : uuid();
    const payload = { to, content, metadata: { ...metadata, clientMessageId } };
    this.sawConversation(to, 0);
    return this.directSends.run(async () => {
      const reply = await this.replies.expect<{ messageId: string }>({
        ok: 'message_delivered',
        errors: ['message_error'],
        timeoutMs: this.timeoutMs,
        fail: (_event, data) => sendError(data),
        request: 'send_message',
        send: (ttlMs) => this.fire('send_message', payload, ttlMs),
        resendOnDrop: true,
      });
      return { messageId: reply.messageId, clientMessageId };
    });
  }

  /** Tells `from` (the sender) that their message was read. Fire-and-forget. */
  markMessageRead(messageId: string, from: string): void {
    void this.fire('message_read', { messageId, from });
  }

  /** Throttled (once per 2 s) and stopped by itself after 3 s without another call. */
  startTyping(to: string): void {
    this.typing.start(to);
  }

  stopTyping(to: string): void {
    this.typing.stop(to);
  }

  /** Users (and `groupId:userId` pairs) currently typing to this client. */
  get typingNow(): ReadonlySet<string> {
    const direct = this.directTypingState?.typing ?? [];
    const group = [...(this.groupTypingState?.typing ?? [])].map((k) => k.replace('\u0000', ':'));
    return new Set([...direct, ...group]);
  }

  private get typing(): Typing {
    return (this.directTypingState ??= new Typing(
      this.typingThrottle(),
      (to) => void this.fire('typing_start', { to }),
      (to) => void this.fire('typing_stop', { to }),
      (key, on) => this.emit('typing', { key, typing: on, userId: key }),
    ));
  }

  private get groupTyping(): Typing {
    return (this.groupTypingState ??= new Typing(
      this.typingThrottle(),
      (groupId) => void this.fire('group_typing_start', { groupId }),
      (groupId) => void this.fire('group_typing_stop', { groupId }),
      (key, on) => {
        const at = key.indexOf('\u0000');
        this.emit('typing', {
          key: key.replace('\u0000', ':'),
          typing: on,
          groupId: key.slice(0, at),
          userId: key.slice(at + 1),
        });
      },
    ));
  }

  private typingThrottle(): { throttleMs: number; idleMs: number; expireMs: number } {
    return { throttleMs: 2000, idleMs: 3000, expireMs: 5000, ...this.options.typing };
  }

  /** One page: the newest `limit` messages before `before` (exclusive), oldest first. */
  async fetchMessageHistory(
    withUser: string,
    options: { limit?: number; before?: number } = {},
  ): Promise<PersistedMessage[]> {
    const me = this.userId;
    const conversationId = me !== undefined ? conversationIdOf(me, withUser) : undefined;
    const reply = await this.request<{ conversationId: string; messages: PersistedMessage[] }>(
      'message_history',
      'get_message_history',
      {
        with: withUser,
        limit: options.limit ?? 50,
        ...(options.before !== undefined ? { before: options.before } : {}),
      },
      (data) => conversationId === undefined || data.conversationId === conversationId,
    );
    return this.markSeen(reply.messages.filter(isPersistedMessage));
  }

  /** Every stored message of a conversation, page by page from the newest (each page oldest first, each message once). */
  getMessageHistory(
    withUser: string,
    options: { limit?: number; before?: number } = {},
  ): AsyncGenerator<PersistedMessage[], void, undefined> {
    return pageBackwards((before) => this.fetchMessageHistory(withUser, { limit: options.limit, before }), options);
  }

  // ---- groups ----

  async createGroup(name: string, members: string[] = [], metadata?: Record<string, unknown>): Promise<Group> {
    const reply = await this.replies.expect<{ group: Group }>({
      ok: 'group_created',
      errors: ['group_create_error'],
      timeoutMs: this.timeoutMs,
      fail: (_event, data) => refusal(data),
      request: 'group_create',
      send: (ttlMs) => this.fire('group_create', { name, members, ...(metadata ? { metadata } : {}) }, ttlMs),
    });
    this.knownGroups.add(reply.group.id);
    return reply.group;
  }

  /** Joins; resolves with the group and its recent messages (which are also delivered as `group_message`). */
  async joinGroup(groupId: string): Promise<{ group: Group; queuedMessages: PersistedMessage[] }> {
    const reply = await this.replies.expect<{ group: Group; queuedMessages?: PersistedMessage[] }>({
      ok: 'group_joined',
      errors: ['group_join_error'],
      match: (_event, data) => data.groupId === groupId,
      timeoutMs: this.timeoutMs,
      fail: (_event, data) => refusal(data),
      request: 'group_join',
      send: (ttlMs) => this.fire('group_join', { groupId }, ttlMs),
    });
    return { group: reply.group, queuedMessages: reply.queuedMessages ?? [] };
  }

  async leaveGroup(groupId: string): Promise<void> {
    this.knownGroups.delete(groupId);
    await this.request('group_left', 'group_leave', { groupId }, (data) => data.groupId === groupId);
  }

  async getGroupMembers(groupId: string): Promise<GroupMember[]> {
    const reply = await this.request<{ members: GroupMember[] }>(
      'group_members',
      'get_group_members',
      { groupId },
      (data) => data.groupId === groupId,
    );
    return reply.members;
  }

  async getUserGroups(): Promise<Group[]> {
    const reply = await this.request<{ groups: Group[] }>('user_groups', 'get_user_groups', {});
    for (const group of reply.groups) this.knownGroups.add(group.id);
    return reply.groups;
  }

  /** Resolves with the messageId once the server accepted it (the room echo arrives first, as `group_message`). */
  sendGroupMessage(
    groupId: string,
    content: string,
    metadata: Record<string, unknown> = {},
  ): Promise<{ messageId: string; clientMessageId: string }> {
    const clientMessageId = typeof metadata.clientMessageId === 'string' ? metadata.clientMessageId : uuid();
    return this.groupSends.run(async () => {
      const reply = await this.replies.expect<{ messageId: string }>({
        ok: 'group_message_delivered',
        errors: ['group_message_error'],
        match: (_event, data) => data.groupId === groupId,
        timeoutMs: this.timeoutMs,
        fail: (_event, data) => sendError(data),
        request: 'group_send_message',
        send: (ttlMs) =>
          this.fire('group_send_message', { groupId, content, metadata: { ...metadata, clientMessageId } }, ttlMs),
      });
      return { messageId: reply.messageId, clientMessageId };
    });
  }

  markGroupMessageRead(groupId: string, messageId: string): void {
    void this.fire('group_message_read', { groupId, messageId });
  }

  startGroupTyping(groupId: string): void {
    this.groupTyping.start(groupId);
  }

  stopGroupTyping(groupId: string): void {
    this.groupTyping.stop(groupId);
  }

  async fetchGroupMessageHistory(
    groupId: string,
    options: { limit?: number; before?: number } = {},
  ): Promise<PersistedMessage[]> {
    const reply = await this.request<{ messages: PersistedMessage[] }>(
      'group_message_history',
      'get_group_message_history',
      { groupId, limit: options.limit ?? 50, ...(options.before !== undefined ? { before: options.before } : {}) },
      (data) => data.groupId === groupId,
    );
    return this.markSeen(reply.messages.filter(isPersistedMessage));
  }

  getGroupMessageHistory(
    groupId: string,
    options: { limit?: number; before?: number } = {},
  ): AsyncGenerator<PersistedMessage[], void, undefined> {
    return pageBackwards((before) => this.fetchGroupMessageHistory(groupId, { limit: options.limit, before }), options);
  }

  // ---- calls ----

  /** STUN/TURN servers for this user (TURN credentials are short-lived). */
  async getIceServers(): Promise<IceServer[]> {
    const reply = await this.request<{ iceServers: IceServer[] }>(
      'call_ice_servers',
      'call_get_ice_servers',
      {},
      undefined,
      5000,
    );
    return reply.iceServers;
  }

  /**
   * Starts a call with an SDP offer. The call object follows it: calling → ringing → active → ended.
   * Throws INVALID before `connect()` and CLOSED after `close()`.
   */
  call(to: string, sdpOffer: string): SockrCall {
    const refused = this.io.connection.cannotSend();
    if (refused) throw refused;
    const call = new SockrCall(this.callHost(), 'outgoing', to, {
      ringTimeoutMs: this.options.ringTimeoutMs ?? 45_000,
    });
    (this.unnamed ??= []).push(call);
    void this.fire('call_initiate', { to, sdpOffer });
    return call;
  }

  /** Calls in progress, by callId. */
  get activeCalls(): ReadonlyMap<string, SockrCall> {
    return this.calls;
  }

  // ---- conferences ----

  /** Joins a group's SFU conference; resolves with where to connect and the access token. */
  async joinConference(groupId: string): Promise<{ sfuUrl: string; token: string }> {
    const reply = await this.replies.expect<{ sfuUrl: string; token: string }>({
      ok: 'conference_token',
      errors: ['conference_error'],
      match: (_event, data) => data.groupId === groupId,
      timeoutMs: this.timeoutMs,
      fail: (_event, data) => refusal(data),
      request: 'conference_join',
      send: (ttlMs) => this.fire('conference_join', { groupId }, ttlMs),
    });
    const state = this.conference(groupId);
    if (this.userId !== undefined) state.participants.add(this.userId);
    return { sfuUrl: reply.sfuUrl, token: reply.token };
  }

  /** Joins and connects an SFU adapter (LiveKit or another) with the token. */
  async joinConferenceWith(adapter: ISFUClientAdapter, groupId: string, options?: SFUConnectOptions): Promise<void> {
    const { sfuUrl, token } = await this.joinConference(groupId);
    await adapter.connect(sfuUrl, token, options);
  }

  /** Leaves (the server ignores it while this user has other sockets). */
  leaveConference(groupId: string): void {
    if (this.userId !== undefined) this.conferences.get(groupId)?.participants.delete(this.userId);
    void this.fire('conference_leave', { groupId });
  }

  /** What is known of a group's conference, from the conference events. */
  conferenceOf(groupId: string): Readonly<ConferenceState> | undefined {
    return this.conferences.get(groupId);
  }

  // ---- internals ----

  private async login(context: ReadyContext): Promise<void> {
    this.authRefused = false;
    // A token callback gets the same deadline as every adapter's, and stops being waited for when the attempt ends.
    const token = await fetchCredentials('getToken', this.credential, {
      timeoutMs: this.timeoutMs,
      valid: (value) => typeof value === 'string' && value.length > 0,
      expected: 'a non-empty token',
      signal: context.signal,
    });
    this.io.connection.logger.addSecret(token);
    context.emit('authenticate', { token });
    const { event, args } = await context.next(['authenticated', 'auth_error'], this.timeoutMs, LOGIN_TIMEOUT_HINT);
    const data = (args[0] ?? {}) as Data;
    if (event === 'auth_error') {
      // The server disconnects after auth_error; retrying with the same token would loop forever.
      // Its message may quote the token: redacted before it becomes an error message.
      const text = this.io.connection.logger.redact(typeof data.message === 'string' ? data.message : 'auth_error');
      throw new PolySocketError('AUTH_FAILED', text, { retryable: false, backendCode: text });
    }
    this.userId = String(data.userId);
    if (this.options.emitAuthEcho !== false) context.emit('authenticated', data);
    for (const groupId of this.knownGroups) context.emit('group_join', { groupId });
  }

  private onServerEvent(event: string, data: Data): void {
    if (!SERVER_EVENTS.has(event)) return;
    if (event === 'auth_error') {
      this.authRefused = true; // before anything else: the server's disconnect follows at once
      // The app's `auth_error` event gets the server's message without the token it may quote.
      if (typeof data.message === 'string') data = { ...data, message: this.io.connection.logger.redact(data.message) };
    }
    if (!isValidEvent(event, data)) {
      this.io.connection.report(new PolySocketError('PROTOCOL', `malformed Sockr event ${event}`));
      return;
    }
    const consumed = this.replies.handle(event, data);
    switch (event) {
      case 'receive_message':
        this.sawConversation(String(data.from), Number(data.timestamp));
        if (this.seen.accept(String(data.messageId), String(data.from), data.metadata)) {
          this.emit('receive_message', data as never);
          this.emit('message', incoming(data));
        }
        return;
      case 'group_receive_message':
        if (this.seen.accept(String(data.messageId), String(data.from), data.metadata)) {
          this.emit('group_receive_message', data as never);
          this.emit('group_message', incoming(data));
        }
        return;
      case 'group_joined':
        this.knownGroups.add(String(data.groupId));
        for (const message of (data.queuedMessages as PersistedMessage[] | undefined) ?? []) {
          if (isPersistedMessage(message) && this.seen.acceptStored(message))
            this.emit('group_message', fromPersisted(message));
        }
        break;
      case 'group_created': {
        const id = (data.group as { id?: unknown }).id;
        if (typeof id === 'string') this.knownGroups.add(id);
        break;
      }
      case 'typing_start':
      case 'typing_stop':
        this.typing.remote(String(data.from), event === 'typing_start');
        break;
      case 'group_typing_start':
      case 'group_typing_stop':
        this.groupTyping.remote(`${String(data.groupId)}\u0000${String(data.from)}`, event === 'group_typing_start');
        break;
      default:
        this.onCallOrConference(event, data);
    }
    this.emit(event as ServerEvent, data as never);
    void consumed;
  }

  private onCallOrConference(event: string, data: Data): void {
    const callId = String(data.callId ?? '');
    switch (event) {
      case 'call_ringing':
      case 'call_busy': {
        const call = this.unnamed?.shift();
        if (!call) return;
        if (event === 'call_busy') return call.finish('busy', callId);
        this.calls.set(callId, call);
        call.named(callId);
        return;
      }
      case 'call_incoming': {
        const call = new SockrCall(this.callHost(), 'incoming', String(data.from), {
          callId,
          sdpOffer: String(data.sdpOffer ?? ''),
          iceServers: (data.iceServers as IceServer[] | undefined) ?? [],
        });
        this.calls.set(callId, call);
        this.emit('call', call);
        return;
      }
      case 'call_answered':
        this.calls.get(callId)?.answered(String(data.sdpAnswer ?? ''));
        return;
      case 'call_rejected':
        this.calls.get(callId)?.finish('rejected');
        return;
      case 'call_ended':
        // An empty callId answers a call whose callee is offline.
        if (callId === '') this.unnamed?.shift()?.finish('unavailable');
        else this.calls.get(callId)?.finish('ended');
        return;
      case 'call_ice_candidate':
        this.calls.get(callId)?.remoteCandidate(data.candidate as never);
        return;
      case 'conference_started': {
        const state = this.conference(String(data.groupId));
        state.active = true;
        state.startedBy = String(data.startedBy);
        state.participantCount = Number(data.participantCount);
        state.participants.add(String(data.startedBy));
        return;
      }
      case 'conference_participant_joined':
      case 'conference_participant_left': {
        const state = this.conference(String(data.groupId));
        state.active = true;
        state.participantCount = Number(data.participantCount);
        if (event === 'conference_participant_joined') state.participants.add(String(data.userId));
        else state.participants.delete(String(data.userId));
        return;
      }
      case 'conference_ended':
        this.conferences.delete(String(data.groupId));
        return;
      default:
        return;
    }
  }

  private conference(groupId: string): ConferenceState {
    let state = this.conferences.get(groupId);
    if (!state)
      this.conferences.set(groupId, (state = { groupId, active: false, participantCount: 0, participants: new Set() }));
    return state;
  }

  private callHost() {
    return {
      emit: (event: string, payload: unknown) => void this.fire(event, payload),
      forget: (call: SockrCall) => {
        if (call.callId !== undefined && this.calls.get(call.callId) === call) this.calls.delete(call.callId);
      },
      reportListenerError: (error: unknown) => this.reportListenerError(error),
    };
  }

  /** A request whose reply is the next `reply` event (matching `match`); it has a timeout, unlike sockr-client's. */
  private request<T>(
    reply: string,
    event: string,
    payload: unknown,
    match?: (data: Data) => boolean,
    timeoutMs = this.timeoutMs,
  ): Promise<T> {
    return this.replies.expect<T>({
      ok: reply,
      match: match ? (_event, data) => match(data) : undefined,
      timeoutMs,
      fail: () => new PolySocketError('SERVER', `${event} failed`),
      request: event,
      send: (ttlMs) => this.fire(event, payload, ttlMs),
    });
  }

  /**
   * Emits on the main namespace (queued while disconnected, like every send); resolves true once
   * written. A request's emit is dropped from the queue when its request times out (`ttlMs`), so a
   * request that timed out unsent is never sent later.
   */
  private fire(event: string, payload: unknown, ttlMs?: number): Promise<boolean> {
    const main = (this.mainSocket ??= this.io.socket('/'));
    return this.io.connection.send(encodePacket({ type: PacketType.EVENT, nsp: '/', data: [event, payload] }), {
      gate: main.gate,
      ttlMs,
    });
  }

  private sawConversation(peer: string, timestamp: number): void {
    if (peer === this.userId) return;
    // A record per peer, updated in place: one lookup per message rather than a get and a set.
    const seen = this.conversations.get(peer);
    if (seen === undefined) this.conversations.set(peer, { newest: timestamp });
    else if (timestamp >= seen.newest) seen.newest = timestamp;
  }

  /**
   * Delivers, oldest first and once each, the direct messages missed around a drop: it pages back
   * through each conversation until it passes the newest message seen before the link went down
   * (at most 10 pages of 100).
   */
  private async catchUp(): Promise<void> {
    const me = this.userId;
    const points = this.resumePoints;
    this.resumePoints = new LazyMap();
    for (const [peer, since] of points) {
      const missed: PersistedMessage[] = [];
      let pages = 0;
      try {
        for await (const page of pageBackwards((before) => this.historyPage(peer, before), { limit: 100 })) {
          for (const message of page) if (message.from !== me && !this.seen.has(message.id)) missed.push(message);
          if (page[0].timestamp < since || ++pages >= 10) break;
        }
      } catch {
        // A timeout or another drop: keep the point, the next reconnect tries again.
        this.keepResumePoint(peer, since);
        continue;
      }
      missed.sort((a, b) => a.timestamp - b.timestamp);
      for (const message of missed) {
        if (!this.seen.acceptStored(message)) continue;
        this.sawConversation(peer, message.timestamp);
        const live = {
          from: message.from,
          content: message.content,
          timestamp: message.timestamp,
          messageId: message.id,
          metadata: message.metadata,
        };
        this.emit('receive_message', live as never);
        this.emit('message', fromPersisted(message));
      }
    }
  }

  /** Several drops before a successful catch-up: resume from the oldest point. */
  private keepResumePoint(peer: string, timestamp: number): void {
    const known = this.resumePoints.get(peer);
    this.resumePoints.set(peer, known === undefined ? timestamp : Math.min(known, timestamp));
  }

  /** A history page that does not mark its messages as seen (the catch-up decides what was delivered). */
  private async historyPage(withUser: string, before: number | undefined): Promise<PersistedMessage[]> {
    const conversationId = this.userId !== undefined ? conversationIdOf(this.userId, withUser) : undefined;
    const reply = await this.request<{ messages: PersistedMessage[] }>(
      'message_history',
      'get_message_history',
      { with: withUser, limit: 100, ...(before !== undefined ? { before } : {}) },
      (data) => conversationId === undefined || data.conversationId === conversationId,
    );
    return reply.messages.filter(isPersistedMessage);
  }

  private markSeen(messages: PersistedMessage[]): PersistedMessage[] {
    for (const message of messages) this.seen.acceptStored(message);
    return messages;
  }

  private onEnd(state: 'closed' | 'failed'): void {
    this.replies.rejectAll(
      new PolySocketError(state === 'closed' ? 'CLOSED' : 'DISCONNECTED', `the client is ${state}`, {
        retryable: false,
      }),
    );
    this.directTypingState?.dispose();
    this.groupTypingState?.dispose();
    for (const call of [...this.calls.values(), ...(this.unnamed ?? [])]) call.finish('ended');
    this.unnamed = undefined;
    this.userId = undefined;
  }

  private reportListenerError(error: unknown): void {
    this.io.connection.reportListenerError(error);
  }
}

import { randomBytes } from 'node:crypto';
import type { MockConnection } from '../mock-connection';
import type { ProtocolModule } from '../protocol-module';
import { FoonyErrorCode, type Member, type StoredMessage } from './wire';

export interface FoonyMockOptions {
  path?: string;
  /** Advertised in `connected`; 0 turns client pings off. Default 15 000. */
  keepAliveMs?: number;
  /** Messages kept per channel for resume and history. Default 1000. */
  historyLimit?: number;
  /**
   * Static tokens → the clientId they authenticate. Default `{ 'valid-token': 'user-1' }`, and then any
   * token `user:<clientId>` authenticates as `<clientId>` (as the Ignis and Sockr mocks take `user:`/`token:`).
   */
  tokens?: Record<string, string>;
  /** API keys → default clientId. Default `{ 'app.key:secret': 'server' }`. */
  keys?: Record<string, string>;
  /** Channels the server refuses (40300). Default: names starting with `forbidden:`. */
  isForbidden?: (channel: string, clientId: string) => boolean;
  /** Channels that do not exist (40400). Default: names starting with `unknown:`. */
  isUnknown?: (channel: string) => boolean;
  /**
   * Replay this many messages from before the resume cursor too, as a server with a coarse cursor
   * would (the seed wire allows it: the client must de-duplicate). Default 0.
   */
  resumeOverlap?: number;
  /** Publish a counter on a channel while it has subscribers (for demos watching resume). */
  ticker?: { channel: string; intervalMs: number };
  /** Close a connection that has not authenticated within this. Default 10 000 ms. */
  authTimeoutMs?: number;
}

interface Session {
  connection: MockConnection;
  connectionId: string;
  clientId: string;
  channels: Set<string>;
  expiryTimer?: ReturnType<typeof setTimeout>;
}

interface ChannelState {
  history: StoredMessage[];
  subscribers: Set<Session>;
  members: Map<string, Member>;
}

type Frame = Record<string, unknown>;

const MAX_NAME = 255;

/** The Foony realtime server, as the seed wire describes it, for tests and the playground. */
export class FoonyMock implements ProtocolModule {
  readonly name = 'foony';
  readonly path: string;
  readonly keepAliveMs: number;
  private readonly historyLimit: number;
  private readonly tokens: Map<string, { clientId: string; expiresAt?: number }>;
  private readonly keys: Record<string, string>;
  private readonly channels = new Map<string, ChannelState>();
  private readonly sessions = new Set<Session>();
  private nextMessage = 0;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private tick = 0;
  private nextConnection = 0;
  /** Every auth frame's credential, in order (for tests asserting what was sent). */
  readonly authLog: { token?: string; key?: string; clientId?: string }[] = [];
  /** `sub`/`unsub` frames received per channel, faulted ones included. */
  private readonly requestCounts = new Map<string, { sub: number; unsub: number }>();
  private readonly subFaults = new Map<string, { times: number; code?: number }>();

  constructor(private readonly options: FoonyMockOptions = {}) {
    this.path = options.path ?? '/foony';
    this.keepAliveMs = options.keepAliveMs ?? 15_000;
    this.historyLimit = options.historyLimit ?? 1000;
    this.tokens = new Map(
      Object.entries(options.tokens ?? { 'valid-token': 'user-1' }).map(([t, clientId]) => [t, { clientId }]),
    );
    this.keys = options.keys ?? { 'app.key:secret': 'server' };
  }

  /** Issues a token for `clientId` that expires `ttlMs` from now (mid-session, the holder gets `err 40102`). */
  issueToken(clientId: string, ttlMs = 3_600_000): string {
    const token = `tok_${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, { clientId, expiresAt: Date.now() + ttlMs });
    return token;
  }

  /** Publishes from the server side, as if another client had; returns the stored message. */
  publish(channel: string, name: string, data: unknown, clientId?: string): StoredMessage {
    return this.store(channel, name, data, clientId);
  }

  /** The stored history of a channel, oldest first. */
  historyOf(channel: string): readonly StoredMessage[] {
    return this.channels.get(channel)?.history ?? [];
  }

  /** Current presence members of a channel. */
  membersOf(channel: string): Member[] {
    return [...(this.channels.get(channel)?.members.values() ?? [])];
  }

  /** The server side of a session, by the connectionId it was given (to drop or silence one client). */
  connectionOf(connectionId: string): MockConnection | undefined {
    for (const session of this.sessions) if (session.connectionId === connectionId) return session.connection;
    return undefined;
  }

  /**
   * The next `times` `sub` frames for `channel` are answered with `err code` (e.g. 42900 rate limited, 50000), or
   * not answered at all when no code is given (the client's request times out).
   */
  failSubscribes(channel: string, times: number, code?: number): void {
    this.subFaults.set(channel, { times, code });
  }

  /** How many `sub` and `unsub` frames arrived for a channel (faulted ones included). */
  requestsFor(channel: string): { sub: number; unsub: number } {
    return { ...(this.requestCounts.get(channel) ?? { sub: 0, unsub: 0 }) };
  }

  /** Authenticated sessions subscribed to a channel. */
  subscriberCount(channel: string): number {
    return this.channels.get(channel)?.subscribers.size ?? 0;
  }

  /** Stops the ticker (called when the server closes; module state is kept). */
  detach(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = undefined;
  }

  attach(): void {
    const ticker = this.options.ticker;
    if (!ticker || this.tickTimer) return;
    this.tickTimer = setInterval(() => {
      // Once anyone has subscribed, keep ticking (also while they are disconnected, so a resume has something to catch up).
      if (this.channels.has(ticker.channel)) this.store(ticker.channel, 'tick', ++this.tick);
    }, ticker.intervalMs);
    this.tickTimer.unref?.();
  }

  onConnection(connection: MockConnection): void {
    let session: Session | undefined;
    const authTimer = setTimeout(() => {
      if (!session) connection.close(4001, 'auth timeout');
    }, this.options.authTimeoutMs ?? 10_000);
    const send = (frame: Frame): void => connection.send(JSON.stringify(frame));

    connection.onClose(() => {
      clearTimeout(authTimer);
      if (session) this.endSession(session);
    });
    connection.onMessage((text) => {
      let frame: Frame;
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        frame = parsed as Frame;
      } catch {
        send({ t: 'err', code: FoonyErrorCode.BadFrame, message: 'frame is not a JSON object' });
        return;
      }
      if (!session) {
        if (frame.t !== 'auth') {
          send({ t: 'err', code: FoonyErrorCode.BadAuth, message: 'authenticate first' });
          connection.close(4001, 'not authenticated');
          return;
        }
        session = this.authenticate(connection, frame, send);
        if (session) clearTimeout(authTimer);
        return;
      }
      this.handle(session, frame, send);
    });
  }

  private authenticate(connection: MockConnection, frame: Frame, send: (f: Frame) => void): Session | undefined {
    const token = typeof frame.token === 'string' ? frame.token : undefined;
    const key = typeof frame.key === 'string' ? frame.key : undefined;
    this.authLog.push({ token, key, ...(typeof frame.clientId === 'string' ? { clientId: frame.clientId } : {}) });
    let clientId: string | undefined;
    let expiresAt: number | undefined;
    if (key !== undefined) {
      const base = this.keys[key];
      if (base !== undefined) clientId = typeof frame.clientId === 'string' && frame.clientId ? frame.clientId : base;
    } else if (token !== undefined) {
      const entry = this.tokens.get(token);
      if (entry && entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
        send({ t: 'err', code: FoonyErrorCode.AuthExpired, message: 'token expired' });
        connection.close(4001, 'token expired');
        return undefined;
      }
      if (entry) {
        clientId = entry.clientId;
        expiresAt = entry.expiresAt;
      } else if (
        this.options.tokens === undefined &&
        token.startsWith('user:') &&
        token.length > 5 &&
        token.length <= 5 + MAX_NAME
      ) {
        clientId = token.slice(5);
      }
    }
    if (clientId === undefined) {
      send({ t: 'err', code: FoonyErrorCode.BadAuth, message: 'invalid credentials' });
      connection.close(4001, 'invalid credentials');
      return undefined;
    }
    const session: Session = {
      connection,
      connectionId: `conn-${++this.nextConnection}`,
      clientId,
      channels: new Set(),
    };
    if (expiresAt !== undefined) {
      session.expiryTimer = setTimeout(() => {
        send({ t: 'err', code: FoonyErrorCode.AuthExpired, message: 'token expired' });
        connection.close(4001, 'token expired');
      }, expiresAt - Date.now());
    }
    this.sessions.add(session);
    send({ t: 'connected', connectionId: session.connectionId, keepAliveMs: this.keepAliveMs, clientId });
    return session;
  }

  private handle(session: Session, frame: Frame, send: (f: Frame) => void): void {
    const id = typeof frame.id === 'number' ? frame.id : undefined;
    const fail = (code: number, message: string): void =>
      send({ t: 'err', ...(id !== undefined ? { id } : {}), code, message });
    if (frame.t === 'ping') return send({ t: 'pong' });
    if (id === undefined) return fail(FoonyErrorCode.BadFrame, `${String(frame.t)} needs a numeric id`);
    const channel = frame.channel;
    if (typeof channel !== 'string' || channel.length === 0 || channel.length > MAX_NAME) {
      return fail(FoonyErrorCode.BadFrame, 'bad channel name');
    }
    if (frame.t === 'sub' || frame.t === 'unsub') {
      let counts = this.requestCounts.get(channel);
      if (!counts) this.requestCounts.set(channel, (counts = { sub: 0, unsub: 0 }));
      counts[frame.t]++;
    }
    if (this.options.isUnknown?.(channel) ?? channel.startsWith('unknown:'))
      return fail(FoonyErrorCode.NotFound, `no channel ${channel}`);
    if (this.options.isForbidden?.(channel, session.clientId) ?? channel.startsWith('forbidden:')) {
      return fail(FoonyErrorCode.Forbidden, `not allowed on ${channel}`);
    }
    switch (frame.t) {
      case 'sub': {
        const fault = this.subFaults.get(channel);
        if (fault && fault.times > 0) {
          fault.times--;
          if (fault.code !== undefined) fail(fault.code, `cannot subscribe to ${channel} now`);
          return;
        }
        return this.subscribe(
          session,
          channel,
          typeof frame.lastMessageId === 'string' ? frame.lastMessageId : undefined,
          id,
          send,
        );
      }
      case 'unsub':
        this.unsubscribe(session, channel);
        return send({ t: 'ack', id });
      case 'pub':
        if (typeof frame.name !== 'string') return fail(FoonyErrorCode.BadFrame, 'pub needs a name');
        this.store(channel, frame.name, frame.data, session.clientId);
        return send({ t: 'ack', id });
      case 'pres':
        if (frame.action !== 'enter' && frame.action !== 'update' && frame.action !== 'leave') {
          return fail(FoonyErrorCode.BadFrame, 'bad presence action');
        }
        this.presence(session, channel, frame.action, frame.data);
        return send({ t: 'ack', id });
      case 'hist':
        return send(this.history(channel, id, frame.limit, frame.start));
      default:
        return fail(FoonyErrorCode.BadFrame, `unknown frame type ${String(frame.t)}`);
    }
  }

  private channel(name: string): ChannelState {
    let state = this.channels.get(name);
    if (!state) this.channels.set(name, (state = { history: [], subscribers: new Set(), members: new Map() }));
    return state;
  }

  /** Replays what came after the cursor, then the presence set, then acks: all before any later live message. */
  private subscribe(
    session: Session,
    name: string,
    lastMessageId: string | undefined,
    id: number,
    send: (f: Frame) => void,
  ): void {
    const state = this.channel(name);
    if (lastMessageId !== undefined) {
      const index = state.history.findIndex((m) => m.messageId === lastMessageId);
      // A cursor older than the retained history replays everything retained.
      const from = index < 0 ? 0 : Math.max(0, index + 1 - (this.options.resumeOverlap ?? 0));
      for (const message of state.history.slice(from)) send(message);
    }
    for (const member of state.members.values()) send({ t: 'presEvt', channel: name, action: 'enter', ...member });
    state.subscribers.add(session);
    session.channels.add(name);
    send({ t: 'ack', id });
  }

  private unsubscribe(session: Session, name: string): void {
    this.channels.get(name)?.subscribers.delete(session);
    session.channels.delete(name);
  }

  private store(name: string, messageName: string, data: unknown, clientId?: string): StoredMessage {
    const state = this.channel(name);
    const message: StoredMessage = {
      t: 'msg',
      channel: name,
      name: messageName,
      data,
      timestamp: Date.now(),
      messageId: `m${String(++this.nextMessage).padStart(10, '0')}`,
      ...(clientId !== undefined ? { clientId } : {}),
    };
    state.history.push(message);
    if (state.history.length > this.historyLimit) state.history.splice(0, state.history.length - this.historyLimit);
    const text = JSON.stringify(message);
    for (const subscriber of state.subscribers) subscriber.connection.send(text);
    return message;
  }

  private presence(session: Session, name: string, action: 'enter' | 'update' | 'leave', data: unknown): void {
    const state = this.channel(name);
    const member: Member = {
      clientId: session.clientId,
      connectionId: session.connectionId,
      timestamp: Date.now(),
      ...(data !== undefined ? { data } : {}),
    };
    if (action === 'leave') {
      if (!state.members.delete(session.connectionId)) return;
    } else {
      state.members.set(session.connectionId, member);
    }
    const text = JSON.stringify({ t: 'presEvt', channel: name, action, ...member });
    for (const subscriber of state.subscribers) subscriber.connection.send(text);
  }

  /** Backward paging: messages older than `start` (exclusive), newest `limit` of them, oldest first. */
  private history(name: string, id: number, limit: unknown, start: unknown): Frame {
    const all = this.channels.get(name)?.history ?? [];
    const size = typeof limit === 'number' && limit > 0 ? Math.min(Math.floor(limit), 1000) : 100;
    let end = all.length;
    if (typeof start === 'string') {
      const index = all.findIndex((m) => m.messageId === start);
      end = index >= 0 ? index : all.length;
    }
    const begin = Math.max(0, end - size);
    return { t: 'histRes', id, channel: name, messages: all.slice(begin, end), more: begin > 0 };
  }

  private endSession(session: Session): void {
    if (session.expiryTimer) clearTimeout(session.expiryTimer);
    this.sessions.delete(session);
    for (const name of session.channels) this.channels.get(name)?.subscribers.delete(session);
    for (const [name, state] of this.channels) {
      if (state.members.has(session.connectionId)) {
        const member = state.members.get(session.connectionId)!;
        state.members.delete(session.connectionId);
        const text = JSON.stringify({ t: 'presEvt', channel: name, action: 'leave', ...member, timestamp: Date.now() });
        for (const subscriber of state.subscribers) subscriber.connection.send(text);
      }
    }
  }
}

export function foonyModule(options?: FoonyMockOptions): FoonyMock {
  return new FoonyMock(options);
}

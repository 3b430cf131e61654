import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type { MockConnection } from '../mock-connection';
import type { ProtocolModule } from '../protocol-module';
import type { Faults } from '../server';
import { FoonyAuth } from './auth';
import { BinarySession } from './binary-session';
import { ChannelStore } from './channel-store';
import { MAX_NAME, type ChannelCheck, type FoonyContext, type SessionHandle } from './context';
import { JsonSession } from './json-session';
import { LongPollRoutes } from './long-poll';
import { PresenceGrace } from './presence-grace';
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
  /**
   * Binary wire: how long an ended session's presence is kept for a client resuming with `resumeConnectionId`
   * before its `leave` goes out. Default 15 000 ms; 0 leaves at once.
   */
  resumeGraceMs?: number;
  /**
   * Binary wire: coalesce what a session is sent in one tick into one WebSocket message, and a channel's messages
   * in it into one `msg` bundle record (as the service does under load). Default false: one record per message.
   */
  bundle?: boolean;
  /**
   * Binary wire over HTTP long-poll (`POST <path>/lp/connect|send|poll|disconnect`), as the service offers where
   * WebSockets are blocked. `holdMs`: how long an empty poll is held (default 25 000); `idleMs`: a session with no
   * poll for this long ends as a drop (default 45 000). `false` turns the routes off (404).
   */
  longPoll?: { holdMs?: number; idleMs?: number } | false;
}

/** Requests per channel, as `requestsFor` counts them. */
export interface FoonyRequestCounts {
  sub: number;
  unsub: number;
  pub: number;
  fetch: number;
  /** Publishes acked as resends of a retained `messageId` (binary wire). */
  resent: number;
}

const emptyCounts = (): FoonyRequestCounts => ({ sub: 0, unsub: 0, pub: 0, fetch: 0, resent: 0 });

/** An open session, as `sessionList()` lists it. */
export interface FoonySessionInfo {
  connectionId: string;
  clientId: string;
  wire: 'json' | 'binary';
  transport: 'websocket' | 'long-poll';
}

/**
 * The Foony realtime server for tests and the playground, on both wires at one path: a connection whose first
 * message is text speaks the seed's JSON wire; one whose first message is a binary auth record speaks the service's
 * current binary wire. Both share the channels (serials, history, presence).
 */
export class FoonyMock implements ProtocolModule {
  readonly name = 'foony';
  readonly path: string;
  readonly keepAliveMs: number;
  private readonly store: ChannelStore;
  private readonly auth: FoonyAuth;
  private readonly grace: PresenceGrace;
  private readonly sessions = new Set<SessionHandle>();
  private readonly context: FoonyContext;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private tick = 0;
  private nextConnection = 0;
  private attached = false;
  private faults: Faults | undefined;
  private readonly longPoll: LongPollRoutes | undefined;
  /** `sub`/`unsub` frames received per channel, faulted ones included. */
  private readonly requestCounts = new Map<string, FoonyRequestCounts>();
  private readonly subFaults = new Map<string, { times: number; code?: number }>();
  private readonly ackDrops = new Map<string, number>();

  constructor(private readonly options: FoonyMockOptions = {}) {
    this.path = options.path ?? '/foony';
    this.keepAliveMs = options.keepAliveMs ?? 15_000;
    this.store = new ChannelStore(options.historyLimit ?? 1000);
    this.auth = new FoonyAuth(options.tokens, options.keys);
    this.grace = new PresenceGrace(options.resumeGraceMs ?? 15_000, (id) => this.store.leaveEverywhere(id));
    this.context = this.makeContext();
    if (options.longPoll !== false) {
      this.longPoll = new LongPollRoutes(this.context, this.path, {
        holdMs: options.longPoll?.holdMs ?? 25_000,
        idleMs: options.longPoll?.idleMs ?? 45_000,
        maxBody: 1024 * 1024,
        refusing: () => this.faults?.state.refusing ?? false,
      });
    }
  }

  /** Every auth frame's credential, in order (for tests asserting what was sent), from both wires. */
  get authLog(): { token?: string; key?: string; clientId?: string }[] {
    return this.auth.log;
  }

  /** Issues a token for `clientId` that expires `ttlMs` from now (mid-session, the holder gets `err 40102`). */
  issueToken(clientId: string, ttlMs = 3_600_000): string {
    return this.auth.issueToken(clientId, ttlMs);
  }

  /** Publishes from the server side, as if another client had; returns the stored message. */
  publish(channel: string, name: string, data: unknown, clientId?: string): StoredMessage {
    return this.store.publish(channel, { name, data, ...(clientId !== undefined ? { clientId } : {}) });
  }

  /** The stored history of a channel, oldest first (with each message's serial). */
  historyOf(channel: string): readonly StoredMessage[] {
    return this.store.peek(channel)?.history ?? [];
  }

  /** Current presence members of a channel. */
  membersOf(channel: string): Member[] {
    return [...(this.store.peek(channel)?.members.values() ?? [])];
  }

  /** The server side of a session, by the connectionId it was given (to drop or silence one client). */
  connectionOf(connectionId: string): MockConnection | undefined {
    for (const session of this.sessions) if (session.connectionId === connectionId) return session.connection;
    return undefined;
  }

  /** The open sessions: which wire each speaks, over which transport. */
  sessionList(): FoonySessionInfo[] {
    return [...this.sessions].map(({ connectionId, clientId, wire, transport }) => ({
      connectionId,
      clientId,
      wire,
      transport,
    }));
  }

  /**
   * The next `times` `sub` frames for `channel` are answered with `err code` (e.g. 42900 rate limited, 50000), or
   * not answered at all when no code is given (the client's request times out).
   */
  failSubscribes(channel: string, times: number, code?: number): void {
    this.subFaults.set(channel, { times, code });
  }

  /**
   * How many `sub`, `unsub`, `pub` and `fetch` frames arrived for a channel (faulted and refused ones included), and
   * how many publishes were resends of a stored `messageId` (acked, not stored again).
   */
  requestsFor(channel: string): FoonyRequestCounts {
    return { ...(this.requestCounts.get(channel) ?? emptyCounts()) };
  }

  /** Authenticated sessions subscribed to a channel. */
  subscriberCount(channel: string): number {
    return this.store.peek(channel)?.subscribers.size ?? 0;
  }

  /**
   * Binary wire: the messages stored next on `channel` with these serials are not delivered live to binary
   * sessions (they stay in history), leaving a gap the client must fill with `fetch`.
   */
  dropLive(channel: string, serials: readonly number[]): void {
    this.store.dropLive(channel, serials);
  }

  /**
   * Binary wire: the next `times` publishes on `channel` are stored and delivered, but the publisher's connection is
   * dropped instead of acked — its client resends with the same `messageId`, which must not be stored twice. A
   * resend's ack counts too: `times = 2` loses the first publish's ack and its resend's.
   */
  dropBeforeAck(channel: string, times = 1): void {
    this.ackDrops.set(channel, times);
  }

  /** Binary sessions' presence kept for a resume (ended less than `resumeGraceMs` ago). */
  get heldPresence(): number {
    return this.grace.size;
  }

  /** Stops the ticker and ends presence grace periods (called when the server closes; module state is kept). */
  detach(): void {
    this.attached = false;
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = undefined;
    this.grace.flush();
  }

  /** Ends every long-poll session as a network drop would (WebSocket connections are the server's to drop). */
  dropAll(): void {
    this.longPoll?.dropAll();
  }

  attach(_server?: HttpServer, faults?: Faults): void {
    this.attached = true;
    this.faults = faults;
    const ticker = this.options.ticker;
    if (!ticker || this.tickTimer) return;
    this.tickTimer = setInterval(() => {
      // Once anyone has subscribed, keep ticking (also while they are disconnected, so a resume has something to catch up).
      if (this.store.has(ticker.channel)) this.publish(ticker.channel, 'tick', ++this.tick);
    }, ticker.intervalMs);
    this.tickTimer.unref?.();
  }

  onConnection(connection: MockConnection): void {
    let session: JsonSession | BinarySession | undefined;
    let settled = false;
    const authTimer = setTimeout(() => {
      if (!session) connection.close(4001, 'auth timeout');
    }, this.options.authTimeoutMs ?? 10_000);

    connection.onClose(() => {
      clearTimeout(authTimer);
      session?.end();
    });
    connection.onMessage((text, isBinary, bytes) => {
      if (session instanceof BinarySession) return isBinary ? session.receive(bytes) : session.receiveText();
      if (session) return session.receive(text);
      if (settled) return; // a refused auth: the close is on its way
      // The first message decides the wire: a binary auth record makes the whole connection binary.
      if (isBinary) {
        settled = true;
        session = BinarySession.start(
          this.context,
          {
            send: (b) => connection.sendBinary(b),
            close: (c, r) => connection.close(c, r),
            drop: () => connection.drop(),
            connection,
          },
          bytes,
        );
      } else {
        session = JsonSession.start(this.context, connection, text);
        settled = session !== undefined || !connection.isOpen;
      }
      if (session) clearTimeout(authTimer);
    });
  }

  /** Long-poll routes under the module's path (see long-poll.ts). */
  handleHttp(request: IncomingMessage, response: ServerResponse): boolean {
    return this.longPoll?.handle(request, response) ?? false;
  }

  private makeContext(): FoonyContext {
    return {
      store: this.store,
      auth: this.auth,
      keepAliveMs: this.keepAliveMs,
      resumeOverlap: this.options.resumeOverlap ?? 0,
      bundle: this.options.bundle ?? false,
      checkChannel: (type, channel, clientId) => this.checkChannel(type, channel, clientId),
      takeSubFault: (channel) => {
        const fault = this.subFaults.get(channel);
        if (!fault || fault.times <= 0) return undefined;
        fault.times--;
        return fault.code !== undefined ? { code: fault.code } : {};
      },
      nextConnectionId: () => `conn-${++this.nextConnection}`,
      resume: (connectionId, clientId) => {
        if (this.grace.take(connectionId, clientId)) return true;
        for (const session of this.sessions) {
          if (session.connectionId === connectionId && session.clientId === clientId && session.supersede) {
            session.supersede();
            return true;
          }
        }
        return false;
      },
      holdPresence: (connectionId, clientId) => {
        if (this.attached) this.grace.hold(connectionId, clientId);
        else this.store.leaveEverywhere(connectionId);
      },
      takeAckDrop: (channel) => {
        const left = this.ackDrops.get(channel) ?? 0;
        if (left > 0) this.ackDrops.set(channel, left - 1);
        return left > 0;
      },
      countResend: (channel) => this.count(channel, 'resent'),
      register: (session) => this.sessions.add(session),
      unregister: (session) => this.sessions.delete(session),
    };
  }

  private count(channel: string, kind: keyof FoonyRequestCounts): void {
    let counts = this.requestCounts.get(channel);
    if (!counts) this.requestCounts.set(channel, (counts = emptyCounts()));
    counts[kind]++;
  }

  private checkChannel(type: string, channel: unknown, clientId: string): ChannelCheck {
    if (typeof channel !== 'string' || channel.length === 0 || channel.length > MAX_NAME) {
      return { ok: false, code: FoonyErrorCode.BadFrame, message: 'bad channel name' };
    }
    if (type === 'sub' || type === 'unsub' || type === 'pub' || type === 'fetch') this.count(channel, type);
    if (this.options.isUnknown?.(channel) ?? channel.startsWith('unknown:')) {
      return { ok: false, code: FoonyErrorCode.NotFound, message: `no channel ${channel}` };
    }
    if (this.options.isForbidden?.(channel, clientId) ?? channel.startsWith('forbidden:')) {
      return { ok: false, code: FoonyErrorCode.Forbidden, message: `not allowed on ${channel}` };
    }
    return { ok: true, channel };
  }
}

export function foonyModule(options?: FoonyMockOptions): FoonyMock {
  return new FoonyMock(options);
}

import { createHmac } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server, type Socket } from 'socket.io';
import { FaultState } from '../faults';
import { mountSocketIODemo } from '../socketio-demo';
import type { ProtocolModule } from '../protocol-module';
import type { Faults } from '../server';
import { handleCalls } from './call-handlers';
import { handleGroups } from './group-handlers';
import { handleMessages } from './message-handlers';
import { SilenceableWsServer, SockrLink, type EngineSocket, type SockrUserFaults } from './sockr-link';
import { SockrSession } from './sockr-session';
import {
  HISTORY_DEFAULT,
  type Call,
  type IceServer,
  type Member,
  type SockrMockOptions,
  type StoredGroup,
  type StoredMessage,
} from './sockr-types';

export type { SockrMockOptions } from './sockr-types';

type EngineEntry = {
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
};

/**
 * While `refusing()`, new Engine.IO handshakes (requests without a session id) get 503 Service Unavailable,
 * polling and WebSocket alike, as from an overloaded server; open sessions go on. engine.io's own
 * `allowRequest` can only answer 403 (400 to an upgrade), which a client must take as a configuration error.
 */
function refuseHandshakesWhile(io: Server, refusing: () => boolean): void {
  const engine = io.engine as unknown as EngineEntry;
  const handleRequest = engine.handleRequest.bind(engine);
  const handleUpgrade = engine.handleUpgrade.bind(engine);
  const isRefused = (req: IncomingMessage): boolean =>
    refusing() && !new URL(req.url ?? '/', 'http://mock').searchParams.has('sid');
  engine.handleRequest = (req, res) => {
    if (!isRefused(req)) return handleRequest(req, res);
    res
      .writeHead(503, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' })
      .end('refused by the mock server');
  };
  engine.handleUpgrade = (req, socket, head) => {
    if (!isRefused(req)) return handleUpgrade(req, socket, head);
    socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
  };
}

/**
 * Sockr's server (auth, presence, direct messages with persistence and an offline queue, receipts,
 * typing, history paging, groups and group messages, P2P call signalling with TURN credentials,
 * SFU conferences with a fake provider) on the real `socket.io` server library. State lives in the
 * module and survives a mock-server restart. The server's delay and refusal apply to its Engine.IO
 * connections too; `faultsFor(userId)` aims drops, silences and delays at one user.
 */
export class SockrMock implements ProtocolModule {
  readonly name = 'sockr';
  /** socket.io answers the upgrades under its path; the mock server answers 404 to every other unknown one. */
  readonly upgradePrefix = '/socket.io/';
  io: Server | undefined;
  readonly messages: StoredMessage[] = [];
  readonly queues = new Map<string, StoredMessage[]>();
  readonly groups = new Map<string, StoredGroup>();
  readonly members = new Map<string, Member[]>();
  readonly calls = new Map<string, Call>();
  readonly conferences = new Map<string, { startedBy: string; participants: Map<string, number> }>();
  /** userId → its authenticated sockets. */
  readonly online = new Map<string, Set<Socket>>();
  /** Every `authenticate` received, with the token (for tests asserting what was sent). */
  readonly authLog: string[] = [];
  /** Every event received, in order, as [userId | '-', event]. */
  readonly eventLog: [string, string][] = [];
  private faults: Faults | undefined;
  private readonly links = new Map<EngineSocket, SockrLink>();
  /** userId → the delay on that user's packets (and the packets it holds). */
  private readonly userFaults = new Map<string, FaultState>();

  /** @internal */
  constructor(readonly options: SockrMockOptions = {}) {}

  attach(http: HttpServer, faults: Faults): void {
    this.faults = faults;
    const io = new Server(http, {
      path: this.upgradePrefix,
      pingInterval: this.options.pingInterval ?? 25_000,
      pingTimeout: this.options.pingTimeout ?? 20_000,
      transports: ['websocket', 'polling'],
      maxHttpBufferSize: this.options.maxHttpBufferSize ?? 1e6,
      cors: { origin: '*' },
      destroyUpgrade: false,
      wsEngine: SilenceableWsServer,
    });
    refuseHandshakesWhile(io, () => faults.state.refusing);
    this.io = io;
    io.engine.on('connection', (conn: EngineSocket) => {
      this.links.set(conn, new SockrLink(conn, faults.state));
      conn.once('close', () => this.links.delete(conn));
    });
    io.on('connection', (socket) => this.onSocket(socket));
    const demo = this.options.demoNamespace ?? '/demo';
    if (demo !== false) mountSocketIODemo(io.of(demo));
  }

  async detach(): Promise<void> {
    const io = this.io;
    this.io = undefined;
    if (!io) return;
    for (const sockets of this.online.values()) sockets.clear();
    this.online.clear();
    this.links.clear();
    for (const state of this.userFaults.values()) state.reset();
    // io.close() would also close the shared HTTP server. Closing the engine drops every transport
    // without a Socket.IO DISCONNECT, as a process going away would, so clients reconnect.
    io.engine.close();
  }

  /** Abrupt drop of every connection: TCP reset, no Socket.IO DISCONNECT (so clients reconnect). */
  dropAll(): void {
    for (const link of this.links.values()) link.drop();
  }

  /** Half-open: the current connections stop writing and reading and stay up; new connections work. */
  silenceAll(): void {
    for (const link of this.links.values()) link.silence();
  }

  injectAll(raw: string): void {
    for (const link of this.links.values()) link.inject(raw);
  }

  /**
   * A user's link dies silently: everything the server writes to their sockets from now on is lost,
   * while the server still counts it delivered (the socket only closes later, with `dropUser`).
   */
  blackhole(userId: string): void {
    for (const link of this.linksOf(userId)) link.mute();
  }

  /**
   * An admin kick: the server disconnects each of the user's sockets (`socket.disconnect(true)`, a
   * Socket.IO DISCONNECT, then the connection closes) without an `auth_error` first. Returns how many.
   */
  kick(userId: string): number {
    const sockets = [...(this.online.get(userId) ?? [])];
    for (const socket of sockets) socket.disconnect(true);
    return sockets.length;
  }

  /** Drops a user's sockets abruptly (TCP reset). */
  dropUser(userId: string): number {
    return this.faultsFor(userId).drop();
  }

  /** @internal Calls held by `holdCalls`, in order; undefined when calls are not held. */
  heldCalls: (() => void)[] | undefined;

  /**
   * A test hook: from now on each \`call_initiate\` waits (no \`call_ringing\` to the caller, no \`call_incoming\` to the
   * callee) until the returned function is called, which handles the held ones in order and stops holding. For a
   * caller whose ICE candidates are gathered before the server names its call.
   */
  holdCalls(): () => void {
    const held = (this.heldCalls ??= []);
    return () => {
      if (this.heldCalls === held) this.heldCalls = undefined;
      for (const initiate of held.splice(0)) initiate();
    };
  }

  /** Faults aimed at one user's link (drop, half-open silence, delay), plus the server's refusal and restart. */
  faultsFor(userId: string): SockrUserFaults {
    const server = (): Faults => {
      if (!this.faults) throw new Error('the Sockr module is not attached to a mock server');
      return this.faults;
    };
    return {
      drop: () => this.each(userId, (link) => link.drop()),
      silence: () => this.each(userId, (link) => link.silence()),
      delay: (ms) => {
        this.userFaultState(userId).delayMs = Math.max(0, ms);
      },
      refuse: (ms) => server().refuse(ms),
      restart: (downMs) => server().restart(downMs),
    };
  }

  /** The server's own copy of the user's sockets (count), for assertions. */
  socketsOf(userId: string): number {
    return this.online.get(userId)?.size ?? 0;
  }

  isOnline(userId: string): boolean {
    return this.socketsOf(userId) > 0;
  }

  private linksOf(userId: string): SockrLink[] {
    return [...(this.online.get(userId) ?? [])].flatMap((socket) => this.links.get(socket.conn) ?? []);
  }

  private each(userId: string, fault: (link: SockrLink) => void): number {
    const links = this.linksOf(userId);
    for (const link of links) fault(link);
    return links.length;
  }

  /** @internal For the handlers. */
  userFaultState(userId: string): FaultState {
    let state = this.userFaults.get(userId);
    if (!state) this.userFaults.set(userId, (state = new FaultState()));
    return state;
  }

  private onSocket(socket: Socket): void {
    const session = new SockrSession(this, socket, this.links.get(socket.conn));
    handleMessages(session);
    handleGroups(session);
    handleCalls(session);
    const to = session.to.bind(session);
    socket.on('disconnect', () => {
      const userId = session.userId;
      if (!userId) return;
      const set = this.online.get(userId);
      set?.delete(socket);
      if (set && set.size > 0) return;
      this.online.delete(userId);
      this.io?.emit('user_offline', { userId });
      for (const call of [...this.calls.values()]) {
        if (call.callerId !== userId && call.calleeId !== userId) continue;
        this.calls.delete(call.callId);
        to(call.callerId === userId ? call.calleeId : call.callerId, 'call_ended', { callId: call.callId });
      }
      for (const groupId of [...this.conferences.keys()]) this.leaveConference(groupId, userId);
    });
  }

  /** @internal For the handlers. */
  leaveConference(groupId: string, userId: string): void {
    const room = this.conferences.get(groupId);
    if (!room || !room.participants.delete(userId)) return;
    if (room.participants.size === 0) {
      this.conferences.delete(groupId);
      this.io?.to(groupId).emit('conference_ended', { groupId });
    } else {
      this.io
        ?.to(groupId)
        .emit('conference_participant_left', { groupId, userId, participantCount: room.participants.size });
    }
  }

  /** @internal For the handlers. */
  enqueue(userId: string, message: StoredMessage): void {
    let queue = this.queues.get(userId);
    if (!queue) this.queues.set(userId, (queue = []));
    queue.push(message);
  }

  /** @internal For the handlers. */
  isMember(groupId: string, userId: string): boolean {
    return (this.members.get(groupId) ?? []).some((m) => m.userId === userId);
  }

  /** The newest `limit` messages older than `before` (exclusive), ascending. */
  /** @internal For the handlers. */
  page(conversationId: string, limit: unknown, before: unknown): StoredMessage[] {
    const size = typeof limit === 'number' && limit > 0 ? Math.floor(limit) : HISTORY_DEFAULT;
    const older = this.messages.filter(
      (m) => m.conversationId === conversationId && (typeof before !== 'number' || m.timestamp < before),
    );
    return older.slice(Math.max(0, older.length - size));
  }

  /** Static servers, then one TURN entry per URL with coturn `use-auth-secret` credentials. */
  iceServersFor(userId: string): IceServer[] {
    const servers: IceServer[] = [...(this.options.iceServers ?? [{ urls: 'stun:stun.mock.invalid:3478' }])];
    const turn = this.options.turn;
    if (turn) {
      const username = `${Math.floor(Date.now() / 1000) + (turn.ttl ?? 3600)}:${userId}`;
      const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
      for (const urls of Array.isArray(turn.urls) ? turn.urls : [turn.urls])
        servers.push({ urls, username, credential });
    }
    return servers;
  }
}

export function sockrModule(options?: SockrMockOptions): SockrMock {
  return new SockrMock(options);
}

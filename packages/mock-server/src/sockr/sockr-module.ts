import { createHmac, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server, type Socket } from 'socket.io';
import { FaultState } from '../faults';
import { mountSocketIODemo } from '../socketio-demo';
import type { ProtocolModule } from '../protocol-module';
import type { Faults } from '../server';
import { SilenceableWsServer, SockrLink, type EngineSocket, type SockrUserFaults } from './sockr-link';

/** Shapes as the Sockr server stores and sends them (written from the protocol notes, not the client). */
interface StoredMessage {
  id: string;
  conversationId: string;
  from: string;
  to?: string;
  groupId?: string;
  content: string;
  timestamp: number;
  metadata?: Record<string, unknown>;
  deliveredTo: string[];
  readBy: string[];
}
interface StoredGroup {
  id: string;
  name: string;
  createdBy: string;
  createdAt: number;
  members: string[];
  metadata?: Record<string, unknown>;
}
interface Member {
  userId: string;
  role: 'admin' | 'member';
  joinedAt: number;
}
interface Call {
  callId: string;
  callerId: string;
  calleeId: string;
  status: 'ringing' | 'active';
}
interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface SockrMockOptions {
  /** `authenticate` tokens → userId. Default: `token:<userId>` authenticates as `<userId>`; `throw` makes the handler throw. */
  authenticate?: (token: string) => string | null;
  /** Static ICE servers. Default one public-style STUN entry. */
  iceServers?: IceServer[];
  /** TURN with coturn `use-auth-secret` credentials (HMAC-SHA1 of `expiry:userId`). */
  turn?: { urls: string | string[]; secret: string; ttl?: number };
  /** The SFU URL handed out with conference tokens. */
  sfuUrl?: string;
  pingInterval?: number;
  pingTimeout?: number;
  /** When false, the server ignores the client's `authenticated` echo (like a server without the hook). */
  postAuthHook?: boolean;
  /** socket.io's `maxHttpBufferSize` (announced as `maxPayload` in the Engine.IO handshake). Default 1 MB, as Sockr's server. */
  maxHttpBufferSize?: number;
  /** Where the generic Socket.IO demo namespace is mounted (`socketio-demo.ts`); default `/demo`, false for none. */
  demoNamespace?: string | false;
}

const HISTORY_DEFAULT = 50;

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

  constructor(private readonly options: SockrMockOptions = {}) {}

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

  private userFaultState(userId: string): FaultState {
    let state = this.userFaults.get(userId);
    if (!state) this.userFaults.set(userId, (state = new FaultState()));
    return state;
  }

  private onSocket(socket: Socket): void {
    const link = this.links.get(socket.conn);
    let userId: string | undefined;
    const to = (uid: string, event: string, payload: unknown): void => {
      for (const s of this.online.get(uid) ?? []) s.emit(event, payload);
    };
    const on = (event: string, handler: (data: Record<string, unknown>) => void): void => {
      socket.on(event, (data: unknown) => {
        if (link?.isSilenced) return;
        this.eventLog.push([userId ?? '-', event]);
        handler(data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {});
      });
    };

    on('authenticate', ({ token }) => {
      this.authLog.push(String(token));
      let uid: string | null;
      try {
        uid = this.options.authenticate ? this.options.authenticate(String(token)) : defaultAuth(String(token));
      } catch {
        socket.emit('auth_error', { message: 'Authentication failed' });
        socket.disconnect(true);
        return;
      }
      if (!uid) {
        socket.emit('auth_error', { message: 'Invalid authentication token' });
        socket.disconnect(true);
        return;
      }
      userId = uid;
      if (link) link.user = this.userFaultState(uid);
      let set = this.online.get(uid);
      if (!set) this.online.set(uid, (set = new Set()));
      set.add(socket);
      socket.emit('authenticated', { userId: uid, socketId: socket.id });
    });

    // The post-login hook listens for the client's echo of `authenticated` (sockr.md finding 2).
    on('authenticated', () => {
      if (!userId || this.options.postAuthHook === false) return;
      this.io?.emit('user_online', { userId });
      const queued = this.queues.get(userId) ?? [];
      this.queues.delete(userId);
      for (const message of queued) {
        socket.emit('receive_message', {
          from: message.from,
          content: message.content,
          timestamp: message.timestamp,
          messageId: message.id,
          metadata: message.metadata,
        });
        if (!message.deliveredTo.includes(userId)) message.deliveredTo.push(userId);
      }
      for (const [groupId, list] of this.members) if (list.some((m) => m.userId === userId)) void socket.join(groupId);
    });

    on('get_online_status', ({ userIds }) => {
      const statuses: Record<string, boolean> = {};
      for (const id of Array.isArray(userIds) ? userIds : []) statuses[String(id)] = this.isOnline(String(id));
      socket.emit('online_status', { statuses });
    });

    on('send_message', ({ to: recipient, content, metadata }) => {
      if (!userId) return void socket.emit('message_error', { error: 'Not authenticated' });
      const message: StoredMessage = {
        id: randomUUID(),
        conversationId: [userId, String(recipient)].sort().join(':'),
        from: userId,
        to: String(recipient),
        content: String(content),
        timestamp: Date.now(),
        ...(metadata && typeof metadata === 'object' ? { metadata: metadata as Record<string, unknown> } : {}),
        deliveredTo: [],
        readBy: [],
      };
      this.messages.push(message);
      if (this.isOnline(message.to!)) {
        to(message.to!, 'receive_message', {
          from: userId,
          content: message.content,
          timestamp: message.timestamp,
          messageId: message.id,
          metadata: message.metadata,
        });
        message.deliveredTo.push(message.to!);
      } else {
        this.enqueue(message.to!, message);
      }
      socket.emit('message_delivered', { messageId: message.id });
    });

    on('message_read', ({ messageId, from }) => {
      if (!userId) return;
      const message = this.messages.find((m) => m.id === messageId);
      if (message && !message.readBy.includes(userId)) message.readBy.push(userId);
      if (typeof from === 'string') to(from, 'message_read', { messageId });
    });

    on('typing_start', ({ to: recipient }) => userId && to(String(recipient), 'typing_start', { from: userId }));
    on('typing_stop', ({ to: recipient }) => userId && to(String(recipient), 'typing_stop', { from: userId }));

    on('get_message_history', (data) => {
      if (!userId) return;
      const conversationId = [userId, String(data.with)].sort().join(':');
      socket.emit('message_history', { conversationId, messages: this.page(conversationId, data.limit, data.before) });
    });

    on('group_create', ({ name, members, metadata }) => {
      if (!userId) return void socket.emit('group_create_error', { error: 'Not authenticated' });
      const now = Date.now();
      const invited = (Array.isArray(members) ? members.map(String) : []).filter((m) => m !== userId);
      const group: StoredGroup = {
        id: randomUUID(),
        name: String(name),
        createdBy: userId,
        createdAt: now,
        members: [userId, ...invited],
        ...(metadata && typeof metadata === 'object' ? { metadata: metadata as Record<string, unknown> } : {}),
      };
      this.groups.set(group.id, group);
      this.members.set(group.id, [
        { userId, role: 'admin', joinedAt: now },
        ...invited.map((m) => ({ userId: m, role: 'member' as const, joinedAt: now })),
      ]);
      void socket.join(group.id);
      for (const m of invited) for (const s of this.online.get(m) ?? []) void s.join(group.id);
      socket.emit('group_created', { group });
    });

    on('group_join', ({ groupId }) => {
      const id = String(groupId);
      if (!userId) return void socket.emit('group_join_error', { groupId: id, error: 'Not authenticated' });
      const group = this.groups.get(id);
      if (!group) return void socket.emit('group_join_error', { groupId: id, error: 'Group not found' });
      const list = this.members.get(id)!;
      if (!list.some((m) => m.userId === userId)) {
        const member: Member = { userId, role: 'member', joinedAt: Date.now() };
        list.push(member);
        group.members.push(userId);
        socket.to(id).emit('group_member_joined', { groupId: id, member });
      }
      for (const s of this.online.get(userId) ?? [socket]) void s.join(id);
      void socket.join(id);
      socket.emit('group_joined', { groupId: id, group, queuedMessages: this.page(id, HISTORY_DEFAULT, undefined) });
    });

    on('group_leave', ({ groupId }) => {
      const id = String(groupId);
      if (!userId) return;
      const list = this.members.get(id);
      if (list)
        this.members.set(
          id,
          list.filter((m) => m.userId !== userId),
        );
      const group = this.groups.get(id);
      if (group) group.members = group.members.filter((m) => m !== userId);
      for (const s of this.online.get(userId) ?? [socket]) void s.leave(id);
      this.io?.to(id).emit('group_member_left', { groupId: id, userId });
      socket.emit('group_left', { groupId: id });
    });

    on('get_group_members', ({ groupId }) =>
      socket.emit('group_members', { groupId, members: this.members.get(String(groupId)) ?? [] }),
    );

    on('get_user_groups', () => {
      if (!userId) return;
      socket.emit('user_groups', { groups: [...this.groups.values()].filter((g) => this.isMember(g.id, userId!)) });
    });

    on('group_send_message', ({ groupId, content, metadata }) => {
      const id = String(groupId);
      if (!userId) return void socket.emit('group_message_error', { groupId: id, error: 'Not authenticated' });
      if (!this.isMember(id, userId))
        return void socket.emit('group_message_error', { groupId: id, error: 'Not a member of this group' });
      const message: StoredMessage = {
        id: randomUUID(),
        conversationId: id,
        from: userId,
        groupId: id,
        content: String(content),
        timestamp: Date.now(),
        ...(metadata && typeof metadata === 'object' ? { metadata: metadata as Record<string, unknown> } : {}),
        deliveredTo: [],
        readBy: [],
      };
      this.messages.push(message);
      this.io?.to(id).emit('group_receive_message', {
        groupId: id,
        messageId: message.id,
        from: userId,
        content: message.content,
        timestamp: message.timestamp,
        metadata: message.metadata,
      });
      for (const member of this.members.get(id) ?? []) {
        if (member.userId === userId) continue;
        if (this.isOnline(member.userId)) message.deliveredTo.push(member.userId);
        else this.enqueue(member.userId, message);
      }
      socket.emit('group_message_delivered', { groupId: id, messageId: message.id });
    });

    on('group_message_read', ({ groupId, messageId }) => {
      if (!userId) return;
      socket.to(String(groupId)).emit('group_message_read', { groupId, messageId });
    });
    on(
      'group_typing_start',
      ({ groupId }) => userId && socket.to(String(groupId)).emit('group_typing_start', { groupId, from: userId }),
    );
    on(
      'group_typing_stop',
      ({ groupId }) => userId && socket.to(String(groupId)).emit('group_typing_stop', { groupId, from: userId }),
    );

    on('get_group_message_history', (data) => {
      const id = String(data.groupId);
      if (!userId || !this.isMember(id, userId)) return;
      socket.emit('group_message_history', { groupId: id, messages: this.page(id, data.limit, data.before) });
    });

    on(
      'call_get_ice_servers',
      () => userId && socket.emit('call_ice_servers', { iceServers: this.iceServersFor(userId) }),
    );

    on('call_initiate', ({ to: callee, sdpOffer }) => {
      if (!userId) return;
      const calleeId = String(callee);
      if (!this.isOnline(calleeId)) return void socket.emit('call_ended', { callId: '' });
      if ([...this.calls.values()].some((c) => c.calleeId === calleeId || c.callerId === calleeId)) {
        return void socket.emit('call_busy', { callId: randomUUID() });
      }
      const call: Call = { callId: randomUUID(), callerId: userId, calleeId, status: 'ringing' };
      this.calls.set(call.callId, call);
      socket.emit('call_ringing', { callId: call.callId });
      to(calleeId, 'call_incoming', {
        callId: call.callId,
        from: userId,
        sdpOffer,
        iceServers: this.iceServersFor(calleeId),
      });
    });
    on('call_answer', ({ callId, sdpAnswer }) => {
      const call = this.calls.get(String(callId));
      if (!userId || !call) return;
      call.status = 'active';
      to(call.callerId, 'call_answered', { callId: call.callId, sdpAnswer });
    });
    on('call_reject', ({ callId }) => {
      const call = this.calls.get(String(callId));
      if (!userId || !call) return;
      this.calls.delete(call.callId);
      to(call.callerId, 'call_rejected', { callId: call.callId });
    });
    on('call_hangup', ({ callId }) => {
      const call = this.calls.get(String(callId));
      if (!userId || !call) return;
      this.calls.delete(call.callId);
      to(userId === call.callerId ? call.calleeId : call.callerId, 'call_ended', { callId: call.callId });
    });
    on('call_ice_candidate', ({ callId, candidate }) => {
      const call = this.calls.get(String(callId));
      if (!userId || !call) return;
      to(userId === call.callerId ? call.calleeId : call.callerId, 'call_ice_candidate', {
        callId: call.callId,
        candidate,
      });
    });

    on('conference_join', ({ groupId }) => {
      const id = String(groupId);
      if (!userId) return void socket.emit('conference_error', { groupId: id, error: 'Not authenticated' });
      if (!this.isMember(id, userId))
        return void socket.emit('conference_error', { groupId: id, error: 'Not a member of this group' });
      let room = this.conferences.get(id);
      const first = !room;
      if (!room) this.conferences.set(id, (room = { startedBy: userId, participants: new Map() }));
      const again = room.participants.has(userId);
      room.participants.set(userId, Date.now());
      socket.emit('conference_token', {
        groupId: id,
        sfuUrl: this.options.sfuUrl ?? 'wss://sfu.mock.invalid',
        token: fakeSfuToken(id, userId),
      });
      if (again) return;
      if (first) this.io?.to(id).emit('conference_started', { groupId: id, startedBy: userId, participantCount: 1 });
      else
        this.io
          ?.to(id)
          .emit('conference_participant_joined', { groupId: id, userId, participantCount: room.participants.size });
    });
    on('conference_leave', ({ groupId }) => {
      if (!userId || this.socketsOf(userId) > 1) return;
      this.leaveConference(String(groupId), userId);
    });

    socket.on('disconnect', () => {
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

  private leaveConference(groupId: string, userId: string): void {
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

  private enqueue(userId: string, message: StoredMessage): void {
    let queue = this.queues.get(userId);
    if (!queue) this.queues.set(userId, (queue = []));
    queue.push(message);
  }

  private isMember(groupId: string, userId: string): boolean {
    return (this.members.get(groupId) ?? []).some((m) => m.userId === userId);
  }

  /** The newest `limit` messages older than `before` (exclusive), ascending. */
  private page(conversationId: string, limit: unknown, before: unknown): StoredMessage[] {
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

function defaultAuth(token: string): string | null {
  if (token === 'throw') throw new Error('auth backend down');
  return token.startsWith('token:') && token.length > 6 ? token.slice(6) : null;
}

/** A stand-in SFU access token: room, identity and expiry, base64url (a real provider would sign it). */
function fakeSfuToken(room: string, identity: string): string {
  return Buffer.from(
    JSON.stringify({ room, identity, exp: Math.floor(Date.now() / 1000) + 3600, nonce: randomUUID() }),
  ).toString('base64url');
}

export function sockrModule(options?: SockrMockOptions): SockrMock {
  return new SockrMock(options);
}

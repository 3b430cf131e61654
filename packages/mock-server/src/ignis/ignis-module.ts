import { randomUUID } from 'node:crypto';
import type { MockConnection } from '../mock-connection';
import type { ProtocolModule } from '../protocol-module';
import { ServerEcdh } from './ecdh';

export interface IgnisAuthResult {
  userId?: string;
}

export interface IgnisMockOptions {
  /** Default `/ignis`. */
  path?: string;
  /** Default 5000 ms; a pending `authenticateFn` gets 3 × this. */
  authTimeoutMs?: number;
  /** The sweep period. Default 30 000 ms. */
  heartbeatIntervalMs?: number;
  /** Authenticated clients silent for longer are closed with 4002. Default 90 000 ms. */
  heartbeatTimeoutMs?: number;
  /** Default `['ws-default', 'ws-notification']`. */
  defaultRooms?: string[];
  /** Inbound frames over this drop the TCP connection (1006, no close frame), as Bun does. Default 131 072. */
  maxPayloadBytes?: number;
  requireEncryption?: boolean;
  /** The auth payload field holding the client's public key. Default `publicKey`. */
  publicKeyField?: string;
  /** Default `ignis-ecdh-p256-aes-256-gcm-v1`. */
  hkdfInfo?: string;
  /** Reproduce the docs' transformer bug: encrypt `connected` too. Default false. */
  encryptConnected?: boolean;
  /**
   * The app's `authenticateFn`. Return null/false to refuse, throw for a server fault. Default:
   * `token` `good-token` → user-1, `anon-token` → anonymous, `error-token` throws, `slow-token` never
   * settles, anything else is refused.
   */
  authenticate?: (
    data: Record<string, unknown>,
  ) => IgnisAuthResult | null | false | Promise<IgnisAuthResult | null | false>;
  /** The app's `validateRoomFn`: the allowed subset. Default: every room not starting with `denied:`. */
  validateRooms?: (rooms: string[], client: IgnisClientInfo) => string[];
}

export interface IgnisClientInfo {
  clientId: string;
  userId?: string;
  state: 'unauthorized' | 'authenticating' | 'authenticated';
  rooms: string[];
  encrypted: boolean;
  lastActivity: number;
}

interface ClientState {
  connection: MockConnection;
  clientId: string;
  userId?: string;
  state: IgnisClientInfo['state'];
  rooms: Set<string>;
  cipher?: ServerEcdh;
  lastActivity: number;
  authTimer?: ReturnType<typeof setTimeout>;
}

type Envelope = { event: string; data?: unknown; id?: unknown };

const DEFAULT_INFO = 'ignis-ecdh-p256-aes-256-gcm-v1';

function defaultAuthenticate(data: Record<string, unknown>): IgnisAuthResult | null | Promise<IgnisAuthResult | null> {
  switch (data.token) {
    case 'good-token':
      return { userId: 'user-1' };
    case 'anon-token':
      return {};
    case 'error-token':
      throw new Error('database down');
    case 'slow-token':
      return new Promise(() => undefined);
    default:
      if (typeof data.token === 'string' && data.token.startsWith('user:')) return { userId: data.token.slice(5) };
      return null;
  }
}

function validRoomName(room: unknown): room is string {
  return typeof room === 'string' && room.length > 0 && room.length <= 256 && !room.startsWith('ws:');
}

/**
 * The Ignis WebSocket helper's behaviour (0.0.7, as verified on the wire), written independently of
 * the client: auth timer (4001), heartbeat sweep (4002), auth failure/error (4003), encryption
 * required (4004), the exact error strings, room rules with default rooms and an app validator, an
 * app message handler (echo, whoami, broadcast, room/user sends, close-me), the ECDH encryption mode,
 * and oversize inbound frames dropping the connection.
 */
export class IgnisMock implements ProtocolModule {
  readonly name: string;
  readonly path: string;
  /** Connection payload limit of the ws server itself: above the helper's, which is enforced by hand. */
  readonly maxPayload = 16 * 1024 * 1024;
  private readonly clients = new Map<string, ClientState>();
  private sweep: ReturnType<typeof setInterval> | undefined;
  /** Inbound `encrypted` frames that decrypted to an envelope (client-side sealing at work). */
  openedFrames = 0;
  /** Every authenticate payload received, in order. */
  readonly authLog: Record<string, unknown>[] = [];

  constructor(private readonly options: IgnisMockOptions = {}) {
    this.path = options.path ?? '/ignis';
    this.name = this.path === '/ignis' ? 'ignis' : this.path.replace(/^\//, '').replace(/\//g, '-');
  }

  /** A snapshot of every connected client, for assertions. */
  clientList(): IgnisClientInfo[] {
    return [...this.clients.values()].map((c) => this.info(c));
  }

  client(clientId: string): IgnisClientInfo | undefined {
    const c = this.clients.get(clientId);
    return c ? this.info(c) : undefined;
  }

  connectionOf(clientId: string): MockConnection | undefined {
    return this.clients.get(clientId)?.connection;
  }

  broadcast(event: string, data?: unknown): void {
    for (const client of this.clients.values())
      if (client.state === 'authenticated') this.send(client, { event, data });
  }

  sendToRoom(room: string, event: string, data?: unknown): void {
    for (const client of this.clients.values()) if (client.rooms.has(room)) this.send(client, { event, data });
  }

  sendToUser(userId: string, event: string, data?: unknown): void {
    for (const client of this.clients.values()) if (client.userId === userId) this.send(client, { event, data });
  }

  /** `helper.shutdown()`: closes everyone with 1001. */
  shutdown(): void {
    for (const client of this.clients.values()) client.connection.close(1001, 'Server shutting down');
  }

  dropAll(): void {
    // Connections are MockConnections, dropped by the server's fault injection; nothing extra here.
  }

  detach(): void {
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = undefined;
  }

  onConnection(connection: MockConnection): void {
    const client: ClientState = {
      connection,
      clientId: randomUUID(),
      state: 'unauthorized',
      rooms: new Set(),
      lastActivity: Date.now(),
    };
    client.rooms.add(client.clientId);
    this.clients.set(client.clientId, client);
    this.startSweep();
    const authTimeoutMs = this.options.authTimeoutMs ?? 5000;
    client.authTimer = setTimeout(() => this.authTimedOut(client), authTimeoutMs);
    connection.onClose(() => {
      if (client.authTimer) clearTimeout(client.authTimer);
      this.clients.delete(client.clientId);
      if (this.clients.size === 0) this.detach();
    });
    connection.onMessage((text) => this.onMessage(client, text));
  }

  private onMessage(client: ClientState, text: string): void {
    client.lastActivity = Date.now();
    if (Buffer.byteLength(text, 'utf8') > (this.options.maxPayloadBytes ?? 131_072)) {
      client.connection.drop();
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.error(client, 'Invalid message format');
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return; // dropped silently
    const message = parsed as Envelope;
    if (!message.event) return; // dropped silently
    this.handle(client, message);
  }

  private handle(client: ClientState, message: Envelope): void {
    if (message.event === 'heartbeat') return;
    if (message.event === 'authenticate') {
      if (client.state !== 'unauthorized') return this.error(client, 'Already authenticated');
      void this.authenticate(client, (message.data ?? {}) as Record<string, unknown>);
      return;
    }
    if (client.state !== 'authenticated') return this.error(client, 'Not authenticated');
    switch (message.event) {
      case 'join':
        return this.join(client, message.data);
      case 'leave': {
        const rooms = (message.data as { rooms?: unknown } | undefined)?.rooms;
        if (Array.isArray(rooms)) for (const room of rooms) if (validRoomName(room)) client.rooms.delete(room);
        return;
      }
      default:
        return this.appMessage(client, message);
    }
  }

  private async authenticate(client: ClientState, data: Record<string, unknown>): Promise<void> {
    this.authLog.push(data);
    client.state = 'authenticating';
    if (client.authTimer) clearTimeout(client.authTimer);
    client.authTimer = setTimeout(() => this.authTimedOut(client), 3 * (this.options.authTimeoutMs ?? 5000));
    let result: IgnisAuthResult | null | false;
    try {
      result = await (this.options.authenticate ?? defaultAuthenticate)(data);
    } catch {
      return this.fail(client, 'Authentication error', 4003, 'Authentication failed');
    }
    if (!client.connection.isOpen || client.state !== 'authenticating') return;
    if (!result) return this.fail(client, 'Authentication failed', 4003, 'Authentication failed');
    client.state = 'authenticated';
    client.userId = result.userId;
    if (client.authTimer) clearTimeout(client.authTimer);
    let keys: { serverPublicKey: string; salt: string } | undefined;
    if (this.options.requireEncryption) {
      const cipher = ServerEcdh.handshake(
        data[this.options.publicKeyField ?? 'publicKey'],
        this.options.hkdfInfo ?? DEFAULT_INFO,
      );
      if (!cipher) return this.fail(client, 'Encryption handshake failed', 4004, 'Encryption required');
      client.cipher = cipher;
      keys = { serverPublicKey: cipher.publicKey, salt: cipher.salt };
    }
    for (const room of this.options.defaultRooms ?? ['ws-default', 'ws-notification']) client.rooms.add(room);
    const connected = {
      event: 'connected',
      data: {
        id: client.clientId,
        ...(client.userId !== undefined ? { userId: client.userId } : {}),
        time: new Date().toISOString(),
        ...keys,
      },
    };
    if (this.options.encryptConnected) this.send(client, connected);
    else client.connection.send(JSON.stringify(connected));
  }

  private authTimedOut(client: ClientState): void {
    if (client.state === 'unauthorized' || client.state === 'authenticating')
      client.connection.close(4001, 'Authentication timeout');
  }

  private fail(client: ClientState, message: string, code: number, reason: string): void {
    this.error(client, message);
    client.connection.close(code, reason);
  }

  private join(client: ClientState, data: unknown): void {
    const requested = (data as { rooms?: unknown } | undefined)?.rooms;
    if (!Array.isArray(requested)) return;
    const valid = requested.filter(validRoomName);
    const validator =
      this.options.validateRooms ?? ((rooms: string[]) => rooms.filter((r) => !r.startsWith('denied:')));
    for (const room of validator(valid, this.info(client))) client.rooms.add(room);
  }

  /** The test app's message handler. */
  private appMessage(client: ClientState, message: Envelope): void {
    if (message.event === 'encrypted') {
      if (!client.cipher) return;
      const plain = client.cipher.open(message.data);
      if (plain === undefined) return;
      let inner: unknown;
      try {
        inner = JSON.parse(plain);
      } catch {
        return;
      }
      if (
        inner &&
        typeof inner === 'object' &&
        typeof (inner as Envelope).event === 'string' &&
        (inner as Envelope).event !== 'encrypted'
      ) {
        this.openedFrames++;
        this.handle(client, inner as Envelope); // re-injected, as the test app does
      }
      return;
    }
    const data = message.data as Record<string, unknown> | undefined;
    const id = message.id;
    switch (message.event) {
      case 'echo':
        return this.send(client, { event: 'echo', data: message.data, ...(id !== undefined ? { id } : {}) });
      case 'echo-id-in-data':
        return this.send(client, { event: 'echo', data: { requestId: id, payload: message.data } });
      case 'whoami':
        return this.send(client, { event: 'whoami', data: this.info(client), ...(id !== undefined ? { id } : {}) });
      case 'broadcast':
        return this.broadcast(String(data?.event ?? 'broadcast'), data?.data);
      case 'to-room':
        return this.sendToRoom(String(data?.room), String(data?.event ?? 'room-message'), data?.data);
      case 'to-user':
        return this.sendToUser(String(data?.userId), String(data?.event ?? 'user-message'), data?.data);
      case 'close-me':
        client.connection.close(Number(data?.code ?? 1000), String(data?.reason ?? ''));
        return;
      default:
        return;
    }
  }

  private send(client: ClientState, envelope: { event: string; data?: unknown; id?: unknown }): void {
    const text = JSON.stringify(envelope);
    if (client.cipher) client.connection.send(JSON.stringify({ event: 'encrypted', data: client.cipher.seal(text) }));
    else client.connection.send(text);
  }

  private error(client: ClientState, message: string): void {
    this.send(client, { event: 'error', data: { message } });
  }

  private startSweep(): void {
    if (this.sweep) return;
    const interval = this.options.heartbeatIntervalMs ?? 30_000;
    const timeout = this.options.heartbeatTimeoutMs ?? 90_000;
    this.sweep = setInterval(() => {
      const now = Date.now();
      for (const client of this.clients.values()) {
        if (client.state === 'authenticated' && now - client.lastActivity > timeout)
          client.connection.close(4002, 'Heartbeat timeout');
      }
    }, interval);
    this.sweep.unref?.();
  }

  private info(client: ClientState): IgnisClientInfo {
    return {
      clientId: client.clientId,
      ...(client.userId !== undefined ? { userId: client.userId } : {}),
      state: client.state,
      rooms: [...client.rooms],
      encrypted: client.cipher !== undefined,
      lastActivity: client.lastActivity,
    };
  }
}

export function ignisModule(options?: IgnisMockOptions): IgnisMock {
  return new IgnisMock(options);
}

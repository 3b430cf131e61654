import {
  describeEvent,
  fetchCredentials,
  toPolySocketError,
  type Connection,
  type EncodedFrame,
  type RequestId,
  type RequestOptions,
} from '@polysocket/core';
import type { EngineHandshake } from './engine';
import type { EngineFrame } from './frames';
import type { AuthData, AuthOption } from './options';
import { encodePacket, PacketType, type Packet } from './parser';
import type { SocketIOSocket } from './socket';

/** The TIMEOUT advice of an unanswered namespace CONNECT. */
const CONNECT_TIMEOUT_HINT = 'a slow auth middleware? to wait longer, raise connectTimeoutMs';

/** A request on the link: the connection's, or the restore's direct one. */
export type LinkRequest = <R extends EngineFrame>(
  build: (id: number) => EncodedFrame,
  options?: RequestOptions,
) => Promise<R>;

/** What the connector asks of its client (the client itself: no options object or closure per client). */
export interface ConnectorOwner {
  readonly options: {
    /** The client's auth, for namespaces without their own. */
    readonly auth?: AuthOption;
    /** How long a CONNECT may wait for its answer (10 s by default). */
    readonly connectTimeoutMs?: number;
  };
  /** Registers every string of a resolved auth payload as a secret. */
  addSecrets(value: unknown): void;
}

/** The restore of a session: the namespaces it connects, and the CONNECTs still unanswered. */
export interface Restore {
  readonly request: LinkRequest;
  /** The attempt's: aborted when it ends before the session is ready. */
  readonly signal: AbortSignal;
  readonly pending: Set<Promise<void>>;
  readonly attempted: SocketIOSocket[];
}

/**
 * Sends the CONNECT of namespaces on the shared Engine.IO session and matches the answers. A namespace
 * asked for at any moment is connected in the current session or the next: during a restore (from a
 * `connect` or `connect_error` listener, or `onReady`) it joins the restore, which waits for its answer.
 */
export class NamespaceConnector {
  // A namespace's CONNECT in flight is on the socket itself (`connectId`, `connectCall`): no table per client.
  private restoring: Restore | undefined;
  /** Counts Engine.IO sessions: a CONNECT whose auth resolved after its session ended is not sent. */
  private session = 0;
  /** Aborted when the session ends: an `auth` function still running for it stops being waited for. Made on first use. */
  private sessionAbort: AbortController | undefined;

  constructor(
    private readonly connection: Connection<EncodedFrame, EngineFrame, EngineHandshake>,
    private readonly owner: ConnectorOwner,
  ) {}

  /** @internal A new Engine.IO session (the CONNECTs of the last one were rejected with it). */
  reset(): void {
    this.endSession();
    this.session++;
  }

  /** @internal The session is over (the link dropped, the client ended): what ran for it is let go. */
  endSession(): void {
    this.restoring = undefined;
    this.sessionAbort?.abort();
    this.sessionAbort = undefined;
  }

  /** @internal Starts restoring the session with its direct `request`: `connect` calls join it until `endRestore`. */
  startRestore(request: LinkRequest, signal: AbortSignal): Restore {
    return (this.restoring = { request, signal, pending: new Set(), attempted: [] });
  }

  /** @internal Waits until every CONNECT of the restore was answered, those asked for meanwhile too; returns the namespaces it connected. */
  async settleRestore(restore: Restore): Promise<SocketIOSocket[]> {
    while (restore.pending.size > 0) await Promise.all(restore.pending);
    return restore.attempted;
  }

  /** @internal The restore ended (done, failed or abandoned): later `connect` calls go to the session or the next restore. */
  endRestore(restore: Restore): void {
    if (restore === this.restoring) this.restoring = undefined;
  }

  /** @internal The session is ready: connects the namespaces asked for after its restore ended. */
  onSessionReady(sockets: Iterable<SocketIOSocket>): void {
    for (const socket of sockets)
      if (socket.wanted && socket.state === 'connecting' && !socket.connectCall) void this.connect(socket);
  }

  /**
   * The CONNECT request a CONNECT or CONNECT_ERROR packet answers. A CONNECT marks its namespace connected
   * now, not when the awaiting code resumes: events the server sends right after it may be in the same chunk.
   */
  replyTo(packet: Packet, socket: SocketIOSocket | undefined): RequestId | undefined {
    const requestId = socket?.connectId;
    if (requestId === undefined || packet.type !== PacketType.CONNECT || !socket) return requestId;
    if (socket.wanted && socket.state === 'connecting') socket.onConnected(sidOf(packet));
    // The app left the namespace while its CONNECT was on the way: leave it on the server too.
    else if (!socket.wanted) void this.connection.send(encodePacket({ type: PacketType.DISCONNECT, nsp: packet.nsp }));
    return requestId;
  }

  /**
   * Connects `socket`: with the restore in progress, in the session if it is up, otherwise in the next
   * restore. Settles once this CONNECT was answered (at once when it waits for the next restore).
   */
  connect(socket: SocketIOSocket): Promise<void> {
    const restore = this.restoring;
    if (restore && this.connection.state === 'connecting') {
      restore.attempted.push(socket);
      const done = this.connectWith(socket, restore.request, restore.signal);
      restore.pending.add(done);
      const forget = (): void => void restore.pending.delete(done);
      done.then(forget, forget);
      return done;
    }
    if (!this.connection.isConnected) {
      socket.setConnecting();
      return Promise.resolve(); // the next restore connects it
    }
    const signal = (this.sessionAbort ??= new AbortController()).signal;
    return this.connectWith(socket, (build, options) => this.connection.request(build, options), signal, false).then(
      () => this.connection.flush(),
    );
  }

  /** @internal The current Engine.IO session's number (it changes with every handshake). */
  get sessionNumber(): number {
    return this.session;
  }

  /**
   * Sends the namespace's CONNECT with `request` and settles the namespace with the answer. In a restore, a
   * failure other than the server's refusal (a timeout, an `auth` function that failed) fails the attempt
   * (the client reconnects); in a session, the namespace fails with it (`connect_error`, and an `error`
   * event), so that what waits for it does not wait forever.
   */
  private async connectWith(
    socket: SocketIOSocket,
    request: LinkRequest,
    signal: AbortSignal,
    inRestore = true,
  ): Promise<void> {
    socket.setConnecting();
    const call = {};
    socket.connectCall = call;
    const session = this.session;
    let requestId = -1;
    try {
      const auth = await this.resolveAuth(socket.auth ?? this.owner.options.auth, signal);
      if (session !== this.session) return; // that session is gone; the next restore connects the namespace
      await request<EngineFrame>(
        (id) => {
          requestId = id;
          socket.connectId = id;
          return encodePacket({
            type: PacketType.CONNECT,
            nsp: socket.nsp,
            ...(auth !== undefined ? { data: auth } : {}),
          });
        },
        {
          timeoutMs: this.owner.options.connectTimeoutMs ?? 10_000,
          bypassOutbox: true,
          label: `answer to the CONNECT of namespace ${describeEvent(socket.nsp)}`,
          timeoutHint: CONNECT_TIMEOUT_HINT,
        },
      );
      // `replyTo` settled the namespace; a `connect` listener may have left it since (it stays left).
    } catch (error) {
      const failure = toPolySocketError(error, 'PROTOCOL');
      if (failure.code === 'DISCONNECTED' || failure.code === 'CLOSED') return; // the link went: the next restore connects it
      if (!socket.wanted || socket.connectCall !== call) return; // the app left it, or asked again since
      const refused = (failure.code === 'AUTH_FAILED' || failure.code === 'NOT_FOUND') && !failure.retryable;
      if (inRestore && !refused) throw failure;
      if (!refused) this.connection.report(failure);
      socket.onConnectError(failure);
    } finally {
      if (socket.connectCall === call) socket.connectCall = undefined;
      if (socket.connectId === requestId) socket.connectId = undefined;
    }
  }

  /**
   * The CONNECT payload. An `auth` function gets `connectTimeoutMs` to answer (returning it or calling its
   * callback); a throw, a rejection, no answer, or something other than a plain object (or nothing) is a
   * retryable AUTH_FAILED naming `auth`.
   */
  private async resolveAuth(auth: AuthOption | undefined, signal: AbortSignal): Promise<AuthData | undefined> {
    if (auth === undefined) return undefined;
    if (typeof auth !== 'function') {
      this.owner.addSecrets(auth);
      return auth;
    }
    const call = (): Promise<AuthData | undefined> =>
      new Promise((resolve, reject) => {
        const returned = auth(resolve);
        if (returned !== undefined) Promise.resolve(returned).then(resolve, reject);
      });
    const value = await fetchCredentials('auth', call, {
      timeoutMs: this.owner.options.connectTimeoutMs ?? 10_000,
      valid: (data) => data === undefined || isAuthData(data),
      expected: 'a plain object (or call back with one)',
      signal,
    });
    this.owner.addSecrets(value);
    return value;
  }
}

/** What a Socket.IO server takes as a CONNECT payload: a plain object (an array, a string or null closes the link). */
export function isAuthData(value: unknown): value is AuthData {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function sidOf(packet: Packet): string | undefined {
  const sid = (packet.data as { sid?: unknown } | undefined)?.sid;
  return typeof sid === 'string' ? sid : undefined;
}

import { LazyMap, PolySocketError, type Connection, type EncodedFrame, type RequestId, type RequestOptions } from '@polysocket/core';
import type { EngineHandshake } from './engine';
import type { EngineFrame } from './frames';
import type { AuthData, AuthOption } from './options';
import { encodePacket, PacketType, type Packet } from './parser';
import type { SocketIOSocket } from './socket';

/** A request on the link: the connection's, or the restore's direct one. */
export type LinkRequest = <R extends EngineFrame>(build: (id: number) => EncodedFrame, options?: RequestOptions) => Promise<R>;

export interface ConnectorOptions {
  /** The client's auth, for namespaces without their own. */
  auth?: AuthOption;
  /** How long a CONNECT may wait for its answer. */
  connectTimeoutMs: number;
  /** Registers every string of a resolved auth payload as a secret. */
  addSecrets(value: unknown): void;
}

/** Sends the CONNECT of namespaces on the shared Engine.IO session and matches the answers. */
export class NamespaceConnector {
  /** Namespace → id of its CONNECT request in flight (replies carry no id). */
  private readonly connecting = new LazyMap<string, number>();

  constructor(
    private readonly connection: Connection<EncodedFrame, EngineFrame, EngineHandshake>,
    private readonly options: ConnectorOptions,
  ) {}

  /** A new Engine.IO session: no CONNECT is in flight. */
  reset(): void {
    this.connecting.clear();
  }

  /**
   * The CONNECT request a CONNECT or CONNECT_ERROR packet answers. A CONNECT marks its namespace connected
   * now, not when the awaiting code resumes: events the server sends right after it may be in the same chunk.
   */
  replyTo(packet: Packet, socket: SocketIOSocket | undefined): RequestId | undefined {
    const requestId = this.connecting.get(packet.nsp);
    if (requestId !== undefined && packet.type === PacketType.CONNECT) socket?.onConnected(sidOf(packet));
    return requestId;
  }

  /** Connects `socket` now if the session is up; otherwise the next restore does. */
  connect(socket: SocketIOSocket): void {
    if (!this.connection.isConnected) {
      socket.setConnecting();
      return; // the next restore connects it
    }
    void this.connectWith(socket, (build, options) => this.connection.request(build, options)).then(
      () => this.connection.flush(),
      () => undefined,
    );
  }

  /** Sends the namespace's CONNECT with `request` and settles the namespace with the answer. */
  async connectWith(socket: SocketIOSocket, request: LinkRequest): Promise<void> {
    socket.setConnecting();
    const auth = await this.resolveAuth(socket.auth ?? this.options.auth);
    let requestId = -1;
    try {
      const reply = await request<EngineFrame>(
        (id) => {
          requestId = id;
          this.connecting.set(socket.nsp, id);
          return encodePacket({ type: PacketType.CONNECT, nsp: socket.nsp, ...(auth !== undefined ? { data: auth } : {}) });
        },
        { timeoutMs: this.options.connectTimeoutMs, bypassOutbox: true },
      );
      if (!socket.connected && reply.kind === 'packet') socket.onConnected(sidOf(reply.packet));
    } catch (error) {
      const failure = error instanceof PolySocketError ? error : new PolySocketError('PROTOCOL', String(error));
      if (failure.code === 'AUTH_FAILED') socket.onConnectError(failure);
      else if (failure.code !== 'DISCONNECTED' && failure.code !== 'CLOSED') throw failure;
    } finally {
      if (this.connecting.get(socket.nsp) === requestId) this.connecting.delete(socket.nsp);
      if (this.connecting.size === 0) this.connecting.clear();
    }
  }

  private async resolveAuth(auth: AuthOption | undefined): Promise<AuthData | undefined> {
    if (auth === undefined) return undefined;
    if (typeof auth !== 'function') {
      this.options.addSecrets(auth);
      return auth;
    }
    const value = await new Promise<AuthData | undefined>((resolve, reject) => {
      try {
        const returned = auth((data) => resolve(data));
        if (returned !== undefined) Promise.resolve(returned).then(resolve, reject);
      } catch (error) {
        reject(error);
      }
    });
    this.options.addSecrets(value);
    return value;
  }
}

export function sidOf(packet: Packet): string | undefined {
  const sid = (packet.data as { sid?: unknown } | undefined)?.sid;
  return typeof sid === 'string' ? sid : undefined;
}

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'socket.io';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';
import type { FaultState } from '../faults';

/** The Engine.IO socket under a Socket.IO socket. */
export type EngineSocket = Socket['conn'];

type SendPacket = (...args: unknown[]) => void;

/** The raw sockets of silenced links: their WebSocket pings go unanswered. */
const silencedSockets = new WeakSet<Duplex>();

/**
 * socket.io's `wsEngine`: the `ws` server with pings answered here rather than by `ws`, so a silenced
 * link (which is still read, to notice its client going away) leaves them unanswered.
 */
export class SilenceableWsServer extends WebSocketServer {
  constructor(options: ServerOptions) {
    super({ ...options, autoPong: false });
  }

  override handleUpgrade(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    callback: (client: WebSocket, request: IncomingMessage) => void,
  ): void {
    super.handleUpgrade(request, socket, head, (client, req) => {
      client.on('ping', (data) => {
        if (!silencedSockets.has(socket) && client.readyState === client.OPEN) client.pong(data);
      });
      callback(client, req);
    });
  }
}

/** Faults aimed at one Sockr user's link; the shape of the chaos suite's fault target. */
export interface SockrUserFaults {
  /** Drops the user's sockets abruptly: TCP reset, no Socket.IO DISCONNECT (the client reconnects). */
  drop(): number;
  /**
   * Makes the user's current sockets half-open: nothing more is written and inbound events are ignored
   * (the server still counts what it writes as delivered), the TCP connection stays up until the client
   * goes away. Other users, and the user's next
   * connection, are not affected.
   */
  silence(): number;
  /** Delays every packet to this user by `ms` from now on, across reconnects (0 to stop); packets keep their order. */
  delay(ms: number): void;
  /**
   * Refuses new Engine.IO handshakes for `ms`. A handshake does not say who is connecting, so this is
   * the server-wide refusal (`server.faults.refuse`); the user meets it when it reconnects.
   */
  refuse(ms: number): void;
  /** Restarts the whole mock server (`server.faults.restart`), state kept. */
  restart(downMs: number): Promise<void>;
}

/**
 * One Engine.IO connection of the Sockr module and the faults on it. Every packet the server writes
 * (Socket.IO messages and Engine.IO pings alike) passes the user's fault state, then the server's;
 * each is one FIFO, so packets keep their order however the delays change.
 */
export class SockrLink {
  /** The user's fault state, once the link has authenticated. */
  user: FaultState | undefined;
  private muted = false;
  private silenced = false;

  constructor(
    readonly conn: EngineSocket,
    private readonly server: FaultState,
  ) {
    // sendPacket is private in engine.io's types, but it is the one door every outbound packet takes.
    const writable = conn as unknown as { sendPacket: SendPacket };
    const original = writable.sendPacket.bind(conn) as SendPacket;
    writable.sendPacket = (...args: unknown[]) => {
      if (this.muted) return;
      const send = (): void => {
        if (!this.muted) original(...args);
      };
      const user = this.user;
      if (user) user.pass(() => this.server.pass(send));
      else this.server.pass(send);
    };
  }

  /** Whether inbound events are to be ignored. */
  get isSilenced(): boolean {
    return this.silenced;
  }

  /** Everything written from now on (and anything still held) is lost; inbound traffic is still read. */
  mute(): void {
    this.muted = true;
  }

  /**
   * Half-open: nothing more written, inbound events ignored, TCP still up. The socket is still read, so
   * the client going away (close frame, FIN or reset) still ends the session at once (presence included).
   */
  silence(): void {
    this.muted = true;
    this.silenced = true;
    silencedSockets.add(this.conn.request.socket);
  }

  /** TCP reset, no Socket.IO DISCONNECT. */
  drop(): void {
    this.conn.request.socket.destroy();
  }

  /** Writes a raw Engine.IO message, unvalidated. */
  inject(raw: string): void {
    this.conn.write(raw);
  }
}

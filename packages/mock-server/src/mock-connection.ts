import type { WebSocket } from 'ws';
import type { FaultState } from './faults';

let nextId = 1;

/**
 * One client connection as a protocol module sees it. Every outbound frame goes through the
 * server's fault state, so modules get delays, silences and injected frames without knowing.
 */
export class MockConnection {
  readonly id = `c${nextId++}`;
  /** Free space for the protocol module (auth state, joined rooms, ...). */
  readonly data: Record<string, unknown> = Object.create(null);
  private silenced = false;
  private readonly messageHandlers: ((text: string, isBinary: boolean, bytes: Buffer) => void)[] = [];
  private readonly closeHandlers: ((code: number, reason: string) => void)[] = [];

  constructor(
    readonly path: string,
    readonly socket: WebSocket,
    private readonly faults: FaultState,
    readonly remoteAddress: string,
  ) {
    socket.on('message', (data, isBinary) => {
      if (this.silenced) return;
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      const text = bytes.toString('utf8');
      for (const handler of this.messageHandlers) handler(text, isBinary, bytes);
    });
    socket.on('close', (code, reason) => {
      for (const handler of this.closeHandlers) handler(code, reason.toString('utf8'));
    });
    socket.on('error', () => {
      // Abrupt client drops surface here; the close event follows.
    });
    // The server's WebSocketServers run with autoPong off: pings are answered here, and not while silenced.
    socket.on('ping', (data) => {
      if (!this.silenced && this.isOpen) socket.pong(data);
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  get isSilenced(): boolean {
    return this.silenced;
  }

  /**
   * Every inbound message: as UTF-8 text (what text-wire modules read), whether it came as a binary frame, and its
   * exact bytes (what binary-wire modules read).
   */
  onMessage(handler: (text: string, isBinary: boolean, bytes: Buffer) => void): void {
    this.messageHandlers.push(handler);
  }

  onClose(handler: (code: number, reason: string) => void): void {
    this.closeHandlers.push(handler);
  }

  /** Sends a text frame, subject to the current delay and silence faults. */
  send(text: string): void {
    if (this.silenced || !this.isOpen) return;
    this.faults.pass(() => this.sendNow(text));
  }

  /** Sends a binary frame, subject to the current delay and silence faults. */
  sendBinary(bytes: Uint8Array): void {
    if (this.silenced || !this.isOpen) return;
    this.faults.pass(() => {
      if (!this.silenced && this.isOpen) this.socket.send(bytes, { binary: true });
    });
  }

  /** Sends bytes exactly as given, bypassing delay (for injecting hostile frames). */
  sendRaw(data: string | Buffer): void {
    if (this.isOpen) this.socket.send(data);
  }

  close(code = 1000, reason = ''): void {
    if (this.socket.readyState === this.socket.CLOSED) return;
    try {
      this.socket.close(code, reason);
    } catch {
      this.socket.terminate();
    }
  }

  /** Drops the TCP connection with no close frame: the client sees 1006. */
  drop(): void {
    this.socket.terminate();
  }

  /**
   * Goes half-open: nothing more is answered or written, inbound messages are dropped unread, WebSocket
   * pings go unanswered, and the TCP connection stays up, so only the client's liveness checks can notice.
   * The socket is still read, so the client going away (its close frame, FIN or reset) still closes the
   * connection and ends the module's session: a paused socket would sit in CLOSE-WAIT for ever, and its
   * session (presence members, subscriptions) with it.
   */
  silence(): void {
    this.silenced = true;
  }

  private sendNow(text: string): void {
    if (!this.silenced && this.isOpen) this.socket.send(text);
  }
}

import {
  CLOSE_ABNORMAL,
  CLOSE_NORMAL,
  type CloseInfo,
  type Transport,
  type TransportData,
  type TransportListener,
} from './transport';

/** The server's side of one in-memory connection. */
export class MemoryPeer {
  /** Frames the client sent, in order. */
  readonly received: TransportData[] = [];
  onMessage: ((data: TransportData) => void) | undefined;
  onClose: ((info: CloseInfo) => void) | undefined;
  /** When true, frames from the client are swallowed and nothing is answered (a half-open link). */
  silent = false;
  /** When set, transport-level pings are answered. */
  answerPings = true;
  private closed = false;

  constructor(private readonly client: MemoryTransport) {}

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Sends a frame to the client (asynchronously, like a network). */
  send(data: TransportData): void {
    if (this.closed || this.silent) return;
    queueMicrotask(() => this.client.deliver(data));
  }

  /** Closes cleanly with a close frame. */
  close(code = CLOSE_NORMAL, reason = ''): void {
    this.end({ code, reason, wasClean: true });
  }

  /** Drops the link abruptly: the client sees 1006 and no close frame. */
  drop(): void {
    this.end({ code: CLOSE_ABNORMAL, reason: '', wasClean: false });
  }

  /** @internal */
  fromClient(data: TransportData): void {
    if (this.closed || this.silent) return;
    this.received.push(data);
    this.onMessage?.(data);
  }

  /** @internal */
  clientClosed(info: CloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose?.(info);
  }

  private end(info: CloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    queueMicrotask(() => this.client.remoteClosed(info));
    this.onClose?.(info);
  }
}

/** The client's side of one in-memory connection. */
export class MemoryTransport implements Transport {
  readonly name = 'memory';
  bufferedAmount = 0;
  private listener: TransportListener | undefined;
  private peer: MemoryPeer | undefined;
  private state: 'new' | 'connecting' | 'open' | 'closed' = 'new';

  constructor(private readonly server: MemoryServer) {}

  open(listener: TransportListener): void {
    if (this.state !== 'new') throw new Error('MemoryTransport.open() called twice');
    this.listener = listener;
    this.state = 'connecting';
    queueMicrotask(() => {
      if (this.state !== 'connecting') return;
      const peer = this.server.accept(this);
      if (!peer) {
        this.state = 'closed';
        this.listener?.onError(new Error('connection refused'));
        this.listener?.onClose({ code: CLOSE_ABNORMAL, reason: 'connection refused', wasClean: false });
        this.listener = undefined;
        return;
      }
      this.peer = peer;
      this.state = 'open';
      this.listener?.onOpen();
    });
  }

  send(data: TransportData): void {
    if (this.state !== 'open' || !this.peer) throw new Error('MemoryTransport is not open');
    const peer = this.peer;
    queueMicrotask(() => peer.fromClient(data));
  }

  ping(): boolean {
    if (this.state !== 'open' || !this.peer) return false;
    const peer = this.peer;
    queueMicrotask(() => {
      if (peer.isOpen && peer.answerPings && !peer.silent) this.listener?.onPong?.();
    });
    return true;
  }

  close(code = CLOSE_NORMAL, reason = ''): void {
    if (this.state === 'closed') return;
    const peer = this.peer;
    this.state = 'closed';
    this.listener = undefined;
    if (peer) queueMicrotask(() => peer.clientClosed({ code, reason, wasClean: true }));
  }

  /** @internal */
  deliver(data: TransportData): void {
    if (this.state === 'open') this.listener?.onMessage(data);
  }

  /** @internal */
  remoteClosed(info: CloseInfo): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    const listener = this.listener;
    this.listener = undefined;
    listener?.onClose(info);
  }
}

/**
 * An in-process server for deterministic unit tests: `server.transport` is a TransportFactory for
 * the client, and each connection shows up as a `MemoryPeer`.
 */
export class MemoryServer {
  /** Every peer ever accepted, oldest first. */
  readonly peers: MemoryPeer[] = [];
  /** While true, new connections are refused (the client sees an error and 1006). */
  refuse = false;
  /** Called for each accepted connection. */
  onConnection: ((peer: MemoryPeer) => void) | undefined;
  /** How many connections were attempted, refused or not. */
  attempts = 0;

  /** A TransportFactory bound to this server. */
  readonly transport = (): MemoryTransport => new MemoryTransport(this);

  /** The most recently accepted peer. */
  get last(): MemoryPeer | undefined {
    return this.peers[this.peers.length - 1];
  }

  /** Open peers right now. */
  get open(): MemoryPeer[] {
    return this.peers.filter((p) => p.isOpen);
  }

  /** @internal */
  accept(client: MemoryTransport): MemoryPeer | undefined {
    this.attempts++;
    if (this.refuse) return undefined;
    const peer = new MemoryPeer(client);
    this.peers.push(peer);
    this.onConnection?.(peer);
    return peer;
  }
}

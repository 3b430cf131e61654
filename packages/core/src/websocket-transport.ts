import IsomorphicWebSocket from 'isomorphic-ws';
import { checkSecureUrl } from './secure-url';
import type { CloseInfo, Transport, TransportData, TransportListener } from './transport';

/** The parts of a WebSocket the transport uses: the browser's, `ws`'s and mock-socket's all fit. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  binaryType: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string | ArrayBuffer | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** Node's `ws` adds these; browsers have neither. */
interface NodeWebSocketExtras {
  ping(data?: unknown, mask?: boolean, cb?: (error?: Error) => void): void;
  on(event: 'open' | 'pong', listener: (this: NodeSocket) => void): unknown;
  on(event: 'error', listener: (this: NodeSocket, error: Error) => void): unknown;
  on(event: 'message', listener: (this: NodeSocket, data: NodeBuffer, isBinary: boolean) => void): unknown;
  on(event: 'close', listener: (this: NodeSocket, code: number, reason: NodeBuffer) => void): unknown;
}

type NodeBuffer = Uint8Array & { toString(encoding?: string): string };

/** The transport a `ws` socket reports to, kept on the socket so that one set of listener functions serves every socket. */
const OWNER = Symbol('polysocket.transport');

type NodeSocket = WebSocketLike & NodeWebSocketExtras & { [OWNER]?: WebSocketTransport };

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WebSocketTransportOptions {
  url: string;
  protocols?: string | string[];
  /** Any WebSocket constructor. Defaults to isomorphic-ws: the global WebSocket in browsers, `ws` in Node. */
  WebSocket?: WebSocketConstructor;
  /** Refuse `ws://` to a non-loopback host (the client then fails with INVALID instead of sending a token in clear). */
  secureOnly?: boolean;
}

const OPEN = 1;
const noop = (): void => {};

function toTransportData(data: unknown): TransportData {
  if (typeof data === 'string' || data instanceof ArrayBuffer || data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return String(data);
}

function hasNodeExtras(socket: WebSocketLike): socket is NodeSocket {
  const candidate = socket as Partial<NodeWebSocketExtras>;
  return typeof candidate.ping === 'function' && typeof candidate.on === 'function';
}

/** A WebSocket as a Transport. */
export class WebSocketTransport implements Transport {
  readonly name = 'websocket';
  private socket: WebSocketLike | undefined;
  private listener: TransportListener | undefined;

  constructor(private readonly options: WebSocketTransportOptions) {
    checkSecureUrl(options.url, options.secureOnly);
  }

  get bufferedAmount(): number {
    return this.socket?.bufferedAmount ?? 0;
  }

  open(listener: TransportListener): void {
    if (this.socket) throw new Error('WebSocketTransport.open() called twice');
    this.listener = listener;
    const Ctor = this.options.WebSocket ?? (IsomorphicWebSocket as unknown as WebSocketConstructor);
    let socket: WebSocketLike;
    try {
      socket = new Ctor(this.options.url, this.options.protocols);
    } catch (error) {
      // A malformed URL throws synchronously; report it like any failed connect, asynchronously.
      queueMicrotask(() => this.fail(error instanceof Error ? error : new Error(String(error))));
      return;
    }
    this.socket = socket;
    if (hasNodeExtras(socket)) {
      // Node's `ws`: its EventEmitter API skips what its on* setters allocate (a wrapper function per
      // handler, and a MessageEvent per message), and it calls listeners with the socket as `this`, so
      // the same five functions serve every socket. They stay on the socket: once detached,
      // `this.listener` is undefined and they do nothing, and the `error` one keeps `ws` from throwing.
      socket.binaryType = 'nodebuffer';
      socket[OWNER] = this;
      socket.on('open', WebSocketTransport.onNodeOpen);
      socket.on('message', WebSocketTransport.onNodeMessage);
      socket.on('error', WebSocketTransport.onNodeError);
      socket.on('pong', WebSocketTransport.onNodePong);
      socket.on('close', WebSocketTransport.onNodeClose);
      return;
    }
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => this.listener?.onOpen();
    socket.onmessage = (event) => this.listener?.onMessage(toTransportData(event.data));
    socket.onerror = (event) => {
      const message = (event as { message?: unknown }).message;
      this.listener?.onError(new Error(typeof message === 'string' && message ? message : 'WebSocket error'));
    };
    socket.onclose = (event) => this.closed(event.code, event.reason, event.wasClean);
  }

  private static onNodeOpen(this: NodeSocket): void {
    this[OWNER]?.listener?.onOpen();
  }
  private static onNodeMessage(this: NodeSocket, data: NodeBuffer, isBinary: boolean): void {
    this[OWNER]?.listener?.onMessage(isBinary ? data : data.toString());
  }
  private static onNodeError(this: NodeSocket, error: Error): void {
    // `ws` reports an HTTP answer to the upgrade only in its message; the core reads a numeric `status`.
    const status = /^Unexpected server response: (\d{3})/.exec(error.message);
    if (status) (error as Error & { status?: number }).status = Number(status[1]);
    this[OWNER]?.listener?.onError(error);
  }
  private static onNodePong(this: NodeSocket): void {
    this[OWNER]?.listener?.onPong?.();
  }
  /** `ws` sets 1006 exactly when no closing handshake took place. */
  private static onNodeClose(this: NodeSocket, code: number, reason: NodeBuffer): void {
    this[OWNER]?.closed(code, reason.toString(), code !== 1006);
  }

  private closed(code: number, reason: string, wasClean: boolean): void {
    const listener = this.listener;
    this.detach();
    listener?.onClose({ code, reason, wasClean });
  }

  send(data: TransportData): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) throw new Error('WebSocket is not open');
    socket.send(data);
  }

  ping(): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN || !hasNodeExtras(socket)) return false;
    try {
      socket.ping(undefined, undefined, noop);
      return true;
    } catch {
      return false;
    }
  }

  close(code = 1000, reason = ''): void {
    const socket = this.socket;
    this.detach();
    if (!socket) return;
    try {
      socket.close(code, reason);
    } catch {
      // Some implementations refuse app close codes or a close while connecting; the socket is abandoned either way.
      try {
        socket.close();
      } catch {
        /* nothing left to do */
      }
    }
  }

  /** Node's `ws` can drop the TCP connection at once (`terminate`); elsewhere this is `close()`. */
  terminate(code?: number, reason?: string): void {
    const socket = this.socket as (WebSocketLike & { terminate?: () => void }) | undefined;
    if (typeof socket?.terminate !== 'function') return this.close(code, reason);
    this.detach();
    socket.terminate();
  }

  /** Stops reporting events; a browser-style socket's handlers become no-ops. */
  private detach(): void {
    this.listener = undefined;
    const socket = this.socket;
    if (!socket || hasNodeExtras(socket)) return;
    socket.onopen = noop;
    socket.onmessage = noop;
    socket.onclose = noop;
    socket.onerror = noop;
  }

  private fail(error: Error): void {
    const listener = this.listener;
    this.listener = undefined;
    listener?.onError(error);
    const info: CloseInfo = { code: 1006, reason: error.message, wasClean: false };
    listener?.onClose(info);
  }
}

/** A TransportFactory for a WebSocket URL. */
export function webSocketTransport(options: WebSocketTransportOptions): () => WebSocketTransport {
  return () => new WebSocketTransport(options);
}

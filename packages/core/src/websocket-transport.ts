import IsomorphicWebSocket from 'isomorphic-ws';
import type { AnyConnection } from './connection';
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
  on(event: string, listener: (this: OwnedSocket, ...args: never[]) => void): unknown;
  emit(event: string, ...args: unknown[]): boolean;
  terminate?(): void;
}

type NodeBuffer = Uint8Array & { toString(encoding?: string): string };

/** The transport a socket reports to, kept on the socket so that one set of handler functions serves every socket. */
const OWNER = Symbol('polysocket.transport');

type OwnedSocket = WebSocketLike & { [OWNER]?: WebSocketTransport };
type NodeSocket = OwnedSocket & NodeWebSocketExtras;

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

/**
 * The socket's event handlers, shared by every socket: `this` is the socket (a browser calls an `on*` handler
 * with the socket as `this`, and `nodeEmit` does the same), whose transport is `this[OWNER]`. With `ws` they
 * get `ws`'s arguments (its `on*` setters would allocate a wrapper function per handler and a MessageEvent per
 * message); elsewhere they are the `on*` handlers and get events. They stay on the socket: once the transport
 * is closed they do nothing (the `error` one keeps `ws` from throwing).
 */
const to = (socket: OwnedSocket): TransportListener | undefined => socket[OWNER]?.listener;

// Bytes of this realm: under jsdom (how apps are tested) the globals are the window's, and a Buffer from `ws` is
// not an `instanceof Uint8Array`; without this its bytes would be read as text.
const bytesOf = (out: unknown): TransportData =>
  out instanceof Uint8Array || out instanceof ArrayBuffer
    ? out
    : ArrayBuffer.isView(out)
      ? new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
      : Object.prototype.toString.call(out) === '[object ArrayBuffer]'
        ? new Uint8Array(out as ArrayBuffer)
        : String(out);

const HANDLERS = {
  open(this: OwnedSocket): void {
    to(this)?.onOpen();
  },
  message(this: OwnedSocket, data: NodeBuffer | { data: unknown }, isBinary?: boolean): void {
    // A browser's is text or an ArrayBuffer (binaryType), `ws`'s text or a Buffer; anything else becomes text.
    const out: unknown = 'data' in data ? data.data : isBinary ? data : data.toString();
    to(this)?.onMessage(typeof out === 'string' ? out : bytesOf(out));
  },
  error(this: OwnedSocket, event: Error | { message?: unknown }): void {
    const error = event instanceof Error ? event : new Error(String(event.message || 'WebSocket error'));
    // `ws` reports an HTTP answer to the upgrade only in its message; the core reads a numeric `status`.
    const status = /server response: (\d{3})/.exec(error.message);
    if (status) (error as Error & { status?: number }).status = +status[1];
    to(this)?.onError(error);
  },
  /** `ws` gives the code and reason, and sets 1006 exactly when no closing handshake took place. */
  close(this: OwnedSocket, event: number | CloseInfo, reason?: NodeBuffer): void {
    this[OWNER]?.closed(
      typeof event === 'number'
        ? { code: event, reason: String(reason), wasClean: event !== 1006 }
        : { code: event.code, reason: event.reason, wasClean: event.wasClean },
    );
  },
  pong(this: OwnedSocket): void {
    to(this)?.onPong?.();
  },
};

/**
 * `ws` tells every event through its socket's `emit`: this one, set on our sockets, calls the handler directly.
 * Five listeners would cost each socket an events dictionary twice the size of an empty one's (≈ 0.1 KB); a
 * socket is ours alone, so nobody else listens. It answers like EventEmitter's: false for an event nobody
 * handles (`ws` then fails an `unexpected-response` upgrade with its own error).
 */
function nodeEmit(this: OwnedSocket, event: string, a?: unknown, b?: unknown): boolean {
  const handler = HANDLERS[event as keyof typeof HANDLERS] as
    ((this: OwnedSocket, a: unknown, b: unknown) => void) | undefined;
  return !!handler && (handler.call(this, a, b), true);
}

/** A WebSocket as a Transport. */
export class WebSocketTransport implements Transport {
  readonly name = 'websocket';
  private socket: WebSocketLike | undefined;
  /** @internal Where the socket's events go until `close()`. */
  listener: TransportListener | undefined;

  constructor(private readonly options: WebSocketTransportOptions) {
    checkSecureUrl(options.url, options.secureOnly);
  }

  get bufferedAmount(): number {
    return this.socket?.bufferedAmount ?? 0;
  }

  open(listener: TransportListener): void {
    if (this.socket) throw new Error('open() called twice');
    this.listener = listener;
    const { url, protocols, WebSocket = IsomorphicWebSocket as unknown as WebSocketConstructor } = this.options;
    let socket: OwnedSocket;
    try {
      socket = this.socket = new WebSocket(url, protocols);
    } catch (error) {
      // A malformed URL throws synchronously; report it like any failed connect, asynchronously.
      queueMicrotask(() => {
        const failure = error instanceof Error ? error : new Error(String(error));
        this.listener?.onError(failure);
        this.closed({ code: 1006, reason: failure.message, wasClean: false });
      });
      return;
    }
    const { ping, on } = socket as Partial<NodeSocket>;
    // Node's `ws` has `ping` and an EventEmitter API; browsers' sockets have neither.
    const node = typeof ping === 'function' && typeof on === 'function';
    socket.binaryType = node ? 'nodebuffer' : 'arraybuffer';
    socket[OWNER] = this;
    if (node) {
      (socket as NodeSocket).emit = nodeEmit;
      // Nobody listens, so its EventEmitter needs no events dictionary (≈ 0.2 KB; EventEmitter makes one again
      // with a first listener).
      (socket as { _events?: unknown })._events = undefined;
    }
    // A browser socket gets an `onpong` it never calls.
    else
      for (const event in HANDLERS)
        (socket as unknown as Record<string, unknown>)[`on${event}`] = HANDLERS[event as keyof typeof HANDLERS];
  }

  /** @internal The socket closed: the listener hears it, and nothing more. */
  closed(info: CloseInfo): void {
    const listener = this.listener;
    this.listener = undefined;
    listener?.onClose(info);
  }

  send(data: TransportData): void {
    if (this.socket?.readyState !== OPEN) throw new Error('WebSocket is not open');
    this.socket.send(data);
  }

  ping(): boolean {
    const socket = this.socket as NodeSocket | undefined;
    // A browser's socket has no `ping`: calling it throws, and the answer is false.
    try {
      return socket?.readyState === OPEN && (socket.ping(undefined, undefined, noop), true);
    } catch {
      return false;
    }
  }

  close(code = 1000, reason = ''): void {
    const socket = this.socket;
    this.listener = undefined;
    try {
      socket?.close(code, reason);
    } catch {
      // Some implementations refuse app close codes or a close while connecting; the socket is abandoned either way.
      try {
        socket!.close();
      } catch {
        /* nothing left to do */
      }
    }
  }

  /** Node's `ws` can drop the TCP connection at once (`terminate`); elsewhere this is `close()`. */
  terminate(code?: number, reason?: string): void {
    const socket = this.socket as NodeSocket | undefined;
    if (socket?.terminate) {
      this.listener = undefined;
      socket.terminate();
    } else this.close(code, reason);
  }
}

/** A TransportFactory for a WebSocket URL. */
export function webSocketTransport(options: WebSocketTransportOptions): () => WebSocketTransport {
  return () => new WebSocketTransport(options);
}

/**
 * @internal The TransportFactory of an adapter whose connection tuning is its app's options (url, WebSocket,
 * secureOnly among them): one function for every client, called as the connection's method (`this`).
 */
export function tuningWebSocket(this: AnyConnection): WebSocketTransport {
  return new WebSocketTransport(this.tuning as unknown as WebSocketTransportOptions);
}

import IsomorphicWebSocket from 'isomorphic-ws';
import type { AnyConnection } from './connection';
import { checkSecureUrl } from './secure-url';
import { OWNER, type OwnedSocket, type WebSocketLike } from './socket-events';
// The package's `browser` build takes `socket-runtime.browser.ts` instead (build/browser-variants.ts).
import { adopt, pingSocket, terminateSocket } from './socket-runtime';
import type { CloseInfo, Transport, TransportData, TransportListener } from './transport';

export type { WebSocketLike } from './socket-events';

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

/** A WebSocket as a Transport. */
export class WebSocketTransport implements Transport {
  readonly name = 'websocket';
  private webSocket: OwnedSocket | undefined;
  /** @internal Where the socket's events go until `close()`. */
  socketListener: TransportListener | undefined;

  /** Not enumerable: an adapter's app options (`tuningWebSocket`), credentials among them. */
  declare private readonly transportOptions: WebSocketTransportOptions;

  constructor(transportOptions: WebSocketTransportOptions) {
    checkSecureUrl(transportOptions.url, transportOptions.secureOnly);
    Object.defineProperty(this, 'transportOptions', { value: transportOptions });
  }

  get bufferedAmount(): number {
    return this.webSocket?.bufferedAmount ?? 0;
  }

  open(listener: TransportListener): void {
    if (this.webSocket) throw new Error('open() called twice');
    this.socketListener = listener;
    const {
      url,
      protocols,
      WebSocket = IsomorphicWebSocket as unknown as WebSocketConstructor,
    } = this.transportOptions;
    let socket: OwnedSocket;
    try {
      socket = this.webSocket = new WebSocket(url, protocols);
    } catch (error) {
      // A malformed URL throws synchronously; report it like any failed connect, asynchronously.
      queueMicrotask(() => {
        const failure = error instanceof Error ? error : new Error(String(error));
        this.socketListener?.onError(failure);
        this.socketClosed({ code: 1006, reason: failure.message, wasClean: false });
      });
      return;
    }
    socket[OWNER] = this;
    adopt(socket);
  }

  /** @internal The socket closed: the listener hears it, and nothing more. */
  socketClosed(info: CloseInfo): void {
    const listener = this.socketListener;
    this.socketListener = undefined;
    listener?.onClose(info);
  }

  send(data: TransportData): void {
    if (this.webSocket?.readyState !== OPEN) throw new Error('WebSocket is not open');
    this.webSocket.send(data);
  }

  /** A WebSocket ping where the runtime can send one (Node's `ws`); false where it cannot (browsers). */
  ping(): boolean {
    return pingSocket(this.webSocket);
  }

  close(code = 1000, reason = ''): void {
    const socket = this.webSocket;
    this.socketListener = undefined;
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
    this.socketListener = undefined;
    if (!terminateSocket(this.webSocket)) this.close(code, reason);
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

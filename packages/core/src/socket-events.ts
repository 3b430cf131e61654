import type { CloseInfo, TransportData, TransportListener } from './transport';
import type { WebSocketTransport } from './websocket-transport';

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

/** The transport a socket reports to, kept on the socket so that one set of handler functions serves every socket. */
export const OWNER = Symbol('polysocket.transport');

export type OwnedSocket = WebSocketLike & { [OWNER]?: WebSocketTransport };

/**
 * The socket's event handlers, shared by every socket: `this` is the socket (a browser calls an `on*` handler
 * with the socket as `this`), whose transport is `this[OWNER]`. They stay on the socket: once the transport is
 * closed they do nothing. These take the events of the WebSocket API; `socket-runtime.ts` adds `ws`'s own.
 */
export const to = (socket: OwnedSocket): TransportListener | undefined => socket[OWNER]?.socketListener;

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

/** A message's data to the listener: text as it is, anything else as bytes of this realm (or as text). */
export function deliver(socket: OwnedSocket, out: unknown): void {
  to(socket)?.onMessage(typeof out === 'string' ? out : bytesOf(out));
}

/** An error event (or `ws`'s Error) as an Error. */
export const asError = (event: Error | { message?: unknown }): Error =>
  event instanceof Error ? event : new Error(String(event.message || 'WebSocket error'));

/** The close event's fields, copied (the event itself stays with the socket). */
export function closeWith(socket: OwnedSocket, info: CloseInfo): void {
  socket[OWNER]?.socketClosed({ code: info.code, reason: info.reason, wasClean: info.wasClean });
}

/** The WebSocket API's events. */
export const EVENT_HANDLERS = {
  open(this: OwnedSocket): void {
    to(this)?.onOpen();
  },
  message(this: OwnedSocket, event: { data: unknown }): void {
    deliver(this, event.data);
  },
  error(this: OwnedSocket, event: Error | { message?: unknown }): void {
    to(this)?.onError(asError(event));
  },
  close(this: OwnedSocket, event: CloseInfo): void {
    closeWith(this, event);
  },
};

/** Sets `handlers` as the socket's `on*` properties. */
export function setHandlers(socket: OwnedSocket, handlers: object): void {
  for (const event in handlers)
    (socket as unknown as Record<string, unknown>)[`on${event}`] = handlers[event as keyof typeof handlers];
}

import { asError, closeWith, deliver, EVENT_HANDLERS, setHandlers, to, type OwnedSocket } from './socket-events';
import type { CloseInfo } from './transport';

/**
 * How the WebSocket transport drives its socket where the socket may be Node's `ws` (the default, Node build).
 * The package's `browser` build (its `browser` export condition, the script-tag bundles) uses
 * `socket-runtime.browser.ts` instead: a page's WebSocket is never `ws`.
 */

/** Node's `ws` adds these; browsers have neither. */
interface NodeWebSocketExtras {
  ping(data?: unknown, mask?: boolean, cb?: (error?: Error) => void): void;
  on(event: string, listener: (this: OwnedSocket, ...args: never[]) => void): unknown;
  emit(event: string, ...args: unknown[]): boolean;
  terminate?(): void;
}

type NodeBuffer = Uint8Array & { toString(encoding?: string): string };
type NodeSocket = OwnedSocket & NodeWebSocketExtras;

const OPEN = 1;
const noop = (): void => {};

/**
 * The handlers with `ws` (through `nodeEmit`) get `ws`'s arguments (its `on*` setters would allocate a wrapper
 * function per handler and a MessageEvent per message); other sockets get the WebSocket API's events. The
 * `error` one keeps `ws` from throwing once the transport is closed.
 */
const HANDLERS = {
  ...EVENT_HANDLERS,
  message(this: OwnedSocket, data: NodeBuffer | { data: unknown }, isBinary?: boolean): void {
    // A browser's is text or an ArrayBuffer (binaryType), `ws`'s text or a Buffer; anything else becomes text.
    deliver(this, 'data' in data ? data.data : isBinary ? data : data.toString());
  },
  error(this: OwnedSocket, event: Error | { message?: unknown }): void {
    const error = asError(event);
    // `ws` reports an HTTP answer to the upgrade only in its message; the core reads a numeric `status`.
    const status = /server response: (\d{3})/.exec(error.message);
    if (status) (error as Error & { status?: number }).status = +status[1];
    to(this)?.onError(error);
  },
  /** `ws` gives the code and reason, and sets 1006 exactly when no closing handshake took place. */
  close(this: OwnedSocket, event: number | CloseInfo, reason?: NodeBuffer): void {
    closeWith(
      this,
      typeof event === 'number' ? { code: event, reason: String(reason), wasClean: event !== 1006 } : event,
    );
  },
  // A socket other than `ws` gets an `onpong` it never calls.
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

/** Takes the socket's events: `ws`'s through `emit`, any other socket's through its `on*` handlers. */
export function adopt(socket: OwnedSocket): void {
  const { ping, on } = socket as Partial<NodeSocket>;
  // Node's `ws` has `ping` and an EventEmitter API; browsers' sockets have neither.
  const node = typeof ping === 'function' && typeof on === 'function';
  socket.binaryType = node ? 'nodebuffer' : 'arraybuffer';
  if (node) {
    (socket as NodeSocket).emit = nodeEmit;
    // Nobody listens, so its EventEmitter needs no events dictionary (≈ 0.2 KB; EventEmitter makes one again
    // with a first listener).
    (socket as { _events?: unknown })._events = undefined;
  } else setHandlers(socket, HANDLERS);
}

/** Sends a WebSocket ping where the socket can (`ws`); false where it cannot (a browser's has no `ping`). */
export function pingSocket(socket: OwnedSocket | undefined): boolean {
  // A browser's socket has no `ping`: calling it throws, and the answer is false.
  try {
    return socket?.readyState === OPEN && ((socket as NodeSocket).ping(undefined, undefined, noop), true);
  } catch {
    return false;
  }
}

/** Drops the TCP connection at once where the socket can (`ws`'s `terminate`); false where it cannot. */
export function terminateSocket(socket: OwnedSocket | undefined): boolean {
  const node = socket as NodeSocket | undefined;
  if (!node?.terminate) return false;
  node.terminate();
  return true;
}

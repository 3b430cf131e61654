/** What a transport carries: text, or binary. */
export type TransportData = string | ArrayBuffer | Uint8Array;

/**
 * One encoded frame: a single transport message, or several written back to back (a Socket.IO
 * binary event is a header followed by its attachments).
 */
export type EncodedFrame = TransportData | readonly TransportData[];

export interface CloseInfo {
  code: number;
  reason: string;
  wasClean: boolean;
}

/** Receives a transport's events. A transport calls none of these after its own `close()` was called. */
export interface TransportListener {
  onOpen(): void;
  onMessage(data: TransportData): void;
  onClose(info: CloseInfo): void;
  onError(error: Error): void;
  /** A transport-level pong arrived (only from transports whose `ping()` can send). */
  onPong?(): void;
}

/**
 * A duplex pipe. One instance carries one connection attempt; the core asks its factory for a
 * fresh one on every (re)connect.
 */
export interface Transport {
  /** Short name for logs and diagnostics: 'websocket', 'memory', 'polling'. */
  readonly name: string;
  /** Starts connecting; events go to `listener` until `close()`. */
  open(listener: TransportListener): void;
  send(data: TransportData): void;
  /** Closes without waiting: after this call the listener hears nothing more. Idempotent. */
  close(code?: number, reason?: string): void;
  /**
   * Drops the link at once, with no closing handshake, for a link the core abandons as dead or broken:
   * a closing handshake with a peer that no longer answers keeps the socket, and in Node a timer, alive
   * for the WebSocket library's close timeout (30 s in `ws`). Where missing, `close()` is used.
   */
  terminate?(code?: number, reason?: string): void;
  /** Bytes accepted by `send()` and not yet handed to the network. */
  readonly bufferedAmount: number;
  /**
   * Sends a transport-level ping where the runtime allows it (Node's `ws`); returns false where
   * it cannot (browsers). A pong is reported through `onPong`.
   */
  ping?(): boolean;
}

export type TransportFactory = () => Transport;

/** Close code used when the core itself drops a link (dead link, handshake timeout, ...). */
export const CLOSE_ABNORMAL = 1006;
export const CLOSE_NORMAL = 1000;
/** Close code the core sends when it abandons a link it considers dead or broken. */
export const CLOSE_CLIENT_DROP = 4000;

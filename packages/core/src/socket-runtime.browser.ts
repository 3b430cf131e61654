import { EVENT_HANDLERS, setHandlers, type OwnedSocket } from './socket-events';
import type * as NodeRuntime from './socket-runtime';

/**
 * `socket-runtime.ts` for browsers: the `browser` build of the package (its `browser` export condition, and the
 * script-tag bundles) uses this file instead, so a page does not carry the code for Node's `ws`. A page's
 * WebSocket has the WebSocket API only: its events through `on*` handlers, no ping, no terminate.
 */

/** Takes the socket's events (binary as ArrayBuffers). */
export function adopt(socket: OwnedSocket): void {
  socket.binaryType = 'arraybuffer';
  setHandlers(socket, EVENT_HANDLERS);
}

/** A page's WebSocket cannot send a ping. */
export const pingSocket = (): boolean => false;

/** Nor drop its connection without a closing handshake: the transport closes it. */
export const terminateSocket = (): boolean => false;

// Both files export the same functions.
({ adopt, pingSocket, terminateSocket }) satisfies typeof NodeRuntime;

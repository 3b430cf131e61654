/**
 * Socket.IO hooks for `@polysocket/react`: `useSocketEvent(event, handler)`, inside a `PolySocketProvider` whose
 * client is a `SocketIOClient` (or `createClient({ protocol: 'socketio' })`).
 *
 * @module @polysocket/react/socketio
 */
export { socketIOHooks, useSocketEvent } from './socketio/use-socket-event';
export type { SocketEventHandler, SocketEventOptions, SocketIOHooks } from './socketio/use-socket-event';

/**
 * Engine.IO v4 + Socket.IO v5 client on the PolySocket core: WebSocket (long-polling and upgrade with `socketioPolling`),
 * namespaces, acks, binary.
 *
 * @packageDocumentation
 * @module @polysocket/socketio
 */
export { SocketIOClient } from './client';
export type {
  AuthData,
  AuthOption,
  EngineFrame,
  EngineSession,
  ReadyContext,
  SocketIOClientEvents,
  SocketIOClientOptions,
  TransportName,
} from './client';
export { SocketIOSocket } from './socket';
export { clientEnded } from './checks';
export type { AckOptions, AnyEventListener, SocketHook, SocketState } from './socket';
export type {
  AckArgs,
  AckEmitter,
  AckResult,
  DefaultEventsMap,
  EmitName,
  EventNames,
  EventParams,
  EventsMap,
  ListenName,
  NamespaceEvents,
  ReservedEventName,
  VolatileEmitter,
} from './typed-events';
export { encodePacket, hasBinary, PacketDecoder, PacketType, RESERVED_EVENTS } from './parser';
export type { Packet } from './parser';
export { decodePayload, encodePayload, engineUrl, EngineType, parseHandshake, RECORD_SEPARATOR } from './engine';
export type { EngineHandshake } from './engine';
export { PollingTransport } from './polling-transport';
export type { FetchLike, PollingTransportOptions } from './polling-transport';
export { UpgradingTransport } from './upgrading-transport';
export { socketioPolling } from './polling';
export type { SocketIOPolling } from './polling';

/**
 * PolySocket core: transport-agnostic realtime client machinery (reconnect, requests, heartbeat, outbox,
 * resume cursors).
 *
 * @packageDocumentation
 * @module @polysocket/core
 */
export { Connection } from './connection';
export { LIFECYCLE_EVENTS } from './connection-types';
export type { LifecycleClient, LifecycleEventName, NotOneOf } from './connection-types';
export type {
  ConnectionEvents,
  ConnectionOptions,
  ConnectionState,
  ConnectionTuning,
  DisconnectEvent,
  ReconnectingEvent,
  SendOptions,
} from './connection';
export type {
  CloseAction,
  CloseDecision,
  HandshakeContext,
  HandshakeResult,
  Protocol,
  RestoreContext,
} from './protocol';
export type {
  CloseInfo,
  EncodedFrame,
  Transport,
  TransportData,
  TransportFactory,
  TransportListener,
} from './transport';
export { CLOSE_ABNORMAL, CLOSE_CLIENT_DROP, CLOSE_NORMAL } from './transport';
export { WebSocketTransport, webSocketTransport, tuningWebSocket } from './websocket-transport';
export type { WebSocketConstructor, WebSocketLike, WebSocketTransportOptions } from './websocket-transport';
export { MemoryPeer, MemoryServer, MemoryTransport } from './memory-transport';
export { PolySocketError, asMaybeDelivered, isPolySocketError, missingModule, toPolySocketError } from './errors';
export type { ErrorCode, PolySocketErrorOptions } from './errors';
export { backoffDelay, DEFAULT_BACKOFF } from './backoff';
export type { BackoffOptions } from './backoff';
export type { HeartbeatPolicy } from './heartbeat';
export { Outbox } from './outbox';
export type { Gate, OutboxEntry, OutboxOptions } from './outbox';
export { DEFAULT_REQUEST_TIMEOUT_MS, describeEvent } from './requests';
export type { RequestId, RequestOptions } from './requests';
export { CursorStore } from './cursor-store';
export { RecentIds } from './recent-ids';
export { LazyMap, LazySet } from './lazy-collections';
export { dict } from './dict';
export type { Dict } from './dict';
export { stillListening, withListener, withoutListener } from './listener-list';
export { DeadlineTimer } from './deadline-timer';
export type { CursorStoreOptions, StorageLike } from './cursor-store';
export { attachBrowserHooks } from './browser-hooks';
export type { BrowserHookHandlers, BrowserHooksOptions, DocumentLike, EventTargetLike } from './browser-hooks';
export { INSPECT, RedactingLogger } from './logger';
export type { Logger } from './logger';
export { SafeEmitter } from './safe-emitter';
export { checkSecureUrl, isLoopbackHost } from './secure-url';
export { urlSecrets, withoutCredentials } from './url-secrets';
export { fetchCredentials } from './credentials';
export type { FetchCredentialsOptions } from './credentials';
export { clampMs, timerDelay, MAX_TIMER_MS } from './timing';

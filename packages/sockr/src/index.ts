export { SockrClient } from './client';
export type { ConferenceState, IncomingMessage, SockrClientOptions, SockrEvents, SockrLocalEvents } from './client';
export { SockrCall, connectPeer } from './call';
export type { CallEvents, CallState, PeerConnectionLike } from './call';
export { ReplyMatcher, Limiter } from './replies';
export { Typing } from './typing';
export * from './types';

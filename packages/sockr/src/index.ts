/**
 * PolySocket client for Sockr: every sockr-shared event, typed, with auth, dedupe, receipts, history
 * paging, groups, calls and SFU conferences.
 *
 * @packageDocumentation
 * @module @polysocket/sockr
 */
export { SockrClient } from './client';
export type { ConferenceState, SockrClientOptions, SockrEvents, SockrLocalEvents, SockrSession } from './client';
export type { IncomingMessage } from './messages';
export { SockrCall, connectPeer } from './call';
export type { CallEvents, CallState, PeerConnectionLike } from './call';
export { ReplyMatcher, Limiter } from './replies';
export { Typing } from './typing';
export * from './types';

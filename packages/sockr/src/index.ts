/**
 * PolySocket client for Sockr: every sockr-shared event, typed, with auth, dedupe, receipts, history
 * paging and groups; calls and SFU conferences (`sockrCalls`) and typing indicators (`sockrTyping`) as
 * modules the app passes in.
 *
 * @packageDocumentation
 * @module @polysocket/sockr
 */
export { SockrClient } from './client';
export type { SockrBase } from './base';
export type { Ask, ConferenceState, SockrClientOptions, SockrEvents, SockrLocalEvents, SockrSession } from './client';
export type { IncomingMessage } from './messages';
export { SockrCall, connectPeer } from './call';
export type { CallEvents, CallHost, CallState, PeerConnectionLike } from './call';
export { sockrCalls } from './calls';
// Sockr's long-polling is the Socket.IO adapter's module: re-exported so a Sockr app imports it from here.
export { socketioPolling } from '@polysocket/socketio';
export type { SockrCalls, SockrCallsModule } from './calls';
export { ReplyMatcher, Limiter } from './replies';
export { Typing, sockrTyping } from './typing';
export type { SockrTyping, SockrTypingModule } from './typing';
export * from './types';

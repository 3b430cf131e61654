/**
 * PolySocket: one realtime client for Foony, Ignis, Sockr and any Socket.IO server —
 * `createClient({ protocol })` and the script-tag bundles.
 *
 * @packageDocumentation
 * @module polysocket
 */
export { createClient } from './create-client';
export type { ClientByProtocol, ClientOptions, CommonClientOptions, ProtocolName } from './create-client';
export * from '@polysocket/core';
export * from '@polysocket/foony';
export * from '@polysocket/ignis';
export * from '@polysocket/socketio';
export * from '@polysocket/sockr';
// Two packages export an ErrorCode: the core's error-code type wins the plain name, and the Foony
// wire's numeric codes are FoonyErrorCode.
export type { ErrorCode } from '@polysocket/core';
export { ErrorCode as FoonyErrorCode } from '@polysocket/foony';

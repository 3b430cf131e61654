// The all-in-one script-tag bundle: window.PolySocket with createClient and every adapter, default features only
// (issue 16's budget row). `polysocket.full.global.js` (full.ts) adds every optional module.
export * from './core-public';
export { createClient } from '../create-client';
export { FoonyClient, FoonyChannel, ErrorCode as FoonyErrorCode } from '@polysocket/foony';
export { IgnisClient } from '@polysocket/ignis';
export { SocketIOClient } from '@polysocket/socketio';
export { SockrClient, SocketEvent, connectPeer } from '@polysocket/sockr';

// The all-in-one script-tag bundle: window.PolySocket with createClient and every adapter.
export * from './core-public';
export { createClient } from '../create-client';
export { FoonyClient, FoonyChannel, ErrorCode as FoonyErrorCode } from '@polysocket/foony';
// Foony's optional modules: a page with a script tag cannot import one later, so the bundle carries them.
export { foonyPresence, looseChannelNames, strictChannelNames, webStorageCursors } from '@polysocket/foony';
export { IgnisClient } from '@polysocket/ignis';
export { SocketIOClient } from '@polysocket/socketio';
export { SockrClient, SocketEvent, connectPeer } from '@polysocket/sockr';

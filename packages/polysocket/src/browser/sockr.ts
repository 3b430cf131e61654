// Script-tag bundle with the Sockr client (and the Socket.IO adapter under it) and their optional modules
// (long-polling, calls, typing): window.PolySocket.
export * from './core-public';
export { SocketIOClient, socketioPolling } from '@polysocket/socketio';
export { SockrClient, SocketEvent, connectPeer, sockrCalls, sockrTyping } from '@polysocket/sockr';

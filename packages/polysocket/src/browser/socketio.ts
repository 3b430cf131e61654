// Script-tag bundle with only the Socket.IO adapter, and its optional long-polling module: window.PolySocket.
export * from './core-public';
export { SocketIOClient, socketioPolling } from '@polysocket/socketio';

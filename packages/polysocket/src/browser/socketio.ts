// Script-tag bundle with only the Socket.IO adapter: window.PolySocket.
export * from './core-public';
export { SocketIOClient } from '@polysocket/socketio';

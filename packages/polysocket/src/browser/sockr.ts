// Script-tag bundle with the Sockr client (and the Socket.IO adapter under it): window.PolySocket.
export * from './core-public';
export { SockrClient, SocketEvent, connectPeer } from '@polysocket/sockr';
